"""Acoustic echo cancellation: the coach's own voice removed from the microphone signal.

The speaker's output stream pushes every block it plays (silence included) into a
:class:`Reference`; the listener takes the same amount for each microphone chunk and an echo
canceller subtracts its echo: :class:`SpeexEcho` (the default), SpeexDSP's linear adaptive
filter, whose filter spans the loop's delay and the room's tail, or :class:`WebRtcEcho`,
WebRTC's AEC3, which also suppresses what its filter leaves and so, while the user talks over
the coach, most of the user's voice too (bench/listen_bench.py: barge-in).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from skill.errors import CoachError
from skill.listen.delay import EchoDelay
from skill.listen.mic import RATE, Chunk

log = logging.getLogger(__name__)

Samples = npt.NDArray[np.int16]

#: The played audio is matched with the microphone's by counting samples: the output and
#: input streams run on one clock, so the n-th sample heard and the sample played with it
#: stay the same distance apart however unevenly the two streams deliver their blocks (a
#: queue trimmed to a fixed backlog shifted that distance by 10-60 ms whenever another
#: program started playing, and the canceller had to learn the room again). The distance
#: is set at the first chunk heard after something was played: the chunk is paired with
#: as many samples as it holds, played ``MARGIN_SECONDS`` before the last one played.
#: Samples played no earlier than the chunk was heard would do (the echo must come after its
#: reference, for the filter); the margin keeps later chunks, which come unevenly, from
#: asking for samples not played yet, and is far below any real loop's delay (output,
#: room and input: 50-200 ms).
MARGIN_SECONDS = 0.02
#: played audio kept to be matched: the microphone may deliver this late, in a burst
HISTORY_SECONDS = 1.0
#: a microphone this far ahead of the playback (the output stream stopped), or further
#: behind it than ``HISTORY_SECONDS`` (the microphone stopped), is matched afresh
MAX_AHEAD_SECONDS = 0.2
#: the played sound is read between its samples (two clocks) with a windowed sinc reaching
#: this many samples either side
SINC_TAPS = 8


class Reference:
    """What the speaker played, at 16 kHz, to be matched with microphone chunks."""

    def __init__(self, rate: int = RATE) -> None:
        self._rate = rate
        self._ring = np.zeros(int(HISTORY_SECONDS * rate), dtype=np.int16)
        self._pushed = 0  #: samples played so far
        self._next: int | None = None  #: the played sample that goes with the next heard
        self._waiting_from = 0  #: unpaired: pair once more than this much has been played
        self._ahead = int(MAX_AHEAD_SECONDS * rate)
        self._margin = int(MARGIN_SECONDS * rate)
        self._lock = threading.Lock()
        #: how often the two streams had to be matched afresh (1 after the first chunk)
        self.matched = 0
        #: played samples per heard sample: 1 while the two streams run on one clock
        self.step = 1.0
        self._frac = 0.0  #: where the next heard sample falls between two played ones

    def push(self, samples: Samples) -> None:
        """Called by the output stream's owner with every block played (16 kHz int16)."""
        played = len(samples)
        samples = samples[-len(self._ring) :]  # only what the ring can hold
        with self._lock:
            at = (self._pushed + played - len(samples)) % len(self._ring)
            n = min(len(samples), len(self._ring) - at)
            self._ring[at : at + n] = samples[:n]
            self._ring[: len(samples) - n] = samples[n:]
            self._pushed += played

    def take(self, count: int) -> Samples:
        """The played samples that go with the next ``count`` heard (zeros where nothing
        was played, or where it is not known yet)."""
        out = np.zeros(count, dtype=np.int16)
        with self._lock:
            if self._next is not None and self._next > self._pushed + self._ahead:
                self._next = None  # the speaker stopped: pair afresh once it plays again
                self._waiting_from = self._pushed
            if self._next is None or self._next < self._pushed - len(self._ring):
                if self._pushed == self._waiting_from:
                    return out
                self._next = max(0, self._pushed - count - self._margin)
                self._frac = 0.0
                self.matched += 1
            if self.step != 1.0:
                return self._take_between(count)
            lo, hi = self._next, min(self._next + count, self._pushed)
            self._next += count
            if hi > lo:  # in at most two runs: up to the ring's end, then from its start
                at, n = lo % len(self._ring), hi - lo
                first = min(n, len(self._ring) - at)
                out[:first] = self._ring[at : at + first]
                out[first:n] = self._ring[: n - first]
        return out

    def _take_between(self, count: int) -> Samples:
        """``take`` when the two streams run on two clocks: the played sound read at
        ``step`` played samples per heard one, between samples by windowed-sinc
        interpolation (called with the lock held)."""
        assert self._next is not None
        at = self._next + self._frac + np.arange(count) * self.step
        whole = np.floor(at).astype(np.int64)
        frac = at - whole
        out = np.zeros(count, dtype=np.float64)
        known = np.ones(count, dtype=bool)
        for k in range(1 - SINC_TAPS, SINC_TAPS + 1):
            index = whole + k
            known &= (index < self._pushed) & (index >= self._pushed - len(self._ring))
            d = k - frac
            weight = np.sinc(d) * (0.5 + 0.5 * np.cos(np.pi * d / SINC_TAPS))
            out += self._ring[index % len(self._ring)] * weight
        end = self._frac + count * self.step
        self._next += int(np.floor(end))
        self._frac = float(end - np.floor(end))
        return np.where(known, np.clip(np.round(out), -32768, 32767), 0).astype(np.int16)

    def set_step(self, step: float) -> None:
        """The microphone's clock runs ``1 / step`` times as fast as the speaker's: read
        ``step`` played samples for each one heard from now on."""
        with self._lock:
            self.step = step

    def shift(self, samples: int) -> bool:
        """The echo moved ``samples`` later (negative: earlier) against its reference: pair
        the next heard sample with the one played that much earlier (later), so that the
        canceller's filter sees the echo where it learnt it. False when the played samples
        needed are gone or not played yet: then the next chunk heard is paired afresh."""
        with self._lock:
            if self._next is None:
                return False
            moved = self._next - samples
            if self._pushed - len(self._ring) <= moved <= self._pushed:
                self._next = moved
                return True
            self._next = None
            self._waiting_from = -1  # pair at the next take
            return False


