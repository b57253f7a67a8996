"""When an utterance is over, and whether what was heard is a command to obey.

Pure logic, no audio. Two parts:

* :class:`EndOfSpeech` ends an utterance early: once the recognizer has words and the
  microphone has been quiet (relative to its own noise floor) for ``end_silence``
  seconds (longer when the words so far only start a phrase), the listener asks the
  recognizer for its final result at once instead of waiting for the recognizer's own,
  slower end-point. The user hears the coach react about 0.2 s after the last word (0.4 s
  over a background: a noise floor close to the loudest sound lately).
* :class:`Decider` accepts a final result only when it is exactly one phrase of the
  grammar now active, confident enough (more so while the coach is speaking, and more
  so for commands whose false trigger would lose the user's place: next, back, skip,
  end session), and spoken on its own: a command is said after a pause, not in the
  middle of a sentence, and at most a short stretch of unknown sound sits before it (a
  breath) and after it (a drawn-out last syllable the model does not know: voices end
  words very differently, so more is allowed after than before). Longer unknown speech
  around the phrase means it was part of ordinary talk, unless the phrase stood out from
  a background, or (if tuned so) what followed it died away like a room's echo. While the coach
  speaks, unknown sound *before* the phrase is forgiven (the rest of the coach's own
  voice after echo cancellation) and no pause is needed; the phrases listened for then
  are only the cheap interruptions. While it is silent, a phrase whose level hardly rose
  and fell, or that was drawn out over seconds, was steady noise (a fan, water running).
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from skill.commands import Command, normalize, parse

#: A false trigger of these loses the user's place: they need more confidence.
CAREFUL: frozenset[Command] = frozenset({Command.NEXT, Command.BACK, Command.SKIP, Command.END})
UNKNOWN = "[unk]"
#: the background's steadiness is judged on this much of it (seconds of the latest chunks
#: under ``quiet_margin_db``, however long ago: talk over it does not flush it out) ...
STEADY_WINDOW_SECONDS = 3.0
#: ... once at least this much of it was heard
STEADY_MIN_SECONDS = 1.0


@dataclass(frozen=True)
class Hypothesis:
    """What the recognizer thinks it heard so far (``final``: the utterance is over)."""

    text: str
    final: bool
    confidence: float = 1.0
    start: float = 0.0  #: of the first word, seconds from the start of the stream
    end: float = 0.0  #: of the last word
    unknown_before: float = 0.0  #: seconds of unknown sound ([unk]) before the first word
    unknown_after: float = 0.0  #: seconds of unknown sound after the last word
    first: float | None = None  #: start of the first sound recognized, [unk] included
    last: float | None = None  #: end of the last sound recognized, [unk] included


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
    #: quiet needed to end an utterance over a background (the noise floor within
    #: ``background_db`` of the loudest sound lately): babble or noise raises the floor to
    #: the level of a sentence's soft parts, and 0.18 s there cut a sentence into words,
    #: each with "quiet" before it (models/README, "The end of an utterance over a
    #: background": chosen on the development talk over babble from 0.18, 0.3, 0.4, 0.5 s)
    end_silence_background: float = 0.4
    #: the noise floor is a background when within this many dB of the loudest sound
    #: heard lately (its peak level, falling ``loud_fall_db_per_s``); a quiet room's floor
    #: sits 30-50 dB under speech
    background_db: float = 25.0
    loud_fall_db_per_s: float = 1.0
    #: quiet needed to end an utterance whose running result ends in the first words of a
    #: phrase ("what's" of "what's next"): in steady noise the soft middle of a phrase sits
    #: under the quiet margin, and 0.18 s there split it in two, neither obeyed (models/README,
    #: "Pink noise"); 0.5 s is the recognizer's own end-point silence (``conf/model.conf``)
    end_silence_incomplete: float = 0.5
    #: while the echo canceller is still learning the room: an utterance over the coach
    #: whose running result has ended in a barge-in phrase for this many chunks is ended
    #: (``Hearing._barge_in``); once it has learnt, only quiet ends one
    barge_in_chunks: int = 4
    #: over the coach: a final result that was not obeyed, whose phrase had at least this
    #: much unknown sound after it, is heard again from the phrase's end (seconds;
    #: ``Hearing._may_hide_a_phrase``)
    hear_again_after: float = 0.3
    #: while speaking: a command whose audio lost more than this to echo cancellation
    #: (cleaned vs. raw power while the phrase was spoken) was the coach's own voice. A user
    #: speaking 6 dB under the coach's echo loses 7 dB, and up to 10 dB with what the
    #: canceller leaves (bench/listen_bench.py); a word of the coach's that the canceller
    #: removed less well than the rest ("palms" heard as "pause" in the PulseAudio loop)
    #: lost 12 dB. A chunk that lost more than this while the coach speaks counts as quiet
    #: (``EndOfSpeech.update``: what is left of the coach's voice)
    echo_ratio_db: float = -11.0
    #: ... or, while the canceller removes less than ``echo_margin_db - echo_ratio_db`` of
    #: the coach's voice (the most it removed on the last stretches, :class:`Hearing`), a
    #: command must keep more than the coach's voice did plus this margin (dB): in the
    #: PulseAudio loop the coach's "wait" was obeyed 3 s into a session, when the canceller
    #: removed 9-11 dB of the coach's voice
    echo_margin_db: float = 6.0
    #: while speaking, commands count only once the echo canceller has removed this much of
    #: the coach's voice (dB) on one of the last stretches of it: an adaptive filter needs a
    #: few seconds of the coach's voice to learn the room
    min_echo_reduction_db: float = 10.0
    #: a chunk is sound when this many dB over the noise floor (over a steady background,
    #: less if ``steady_margin_db`` is narrower). Over babble, which rises and dips by 10-30 dB
    #: over its floor, a narrower margin counts the babble as sound, and a command said over
    #: it does not end
    quiet_margin_db: float = 10.0
    #: over a steady background (music, pink noise, a fan) the margin may narrow to how far
    #: its recent chunks rose over the floor (median: ``EndOfSpeech.margin``) plus
    #: ``steady_headroom_db``, never under this (dB); the same as ``quiet_margin_db`` (the
    #: default): no narrowing. 6 dB was tried and not kept (models/README, "A quiet margin
    #: for a steady background"): the held-out talk over music lost its 10 false accepts,
    #: but the development talk over the training's music gained some (23 to 33 in an hour,
    #: the network taking more of the music itself for commands), and the development
    #: objective fell (-0.176 against -0.142)
    steady_margin_db: float = 10.0
    steady_headroom_db: float = 4.0
    #: below this level (dBFS) a chunk is quiet whatever the noise floor: what is left of the
    #: coach's voice after echo cancellation and a digital loop's silence are under it. It
    #: holds while the microphone has lately heard sound within ``silence_below_peak_db`` of
    #: full scale (``EndOfSpeech.silence``)
    silence_dbfs: float = -65.0
    #: a microphone turned down turns everything down, its user's voice and the coach's echo
    #: alike: the silence level sits this far under the loudest sound it heard lately (before
    #: echo cancellation, the coach's echo included), never above ``silence_dbfs`` nor under
    #: ``lowest_silence_dbfs``
    silence_below_peak_db: float = 40.0
    #: only sound at this level (dBFS) or over counts as the loudest heard lately: digital
    #: silence and a faint breath before the first word never lower the silence level, the
    #: vowels of a voice 50 dB under the usual level do (at -73 to -65 dBFS in 30 ms chunks)
    peak_from_dbfs: float = -75.0
    #: a 16-bit sample's last bit: under it is no sound on any microphone
    lowest_silence_dbfs: float = -90.0
    #: how fast the loudest sound heard lately is forgotten (dB a second): a microphone's
    #: gain seldom changes, and a door slammed once only deafens the listener for a while
    peak_fall_db_per_s: float = 0.02
    #: unknown sound allowed just before a phrase (seconds): a breath; more is the end of a
    #: sentence the phrase belongs to
    max_unknown_before: float = 0.15
    #: unknown sound allowed just after a phrase (seconds): a drawn-out last syllable the
    #: model does not know (voices end words very differently); more is the sentence going on
    max_unknown_after: float = 0.3
    #: unknown sound after a phrase that is at least this much quieter than the phrase
    #: (dB) is the room's echo of it or a fading end, not talk going on: it does not count
    #: against ``max_unknown_after`` (99: all unknown sound after counts)
    min_tail_drop_db: float = 99.0
    #: an utterance still going after this long (seconds) is talk: it is ended and rejected
    max_utterance: float = 3.0
    #: quiet needed before a command (seconds since the last speech the recognizer heard)
    min_pause_before: float = 0.3
    #: a phrase this much louder than the sound around it stands out from a background
    #: (babble, television, the coach): the sound around it is not counted as talk
    min_prominence_db: float = 6.0
    #: while the coach is silent, a phrase whose level hardly changed (dB between its loud
    #: and its quiet chunks) is steady noise, not speech: a fan, water running (models/README,
    #: "Steady noise heard as a command": on the development set correct commands spread
    #: 6.7-60 dB, the commands heard in its noise clips 1.3-3.5 dB); a model's manifest may
    #: set it (``tune.GRID``: 7 dB for the shipped one; models/README, "The steady-noise
    #: floor in the tuning's grid")
    min_level_spread_db: float = 5.0
    #: ... nor one whose level hardly changed in any one frequency band (``band_spread_db``):
    #: pink noise's whole level moves by up to 6 dB (models/README, "Steady noise measured
    #: band by band": on the development set correct commands spread 14.9 dB at least there,
    #: steady noise of 0.12-1.8 s at most 6.8 dB); a model's manifest may set it (``tune.GRID``:
    #: 13 dB for the shipped one; models/README.md, "The band-spread floor in the tuning's grid")
    min_band_spread_db: float = 10.0
    #: a phrase said over more than this many seconds per word, plus two words' worth for a
    #: drawn-out end, is not a command either (development set: correct one-word commands
    #: took up to 1.41 s, three words 2.01 s; steady noise heard as "help" 2.4 s)
    max_seconds_per_word: float = 0.5
    min_confidence: float = 0.5
    #: for the commands whose false trigger loses the user's place (``CAREFUL``); below
    #: ``min_confidence`` it counts as ``min_confidence``
    min_confidence_careful: float = 0.7
    min_confidence_speaking: float = 0.9

    @property
    def narrows_over_steady_background(self) -> bool:
        """Does the quiet margin narrow over a steady background (``steady_margin_db`` under
        ``quiet_margin_db``)? Off by default: nothing is kept for it then."""
        return self.steady_margin_db < self.quiet_margin_db


class EndOfSpeech:
    """Tracks the noise floor and how long the microphone has been quiet."""

    def __init__(self, settings: Settings = Settings()) -> None:
        self._settings = settings
        self._floor: float | None = None
        self._loud: float | None = None  #: the loudest sound lately, falling slowly (dBFS)
        #: the loudest sound the microphone heard lately, before echo cancellation (dBFS)
        self._peak: float | None = None
        #: (seconds, dB over the floor) of the latest chunks under ``quiet_margin_db``
        self._below: deque[tuple[float, float]] = deque()
        self._below_seconds = 0.0
        self._rise = math.inf  #: their median dB over the floor (infinite: too few yet)
        self.quiet = 0.0

    def update(
        self, level_db: float, seconds: float, echo: bool = False, raw_db: float | None = None
    ) -> float:
        """Feed one chunk's level (after echo cancellation; ``raw_db`` before it, the same
        when None); returns the seconds of quiet up to now. An ``echo`` chunk (what is left
        of the coach's voice after echo cancellation) counts as quiet."""
        # Follow the floor down at once and up slowly (3 dB/s): speech is brief, rooms hum.
        floor = level_db if self._floor is None else min(level_db, self._floor + 3.0 * seconds)
        self._floor = floor
        raw = level_db if raw_db is None else raw_db
        if self._peak is not None:
            self._peak -= self._settings.peak_fall_db_per_s * seconds
        if raw >= self._settings.peak_from_dbfs and (self._peak is None or raw > self._peak):
            self._peak = raw
        if not echo:  # the coach's own voice is not the room's
            fall = self._settings.loud_fall_db_per_s * seconds
            self._loud = level_db if self._loud is None else max(level_db, self._loud - fall)
            self._follow_background(level_db - floor, seconds)
        heard = self.audible(level_db) and not echo
        self.quiet = 0.0 if heard else self.quiet + seconds
        return self.quiet

    def _follow_background(self, rise_db: float, seconds: float) -> None:
        """Keep a chunk ``rise_db`` over the floor if it is under the widest margin (the
        background, or the soft end of a word), and the median of the latest ones."""
        s = self._settings
        if rise_db >= s.quiet_margin_db or not s.narrows_over_steady_background:
            return  # not background, or no narrowing: nothing to follow
        self._below.append((seconds, rise_db))
        self._below_seconds += seconds
        while self._below_seconds - self._below[0][0] >= STEADY_WINDOW_SECONDS:
            self._below_seconds -= self._below.popleft()[0]
        enough = self._below_seconds >= STEADY_MIN_SECONDS
        self._rise = statistics.median(r for _, r in self._below) if enough else math.inf

    def margin(self) -> float:
        """dB over the noise floor that a chunk is sound from: ``quiet_margin_db``, or over a
        :meth:`background` whose latest chunks under it rose little over the floor (a
        steady one: music, a fan), their median rise plus ``steady_headroom_db``, never
        under ``steady_margin_db``."""
        s = self._settings
        if not s.narrows_over_steady_background or not self.background():
            return s.quiet_margin_db
        return min(s.quiet_margin_db, max(s.steady_margin_db, self._rise + s.steady_headroom_db))

    def audible(self, level_db: float) -> bool:
        """Is ``level_db`` sound, not silence: clearly above the room's noise floor (by
        :meth:`margin`), and not under the silence level (:meth:`silence`: what is left of
        the coach's own voice after echo cancellation, or a digital loop's silence, is under
        it)?"""
        return self._floor is not None and level_db >= max(
            self._floor + self.margin(), self.silence()
        )

    def silence(self) -> float:
        """The level (dBFS) under which a chunk is quiet whatever the noise floor:
        ``silence_dbfs``, lower on a microphone that has heard nothing loud lately."""
        s = self._settings
        if self._peak is None:
            return s.silence_dbfs
        return max(s.lowest_silence_dbfs, min(s.silence_dbfs, self._peak - s.silence_below_peak_db))

    def background(self) -> bool:
        """Is there a background (noise, babble, a television): a noise floor that is sound
        (not under ``silence``) and close to the loudest sound heard lately? A quiet room's
        floor is far under the voices in it."""
        s = self._settings
        return (
            self._floor is not None
            and self._loud is not None
            and self._floor >= self.silence()
            and self._floor > self._loud - s.background_db
        )

    def over(self, incomplete: bool = False) -> bool:
        """Has it been quiet long enough to end the utterance? Longer when what was heard so
        far is the ``incomplete`` start of a phrase, or when there is a background."""
        s = self._settings
        if incomplete:
            return self.quiet >= s.end_silence_incomplete
        return self.quiet >= (s.end_silence_background if self.background() else s.end_silence)


@dataclass(frozen=True)
class Surroundings:
    """What the listener heard around an utterance."""

    pause_before: float = math.inf  #: seconds of quiet since the last sound heard before it
    #: how much louder the phrase was than the sound around it (dB): the sound just before
    #: it, and just after it when there was sound after it; 0 when it was silence before.
    #: A user talking over a room's background stands out from it on both sides; a word
    #: inside a sentence does not, even a stressed one
    prominence_db: float = 0.0
    #: how much the level changed while the phrase was said (dB, 90th minus 10th percentile
    #: of its 30 ms chunks after echo cancellation): speech rises and falls with its
    #: syllables, steady noise hardly changes; infinite when too short to tell
    level_spread_db: float = math.inf
    #: how much quieter the unknown sound after the phrase was than the phrase (dB, after
    #: echo cancellation): a room's echo and a fading end die away, talk going on does not;
    #: 0 when too little was heard after it to tell
    tail_drop_db: float = 0.0
    #: ``level_spread_db`` in the frequency band where it is largest: vowels and fricatives
    #: fill different bands in turn, while each band of a steady noise keeps its level
    band_spread_db: float = math.inf


class PauseTracker:
    """How long it was quiet before each utterance, from the final results' times."""

    def __init__(self) -> None:
        self._last: float | None = None  #: end of the last sound heard (stream time)

    def before(self, hyp: Hypothesis, speaking: bool, sound_until: float | None) -> float:
        """Seconds from the last sound heard to the start of ``hyp`` (a final result whose
        sound, if any, lasted ``sound_until``: the listener's, not the recognizer's, since
        a background the recognizer takes for words is no talk); infinite when nothing was
        heard before. What is heard while the coach speaks is not counted: it is mostly
        the coach."""
        last = self._last
        if speaking:
            self._last = None
        elif sound_until is not None:
            self._last = sound_until
        if hyp.first is None or last is None or hyp.first < last:
            return math.inf
        return hyp.first - last


class Decider:
    """Turns final hypotheses into commands."""

    def __init__(self, settings: Settings = Settings()) -> None:
        self._settings = settings

    def decide(
        self,
        hyp: Hypothesis,
        grammar: Sequence[str],
        speaking: bool,
        around: Surroundings = Surroundings(),
    ) -> Command | None:
        """The command in ``hyp``, if it is one to obey."""
        heard = phrase(hyp, grammar)
        if heard is None:
            return None
        command, words = heard
        return command if obeys(self._settings, hyp, around, command, words, speaking) else None


def phrase(hyp: Hypothesis, grammar: Sequence[str]) -> tuple[Command, int] | None:
    """The command that a final ``hyp`` says, and its number of words, when its words are
    exactly one phrase of ``grammar`` with nothing but unknown sound around it."""
    if not hyp.final:
        return None
    words = hyp.text.split()
    while words and words[0] == UNKNOWN:
        words.pop(0)
    while words and words[-1] == UNKNOWN:
        words.pop()
    if not words or UNKNOWN in words:
        return None
    text = normalize(" ".join(words))
    command = parse(text) if text in grammar else None
    return None if command is None else (command, len(words))


def obeys(
    s: Settings,
    hyp: Hypothesis,
    around: Surroundings,
    command: Command,
    words: int,
    speaking: bool,
) -> bool:
    """Is the ``command`` that ``hyp`` says (in ``words`` words, :func:`phrase`) one to obey
    under ``s``? Written with comparisons, ``&`` and ``|`` of the settings only, so that
    settings whose fields are numpy arrays give an array: the tuning replays its whole grid
    at once this way (``tune.score_all``)."""
    sure = hyp.confidence >= s.min_confidence
    if command in CAREFUL:  # never less sure than for the others
        sure = sure & (hyp.confidence >= s.min_confidence_careful)
    if speaking:
        sure = sure & (hyp.confidence >= s.min_confidence_speaking)
    # said alone, not inside talk: little unknown sound after it (or it died away) and,
    # while the coach is silent, little before it, after a pause
    alone = (hyp.unknown_after <= s.max_unknown_after) | (around.tail_drop_db >= s.min_tail_drop_db)
    if speaking:  # over the coach, the canceller's residue blurs the level's rise and fall
        return sure & ((around.prominence_db >= s.min_prominence_db) | alone)
    alone = (
        alone
        & (hyp.unknown_before <= s.max_unknown_before)
        & (around.pause_before >= s.min_pause_before)
    )
    # speech, not steady noise: its level rose and fell, and it was not drawn out
    speech = (
        (around.level_spread_db >= s.min_level_spread_db)
        & (around.band_spread_db >= s.min_band_spread_db)
        & (hyp.end - hyp.start <= s.max_seconds_per_word * (words + 2))
    )
    return sure & speech & ((around.prominence_db >= s.min_prominence_db) | alone)
