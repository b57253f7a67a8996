"""One microphone chunk at a time: the grammar for now, echo removed, the room's quiet left
out (the recognizer only hears sound and the moment before it), the utterance ended early,
decided. The live listener, ``transcribe`` and the benchmarks all hear through this class.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple, Protocol

import numpy as np

from skill.commands import Mode, grammar, speaking_grammar
from skill.listen.decide import (
    UNKNOWN,
    Decider,
    Detection,
    EndOfSpeech,
    Hypothesis,
    PauseTracker,
    Settings,
    Surroundings,
)
from skill.listen.mic import BLOCK, RATE, Chunk

log = logging.getLogger(__name__)

#: How much audio (30 ms chunks) is kept to judge a phrase: was it the user's voice (echo),
#: did it stand out from the sound before it (prominence)?
POWER_HISTORY_CHUNKS = 200
#: after this much quiet (seconds) with no utterance going on, the recognizer hears nothing
#: more until there is sound again; then the last 0.3 s of quiet go first
SKIP_AFTER_QUIET = 0.6
PREROLL_CHUNKS = 10
#: the sound this long before (and after) a phrase is what it must stand out from
LEAD_SECONDS = 0.75
#: the sound after a phrase counts when at least this much of it was heard
MIN_TAIL_SECONDS = 0.2
#: unknown sound before a phrase, in its utterance, that stays under the quiet margin for at
#: least this long (seconds) is a background the noise floor has followed up (babble, a
#: television), which the phrase stands out from; less is a breath, left to the usual rules
BACKGROUND_SECONDS = 0.15
#: how much the echo canceller removes is measured on stretches of this much of the coach's
#: voice (seconds); the best of the last ``ECHO_STRETCHES`` shows whether it has learnt the
#: room (an adaptive filter needs a few seconds of the coach's voice at first)
ECHO_STRETCH_SECONDS = 0.5
ECHO_STRETCHES = 20
#: a phrase heard over fewer chunks than this (90 ms) is too short to judge how much its
#: level changed
MIN_SPREAD_CHUNKS = 3
#: the frequency bands (Hz) whose levels show whether a phrase rose and fell like speech
#: (``Surroundings.band_spread_db``): vowels fill the low ones and fricatives the high ones
#: in turn, while a steady noise keeps every band's level. Above 150 Hz, since the few
#: frequencies under it moved pink noise's whole level by up to 6 dB; bands wide enough that
#: noise's own level in each moves little from one 30 ms chunk to the next (models/README,
#: "Steady noise measured band by band")
SPREAD_BANDS_HZ = (150, 600, 1500, 3500, 8000)
_WINDOW = np.hanning(BLOCK)
_BAND_OF_BIN = np.digitize(np.fft.rfftfreq(BLOCK, 1 / RATE), SPREAD_BANDS_HZ)
#: how much of what the recognizer heard (30 ms chunks) is kept to be heard again: longer
#: than an utterance over the coach lasts
HEARD_AGAIN_CHUNKS = 150


class HeardChunk(NamedTuple):
    """One chunk as the listener heard it."""

    start: float  #: stream time
    end: float
    raw: float  #: power as the microphone heard it
    kept: float  #: power after echo cancellation
    pcm: bytes  #: the audio after echo cancellation (its band levels are only worked out for
    #: a phrase the recognizer heard in it, not for every chunk)


def band_levels_db(pcm: bytes) -> tuple[float, ...]:
    """dB (re one int16 step) of a chunk in each band of ``SPREAD_BANDS_HZ`` (its first
    ``BLOCK`` samples, padded with silence)."""
    x = np.zeros(BLOCK)
    samples = np.frombuffer(pcm, dtype=np.int16)[:BLOCK]
    x[: len(samples)] = samples
    power = np.abs(np.fft.rfft(x * _WINDOW)) ** 2
    sums = np.bincount(_BAND_OF_BIN, power, len(SPREAD_BANDS_HZ) + 1)[1:-1]
    return tuple(float(v) for v in 10 * np.log10(sums + 1.0))


def _spread(phrase: list[HeardChunk]) -> float:
    """dB between a phrase's loud and quiet chunks (90th and 10th percentile, after echo
    cancellation); infinite for fewer than ``MIN_SPREAD_CHUNKS``."""
    levels = sorted(_db(c.kept) for c in phrase)
    if len(levels) < MIN_SPREAD_CHUNKS:
        return math.inf
    last = len(levels) - 1
    return levels[int(0.9 * last)] - levels[int(0.1 * last)]


def _band_spread(phrase: list[HeardChunk]) -> float:
    """The same, in the band of ``SPREAD_BANDS_HZ`` where it is largest (linear
    percentiles)."""
    bands = np.array([band_levels_db(c.pcm) for c in phrase])
    if len(bands) < MIN_SPREAD_CHUNKS:
        return math.inf
    spread = np.percentile(bands, 90, axis=0) - np.percentile(bands, 10, axis=0)
    return float(spread.max())


def _said(text: str) -> str:
    """The words of a result, its unknown sound left out."""
    return " ".join(text.replace(UNKNOWN, " ").split())


def _db(power: float) -> float:
    """A linear power (full scale = 1) in dBFS."""
    return 10 * math.log10(power + 1e-12)


def _mean_db(powers: Sequence[float]) -> float:
    """Mean of linear powers (full scale = 1) in dBFS."""
    return _db(sum(powers) / max(1, len(powers)))


def _kept_db(raw: float, kept: float) -> float:
    """How much of the power ``raw`` echo cancellation kept, in dB (0 or less: what it
    removed, negated)."""
    return 10 * math.log10((kept + 1e-12) / (raw + 1e-12))


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
    phrases: tuple[str, ...] | None = None  #: listen for exactly these instead (transcribe)


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
    """While the coach speaks: the barge-in phrases it is not saying; else the mode's grammar."""
    if state.phrases is not None:
        return state.phrases
    if state.speaking:
        return tuple(speaking_grammar(state.mode, state.spoken))
    return tuple(grammar(state.mode))