class WebRtcEcho:
    """An :class:`~skill.listen.listener.EchoCanceller` built on WebRTC AEC3."""

    def __init__(self, reference: Reference, delay_ms: int = 60) -> None:
        from pywebrtc_audio import EchoCanceller

        self._reference = reference
        self._aec = EchoCanceller(sample_rate=RATE, stream_delay_ms=delay_ms)

    def clean(self, chunk: Chunk) -> bytes:
        near = np.frombuffer(chunk.pcm, dtype=np.int16)
        far = self._reference.take(len(near))
        out: Samples = self._aec.process(near, far)
        return out.tobytes()


#: makes an echo canceller fed by a :class:`Reference` (:class:`SpeexEcho`, :class:`WebRtcEcho`)
EchoMaker = Callable[[Reference], "SpeexEcho | WebRtcEcho"]

#: SpeexDSP's echo canceller works on frames of this many samples (10 ms); chunks are cut
#: into frames and any remainder waits for the next chunk
SPEEX_FRAME = 160
#: its filter length: 0.5 s covers the loop's delay (50-200 ms) and most of a room's tail
SPEEX_TAPS = 8192
_SET_SAMPLING_RATE = 24  #: SPEEX_ECHO_SET_SAMPLING_RATE in speex_echo.h
_Int16p = ctypes.POINTER(ctypes.c_int16)


def _speexdsp() -> ctypes.CDLL:
    name = ctypes.util.find_library("speexdsp") or "libspeexdsp.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        raise CoachError(
            f"the echo canceller needs SpeexDSP ({exc}): install it with "
            "'sudo apt-get install libspeexdsp1' (or run scripts/setup.sh)"
        ) from exc
    lib.speex_echo_state_init.restype = ctypes.c_void_p
    lib.speex_echo_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_echo_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.speex_echo_cancellation.argtypes = [ctypes.c_void_p, _Int16p, _Int16p, _Int16p]
    lib.speex_echo_state_destroy.argtypes = [ctypes.c_void_p]
    lib.speex_echo_state_reset.argtypes = [ctypes.c_void_p]
    return lib


