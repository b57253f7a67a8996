"""The listening thread: owns the microphone and the recognizer, hands commands to the runner.

Every chunk goes to the recognizer with the grammar that fits *now*: while the coach
speaks, only the barge-in phrases not in the line being spoken; otherwise every command
valid in the session's mode. A stream that stops delivering is reported as lost, and
the thread keeps retrying until the device is back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from skill.commands import Mode, grammar, speaking_grammar
from skill.listen.decide import Decider, EndOfSpeech, Hypothesis, Settings
from skill.listen.mic import RATE, START_TIMEOUT, Chunk, Microphone, MicUnavailable
from skill.runner import Heard, Notice

log = logging.getLogger(__name__)


class Recognizer(Protocol):
    """A streaming recognizer restricted to a phrase list (vosk with a runtime grammar)."""

    def set_phrases(self, phrases: Sequence[str]) -> None:
        """Listen for ``phrases`` from now on (drops any utterance in progress)."""

    def feed(self, pcm: bytes) -> Hypothesis | None:
        """The partial result after this chunk, the final one at an end-point, or None."""

    def finish(self) -> Hypothesis:
        """End the current utterance now and give its final result."""


class EchoCanceller(Protocol):
    """Removes the coach's own voice (the playback reference) from a microphone chunk."""

    def clean(self, chunk: Chunk) -> bytes: ...


@dataclass(frozen=True)
class Listening:
    """What the listener needs to know of the coach right now."""

    mode: Mode
    speaking: bool
    spoken: str = ""


class Hangover:
    """ "Speaking" that lasts ``seconds`` past the end of playback, while the room's echo dies."""

    def __init__(self, seconds: float = 0.35) -> None:
        self._seconds = seconds
        self._until = float("-inf")

    def __call__(self, speaking: bool, now: float) -> bool:
        if speaking:
            self._until = now + self._seconds
        return speaking or now < self._until


def phrases_now(state: Listening) -> tuple[str, ...]:
    if state.speaking:
        return tuple(speaking_grammar(state.mode, state.spoken))
    return tuple(grammar(state.mode))


class Listener:
    """Run :meth:`loop` in a thread (see :meth:`start`); it reports through ``put``."""

    def __init__(
        self,
        mic: Microphone,
        recognizer: Recognizer,
        context: Callable[[], Listening],
        put: Callable[[Heard | Notice], None],
        echo: EchoCanceller | None = None,
        settings: Settings | None = None,
        lost_after: float = 2.0,
        retry_every: float = 2.0,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self._start_timeout = start_timeout
        self._mic, self._recognizer, self._context, self._put = mic, recognizer, context, put
        self._echo = echo
        self._decider = Decider(settings or Settings())
        self._end = EndOfSpeech(settings or Settings())
        self._in_words = False
        self._lost_after, self._retry_every = lost_after, retry_every
        self._phrases: tuple[str, ...] | None = None
        self._lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def level(self) -> float:
        """The microphone's latest level in dBFS (for the level meter)."""
        return self._mic.level_db

    def start(self) -> None:
        self._thread = threading.Thread(target=self.loop, name="listener", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self._mic.close()

    def loop(self) -> None:
        while not self._stop.is_set():
            self.turn()

    def turn(self) -> None:
        """One turn: open the microphone if it is closed, else handle one chunk."""
        if not self._mic.is_open:
            if not self._reopen():
                self._stop.wait(self._retry_every)
            return
        chunk = self._mic.read(timeout=self._lost_after)
        if chunk is None:
            self._mic.close()
            self._report_lost("the microphone stopped sending sound")
            return
        self.hear(chunk)

    def hear(self, chunk: Chunk) -> None:
        """Recognize one chunk in the current context and pass on any command."""
        state = self._context()
        phrases = phrases_now(state)
        if phrases != self._phrases and not self._in_words:
            self._recognizer.set_phrases(phrases)  # never mid-utterance
            self._phrases = phrases
        pcm = self._echo.clean(chunk) if self._echo is not None else chunk.pcm
        self._end.update(Chunk(pcm, chunk.t).level_db, len(pcm) / 2 / RATE)
        hypothesis = self._recognizer.feed(pcm)
        if hypothesis is not None and not hypothesis.final and hypothesis.text:
            self._in_words = True
        if self._in_words and self._end.over() and (hypothesis is None or not hypothesis.final):
            hypothesis = self._recognizer.finish()
        if hypothesis is None or not hypothesis.final:
            return
        self._in_words = False
        command = self._decider.decide(hypothesis, self._phrases or (), state.speaking)
        if command is not None:
            log.info("heard %s (%r)", command.value, hypothesis.text)
            self._put(Heard(command, hypothesis.text))

    def _reopen(self) -> bool:
        try:
            self._mic.open(self._start_timeout)
        except MicUnavailable as exc:
            self._report_lost(str(exc))
            return False
        if self._lost:
            self._lost = False
            self._put(Notice("mic_back"))
        return True

    def _report_lost(self, why: str) -> None:
        if not self._lost:
            self._lost = True
            log.warning("microphone lost: %s", why)
            self._put(Notice("mic_lost", why))
