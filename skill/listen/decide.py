"""When an utterance is over, and whether what was heard is a command to obey.

Pure logic, no audio. Two parts:

* :class:`EndOfSpeech` ends an utterance early: once the recognizer has words and the
  microphone has been quiet (relative to its own noise floor) for ``end_silence``
  seconds, the listener asks the recognizer for its final result at once instead of
  waiting for the recognizer's own, slower end-point. The user hears the coach react
  about 0.2 s after the last word.
* :class:`Decider` accepts a final result only when it is exactly one phrase of the
  grammar now active, with no unknown word around it, and confident enough: more so
  while the coach is speaking, and more so for commands whose false trigger would lose
  the user's place (next, back, skip, end session). While the coach speaks, unknown
  words *before* the phrase are forgiven (the rest of the coach's own voice after echo
  cancellation); the phrases listened for then are only the cheap interruptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from skill.commands import Command, normalize, parse

#: A false trigger of these loses the user's place: they need more confidence.
CAREFUL: frozenset[Command] = frozenset({Command.NEXT, Command.BACK, Command.SKIP, Command.END})
UNKNOWN = "[unk]"


@dataclass(frozen=True)
class Hypothesis:
    """What the recognizer thinks it heard so far (``final``: the utterance is over)."""

    text: str
    final: bool
    confidence: float = 1.0
    start: float = 0.0  #: of the first word, seconds from the start of the stream
    end: float = 0.0  #: of the last word


@dataclass(frozen=True)
class Detection:
    """A command heard in the audio stream."""

    command: Command  #: what was asked
    text: str  #: the words recognized
    start: float  #: seconds from the start of the stream
    end: float  #: seconds from the start of the stream
    confidence: float  #: lowest word confidence of the phrase (0..1)


@dataclass(frozen=True)
class Settings:
    """Tuning of the listening rules (see bench/listen_bench.py for how they were chosen)."""

    end_silence: float = 0.18
    barge_in_chunks: int = 4
    #: while speaking: a command whose audio lost more than this to echo cancellation
    #: (cleaned vs. raw power over the last 0.75 s) was the coach's own voice
    echo_ratio_db: float = -8.0
    #: while speaking: forgive unknown words before the phrase (the coach's voice left over)
    forgive_leading_unknown: bool = True
    quiet_margin_db: float = 10.0
    min_confidence: float = 0.5
    min_confidence_careful: float = 0.7
    min_confidence_speaking: float = 0.9


class EndOfSpeech:
    """Tracks the noise floor and how long the microphone has been quiet."""

    def __init__(self, settings: Settings = Settings()) -> None:
        self._settings = settings
        self._floor: float | None = None
        self.quiet = 0.0

    def update(self, level_db: float, seconds: float) -> float:
        """Feed one chunk's level; returns the seconds of quiet up to now."""
        # Follow the floor down at once and up slowly (3 dB/s): speech is brief, rooms hum.
        floor = level_db if self._floor is None else min(level_db, self._floor + 3.0 * seconds)
        self._floor = floor
        loud = level_db >= floor + self._settings.quiet_margin_db
        self.quiet = 0.0 if loud else self.quiet + seconds
        return self.quiet

    def over(self) -> bool:
        return self.quiet >= self._settings.end_silence


class Decider:
    """Turns final hypotheses into commands."""

    def __init__(self, settings: Settings = Settings()) -> None:
        self._settings = settings

    def decide(self, hyp: Hypothesis, grammar: Sequence[str], speaking: bool) -> Command | None:
        if not hyp.final:
            return None
        text = hyp.text.strip()
        if speaking and self._settings.forgive_leading_unknown:  # "[unk] hold on"
            while text.startswith(UNKNOWN):
                text = text.removeprefix(UNKNOWN).strip()
        if UNKNOWN in text:
            return None
        text = normalize(text)
        command = parse(text) if text in grammar else None
        if command is None:
            return None
        s = self._settings
        floor = s.min_confidence_careful if command in CAREFUL else s.min_confidence
        if speaking:
            floor = max(floor, s.min_confidence_speaking)
        return command if hyp.confidence >= floor else None