class Hearing:
    """Feed every chunk to :meth:`hear`; it returns a command when one was spoken."""

    def __init__(
        self,
        recognizer: Recognizer,
        context: Callable[[], Listening],
        echo: EchoCanceller | None = None,
        settings: Settings | None = None,
        on_final: Callable[[Hypothesis, Surroundings], None] | None = None,
    ) -> None:
        """``on_final`` sees every final result and its surroundings (for tuning)."""
        self._recognizer, self._context, self._echo = recognizer, context, echo
        self._decider = Decider(settings or Settings())
        self._end = EndOfSpeech(settings or Settings())
        self._phrases: tuple[str, ...] | None = None
        self._in_words = False
        self._settings = settings or Settings()
        self._partial = ""  #: the running (partial) result of the utterance going on
        self._stable = 0  #: chunks heard since it last changed
        self._heard: deque[HeardChunk] = deque(maxlen=POWER_HISTORY_CHUNKS)
        self._clock = 0.0  #: seconds of audio heard (stream time; the recognizer's lags behind)
        self._offset = 0.0  #: stream time minus recognizer time
        self._quiet: deque[bytes] = deque(maxlen=PREROLL_CHUNKS)  #: latest chunks not fed
        self._skipped = 0.0  #: seconds not fed to the recognizer since it last got audio
        self._pauses = PauseTracker()
        self._on_final = on_final
        self._words_since = 0.0  #: stream time the current utterance's words began
        #: echo removed (dB) on the latest stretches of the coach's voice, and the stretch
        #: being measured: (seconds, raw power, power after echo removal)
        self._reductions: deque[float] = deque(maxlen=ECHO_STRETCHES)
        self._stretch = (0.0, 0.0, 0.0)
        #: (stream time it starts, audio) of what the recognizer heard lately
        self._fed: deque[tuple[float, bytes]] = deque(maxlen=HEARD_AGAIN_CHUNKS)
        self._again = False  #: the utterance going on is one heard again

    def hear(self, chunk: Chunk) -> Detection | None:
        state = self._context()
        phrases = phrases_now(state)
        if phrases != self._phrases and not self._in_words:
            self._recognizer.set_phrases(phrases)  # never mid-utterance
            self._phrases = phrases
        pcm = self._echo.clean(chunk) if self._echo is not None else chunk.pcm
        # an RMS each; only one without echo cancellation, where the cleaned chunk is the raw
        raw_db = chunk.level_db
        cleaned = raw_db if pcm is chunk.pcm else Chunk(pcm, chunk.t).level_db
        seconds = len(pcm) / 2 / RATE
        start, self._clock = self._clock, self._clock + seconds
        raw, kept = 10 ** (raw_db / 10), 10 ** (cleaned / 10)
        self._heard.append(HeardChunk(start, self._clock, raw, kept, pcm))
        # while the coach speaks, a chunk that lost most of its power to echo cancellation
        # is what is left of the coach's voice: quiet, for listening (the recognizer is not
        # kept busy by it, and an utterance over the coach ends when the user stops)
        only_coach = (
            self._echo is not None
            and state.speaking
            and _kept_db(raw, kept) < self._settings.echo_ratio_db
        )
        self._end.update(cleaned, seconds, echo=only_coach, raw_db=raw_db)
        if state.speaking and self._end.audible(raw_db):
            self._measure_echo(seconds, raw, kept)
        if not self._in_words and self._end.quiet >= SKIP_AFTER_QUIET:
            self._quiet.append(pcm)  # only the room's quiet: the recognizer need not hear it
            self._skipped += seconds
            return None
        hypothesis = self._feed(pcm)
        self._follow(hypothesis)
        if hypothesis is not None and not hypothesis.final and hypothesis.text:
            if not self._in_words:
                self._words_since = chunk.t
            self._in_words = True
        pending = self._in_words and (hypothesis is None or not hypothesis.final)
        if pending and (
            self._end.over(incomplete=self._incomplete())
            or (state.speaking and self._barge_in())
            or (not state.speaking and self._too_long(chunk.t))
        ):
            hypothesis = self._in_stream_time(self._recognizer.finish())
        return self._decide(hypothesis, state.speaking)

    def _feed(self, pcm: bytes) -> Hypothesis | None:
        """Give the recognizer ``pcm``, after the last bit of quiet it did not hear (the
        start of a word is often below the quiet threshold)."""
        if self._skipped:
            preroll = b"".join(self._quiet)
            self._offset += self._skipped - len(preroll) / 2 / RATE
            self._quiet.clear()
            self._skipped = 0.0
            pcm = preroll + pcm
        self._fed.append((self._clock - len(pcm) / 2 / RATE, pcm))
        hypothesis = self._recognizer.feed(pcm)
        return self._in_stream_time(hypothesis) if hypothesis is not None else None

    def _in_stream_time(self, h: Hypothesis) -> Hypothesis:
        """``h`` with its times moved from the recognizer's clock to the stream's."""
        if not h.final:
            return h
        off = self._offset
        return replace(
            h,
            start=h.start + off,
            end=h.end + off,
            first=None if h.first is None else h.first + off,
            last=None if h.last is None else h.last + off,
        )

    def _follow(self, hypothesis: Hypothesis | None) -> None:
        """Keep the running result, and count the chunks since it last changed."""
        text = hypothesis.text if hypothesis is not None and not hypothesis.final else None
        if text is not None and text != self._partial:
            self._partial, self._stable = text, 0
        self._stable += 1

    def _incomplete(self) -> bool:
        """Does the running result end in the first words of a phrase, not yet the whole
        ("what's" of "what's next")? In steady noise the soft middle of a phrase sits below
        the quiet margin, and ending the utterance there splits the phrase."""
        said = " ".join(self._partial.split(UNKNOWN)[-1].split())
        phrases = self._phrases or ()
        return bool(said) and said not in phrases and any(p.startswith(said + " ") for p in phrases)

    def _too_long(self, now: float) -> bool:
        """Talk, not a command: end it, so the recognizer's work stays bounded (the rest of
        the sentence then follows without a pause, and is not obeyed either)."""
        return now - self._words_since >= self._settings.max_utterance

    def _during(self, h: Hypothesis) -> list[HeardChunk]:
        """The chunks the phrase of ``h`` was spoken in."""
        return [c for c in self._heard if c.end > h.start and c.start < h.end]

    def _inside(self, lo: float, hi: float) -> list[tuple[float, float]]:
        """(seconds, cleaned power) of the chunks heard wholly between ``lo`` and ``hi``."""
        return [(c.end - c.start, c.kept) for c in self._heard if lo <= c.start and c.end <= hi]

    def _prominence(self, h: Hypothesis, phrase_db: float | None) -> float:
        """dB between the phrase (its mean level ``phrase_db``, None when none of it was
        heard) and the sound around it (after echo cancellation): the sound just before it,
        and just after it when there is sound after it; 0 when it was silence before: then
        the usual rules decide. A user speaking over a background stands out on both sides; a
        word said louder inside a sentence does not. Sound before it under the quiet margin
        is a background too when the recognizer took it for words (babble the noise floor has
        followed up: ``BACKGROUND_SECONDS``)."""
        since = h.start - LEAD_SECONDS if h.first is None else max(h.first, h.start - LEAD_SECONDS)
        lead = self._inside(since, h.start)
        tail = self._inside(h.end, h.end + LEAD_SECONDS)
        if phrase_db is None or not lead or h.end <= h.start:
            return 0.0
        lead_db = _mean_db([k for _, k in lead])  # dBFS
        followed_up = (  # babble the floor followed up: under the margin, yet taken for words
            sum(d for d, _ in lead) >= BACKGROUND_SECONDS and lead_db >= self._end.silence()
        )
        if not self._end.audible(lead_db) and not followed_up:
            return 0.0
        around = lead_db
        tail_db = _mean_db([k for _, k in tail])
        if sum(d for d, _ in tail) >= MIN_TAIL_SECONDS and self._end.audible(tail_db):
            around = max(around, tail_db)
        return phrase_db - around

    def _last_sound(self, h: Hypothesis) -> float | None:
        """End of the last sound of ``h`` (a final result) above the quiet margin: its last
        audible chunk, or where the recognizer's sound ended if sooner; None when none of it
        was audible (a background the noise floor follows, which the recognizer took for
        words, is no talk for a command to pause after)."""
        if h.last is None:
            return None
        first = h.start if h.first is None else h.first
        ends = [
            c.end
            for c in self._heard
            if c.end > first and c.start < h.last and self._end.audible(_db(c.kept))
        ]
        return min(h.last, ends[-1]) if ends else None

    def _tail_drop(self, h: Hypothesis, phrase_db: float | None) -> float:
        """dB between the phrase (its mean level ``phrase_db``, None when none of it was
        heard) and the unknown sound the recognizer heard after it (after echo
        cancellation); 0 when less than ``MIN_SPREAD_CHUNKS`` chunks of it were heard."""
        tail = self._inside(h.end, h.last) if h.last is not None else []
        if phrase_db is None or len(tail) < MIN_SPREAD_CHUNKS:
            return 0.0
        return phrase_db - _mean_db([k for _, k in tail])

    def _mostly_echo(self, phrase_chunks: list[HeardChunk]) -> bool:
        """Did echo cancellation remove most of what the microphone heard while the phrase
        was spoken (``phrase_chunks``; all the chunks kept if none)? Then what was recognized
        is what is left of the coach's own voice."""
        if self._echo is None:
            return False
        during = phrase_chunks or list(self._heard)
        if not during:
            return False
        raw = sum(c.raw for c in during)
        kept = sum(c.kept for c in during)
        return _kept_db(raw, kept) < self._echo_floor()

    def _echo_floor(self) -> float:
        """A phrase over the coach that kept less than this (dB) is the coach's own voice:
        ``echo_ratio_db``, or, while the canceller is still learning the room, what it keeps
        of the coach's voice at best on the recent stretches plus ``echo_margin_db``: a
        word of the coach's it removes less well than the rest must not pass for the
        user's. At best, because the user talking over the coach makes a stretch lose less."""
        return max(
            self._settings.echo_ratio_db, self._settings.echo_margin_db - self._removed_at_best()
        )

    def _still_learning(self) -> bool:
        """Does the canceller still remove so little of the coach's voice (the first seconds
        of a session, or after the echo moved) that ``echo_ratio_db`` alone cannot tell
        what it leaves from the user: under ``echo_margin_db - echo_ratio_db`` (17 dB)?"""
        s = self._settings
        return self._removed_at_best() < s.echo_margin_db - s.echo_ratio_db

    def _removed_at_best(self) -> float:
        """The most the canceller removed of the coach's voice on the recent stretches (dB)."""
        return max(self._reductions, default=0.0)

    def _measure_echo(self, seconds: float, raw: float, kept: float) -> None:
        """Add a chunk heard while the coach spoke to the stretch being measured."""
        if self._echo is None:
            return
        t, r, k = self._stretch
        t, r, k = t + seconds, r + raw, k + kept
        if t >= ECHO_STRETCH_SECONDS:
            self._reductions.append(-_kept_db(r, k))
            t, r, k = 0.0, 0.0, 0.0
        self._stretch = (t, r, k)

    def _echo_learnt(self) -> bool:
        """Has the echo canceller shown on a recent stretch of the coach's voice that it
        removes it (``min_echo_reduction_db``)? Until then, while the coach speaks, what
        is heard may be the coach itself. Without a canceller, there is nothing to learn."""
        if self._echo is None:
            return True
        return self._removed_at_best() >= self._settings.min_echo_reduction_db

    def _barge_in(self) -> bool:
        """While the canceller is still learning the room, what it leaves of the coach's
        voice is not quiet, and an utterance over the coach may not end in quiet: a barge-in
        phrase that stays the partial result's last words for a few chunks ends it. Once the
        canceller has learnt the room, utterances over the coach end when the user stops:
        a running result is often the coach's residue ("stop") or a guess at the user's
        first syllables, and ending on it cut the user's phrase in two (20 of the 22
        barge-ins the benchmark missed; README, hands-free control)."""
        text = self._partial
        said = _said(text)
        return (
            self._still_learning()
            and bool(said)
            and said in (self._phrases or ())
            and text.rstrip().endswith(said)
            and self._stable >= self._settings.barge_in_chunks
        )

    def flush(self) -> Detection | None:
        """End of the audio (a file): decide on whatever was being said."""
        if not self._in_words:
            return None
        return self._decide(self._in_stream_time(self._recognizer.finish()), speaking=False)

    def _decide(self, hypothesis: Hypothesis | None, speaking: bool) -> Detection | None:
        """The command in a final result; over the coach, a result not obeyed may have the
        rest of the utterance heard again."""
        if hypothesis is None or not hypothesis.final:
            return None
        again, self._again = self._again, False
        found = self._judge(hypothesis, speaking)
        if found is None and speaking and not again and self._may_hide_a_phrase(hypothesis):
            return self._hear_again(hypothesis.end)
        return found

    def _may_hide_a_phrase(self, h: Hypothesis) -> bool:
        """Did a phrase come with unknown sound after it, where the user's own phrase may be?
        Over the coach, what the canceller leaves of a word of its ("slow" heard as "stop")
        can start an utterance that takes the user's phrase, said right after, into its
        unknown tail: the utterance is then rejected, phrase and all (8 of the 10 barge-ins
        the benchmark still missed in the eleventh session)."""
        return bool(_said(h.text)) and h.unknown_after >= self._settings.hear_again_after

    def _hear_again(self, since: float) -> Detection | None:
        """Give the recognizer once more, as a new utterance, what it heard after stream
        time ``since``; that utterance goes on with the chunks still to come."""
        pcm = b"".join(part for t, part in self._fed if t >= since - 1e-6)
        if not pcm:
            return None
        log.debug("heard again from %.2f s: %.2f s", since, len(pcm) / 2 / RATE)
        self._offset -= len(pcm) / 2 / RATE  # the recognizer hears it twice: its clock runs on
        self._again = True
        hypothesis = self._recognizer.feed(pcm)
        if hypothesis is not None and hypothesis.final:
            return self._decide(self._in_stream_time(hypothesis), speaking=True)
        self._follow(hypothesis)
        if hypothesis is not None and hypothesis.text:
            self._in_words, self._words_since = True, since
        return None

    def _judge(self, hypothesis: Hypothesis, speaking: bool) -> Detection | None:
        """The command in a final result, if it is one to obey."""
        self._in_words = False
        self._partial, self._stable = "", 0
        phrase = self._during(hypothesis)  # the deque does not change while it is judged
        phrase_db = _mean_db([c.kept for c in phrase]) if phrase else None
        around = Surroundings(
            self._pauses.before(hypothesis, speaking, self._last_sound(hypothesis)),
            self._prominence(hypothesis, phrase_db),
            _spread(phrase),
            self._tail_drop(hypothesis, phrase_db),
            _band_spread(phrase),
        )
        if self._on_final is not None:
            self._on_final(hypothesis, around)
        command = self._decider.decide(hypothesis, self._phrases or (), speaking, around)
        if command is not None and speaking and not self._echo_learnt():
            log.debug("rejected %r: the echo canceller has not learnt the room", hypothesis.text)
            return None
        if command is not None and speaking and self._mostly_echo(phrase):
            log.debug(
                "rejected %r: it was mostly the coach's own voice (%.2f-%.2f s, under "
                "%.1f dB kept; dB kept per chunk: %s)",
                hypothesis.text,
                hypothesis.start,
                hypothesis.end,
                self._echo_floor(),
                " ".join(f"{_kept_db(c.raw, c.kept):.0f}" for c in phrase),
            )
            return None
        if command is None:
            if hypothesis.text:
                log.debug("rejected %s, %s, speaking %s", hypothesis, around, speaking)
            return None
        h = hypothesis
        return Detection(command, h.text, h.start, h.end, h.confidence)