class SpeexEcho:
    """An :class:`~skill.listen.hearing.EchoCanceller` on SpeexDSP's linear echo canceller
    (``libspeexdsp``, the library PulseAudio uses, through ctypes): the echo path is learnt
    by an adaptive filter of ``taps`` samples, which keeps adapting slowly while someone
    talks over the coach, and nothing is suppressed beyond what the filter predicts, so the
    user's voice comes through whole. The output lags the input by under one 10 ms frame
    when chunks are not whole frames.

    Once nothing has been played for as long as the filter is (its history of the played
    sound is all zeros), there is no echo to remove: frames pass through untouched, and the
    filter is not run (it was a quarter of the app's CPU: the coach is silent much of a
    session) until the speaker plays again, when it starts from the same all-zero history
    it would have had."""

    def __init__(
        self, reference: Reference, taps: int = SPEEX_TAPS, delay: EchoDelay | None = None
    ) -> None:
        self._lib = _speexdsp()
        self._reference = reference
        #: watches the echo's delay and puts a moved echo back where the filter learnt it
        self.delay = delay or EchoDelay()
        self._matched = reference.matched
        #: how often the filter had to learn the room afresh (the echo moved too far)
        self.resets = 0
        self._state = self._lib.speex_echo_state_init(SPEEX_FRAME, taps)
        self._history = -(-taps // SPEEX_FRAME)  #: frames of played sound the filter holds
        self._silent = 0  #: frames with nothing played, in a row, that the filter has seen
        rate = ctypes.c_int(RATE)
        self._lib.speex_echo_ctl(self._state, _SET_SAMPLING_RATE, ctypes.byref(rate))
        self._near = np.zeros(0, dtype=np.int16)
        self._far = np.zeros(0, dtype=np.int16)

    def clean(self, chunk: Chunk) -> bytes:
        near = np.frombuffer(chunk.pcm, dtype=np.int16)
        far = self._reference.take(len(near))
        self._follow(near, far)
        if len(self._near):  # a remainder from the last chunk goes first
            near, far = np.concatenate([self._near, near]), np.concatenate([self._far, far])
        whole = len(near) // SPEEX_FRAME * SPEEX_FRAME
        out = np.zeros(whole, dtype=np.int16)
        for i in range(0, whole, SPEEX_FRAME):  # 1-D slices: contiguous already
            if far[i : i + SPEEX_FRAME].any():
                self._silent = 0
            elif self._silent >= self._history:
                out[i : i + SPEEX_FRAME] = near[i : i + SPEEX_FRAME]
                continue
            else:
                self._silent += 1
            self._lib.speex_echo_cancellation(
                self._state,
                near[i:].ctypes.data_as(_Int16p),
                far[i:].ctypes.data_as(_Int16p),
                out[i:].ctypes.data_as(_Int16p),
            )
        self._near, self._far = near[whole:], far[whole:]
        return out.tobytes()

    def _follow(self, near: Samples, far: Samples) -> None:
        """Keep the echo where the filter learnt it: shift the reference when the echo
        moved, or learn the room afresh when it cannot be shifted or was paired afresh."""
        if self._reference.matched != self._matched:  # paired afresh: a new delay
            self._matched = self._reference.matched
            self.delay.forget()
        moved = self.delay.feed(near, far)
        drift, self.delay.drift = self.delay.drift, None
        if drift is not None:
            self._reference.set_step(self._reference.step * (1.0 - drift))
            log.info(
                "the speaker's clock runs %+.0f ppm against the microphone's: the played "
                "sound is read at their ratio",
                (self._reference.step - 1.0) * 1e6,
            )
        if not moved:
            return
        if self._reference.shift(moved):
            log.info(
                "the echo moved %+.1f ms against the played sound; re-paired", moved * 1000 / RATE
            )
            return
        log.info(
            "the echo moved %+.1f ms, too far to re-pair: learning afresh", moved * 1000 / RATE
        )
        self._lib.speex_echo_state_reset(self._state)
        self.resets += 1

    def __del__(self) -> None:
        state = getattr(self, "_state", None)
        if state:
            self._lib.speex_echo_state_destroy(state)
            self._state = None
