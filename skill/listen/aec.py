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
import threading
from collections import deque
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from skill.errors import CoachError
from skill.listen.mic import RATE, Chunk

Samples = npt.NDArray[np.int16]

#: At most this much played audio waits to be matched with microphone chunks. The
#: canceller needs the reference to reach it no later than the echo does, so the
#: backlog must stay below the loop's latency (output + room + input, 50-200 ms);
#: older reference audio is dropped (e.g. when the microphone opened after the speaker).
MAX_BACKLOG_SECONDS = 0.06


class Reference:
    """What the speaker played, at 16 kHz, waiting to be matched with microphone chunks."""

    def __init__(self, rate: int = RATE) -> None:
        self._rate = rate
        self._blocks: deque[Samples] = deque()
        self._count = 0
        self._lock = threading.Lock()

    def push(self, samples: Samples) -> None:
        """Called by the output stream's owner with every block played (16 kHz int16)."""
        with self._lock:
            self._blocks.append(samples.astype(np.int16, copy=False))
            self._count += len(samples)
            excess = self._count - int(MAX_BACKLOG_SECONDS * self._rate)
            while excess > 0:
                first = self._blocks[0]
                n = min(excess, len(first))
                if n == len(first):
                    self._blocks.popleft()
                else:
                    self._blocks[0] = first[n:]
                self._count -= n
                excess -= n

    def take(self, count: int) -> Samples:
        """The next ``count`` samples played (zeros where nothing was played)."""
        out = np.zeros(count, dtype=np.int16)
        filled = 0
        with self._lock:
            while filled < count and self._blocks:
                block = self._blocks[0]
                n = min(count - filled, len(block))
                out[filled : filled + n] = block[:n]
                filled += n
                self._count -= n
                if n == len(block):
                    self._blocks.popleft()
                else:
                    self._blocks[0] = block[n:]
        return out


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
    return lib


class SpeexEcho:
    """An :class:`~skill.listen.hearing.EchoCanceller` on SpeexDSP's linear echo canceller
    (``libspeexdsp``, the library PulseAudio uses, through ctypes): the echo path is learnt
    by an adaptive filter of ``taps`` samples, which keeps adapting slowly while someone
    talks over the coach, and nothing is suppressed beyond what the filter predicts, so the
    user's voice comes through whole. The output lags the input by under one 10 ms frame
    when chunks are not whole frames."""

    def __init__(self, reference: Reference, taps: int = SPEEX_TAPS) -> None:
        self._lib = _speexdsp()
        self._reference = reference
        self._state = self._lib.speex_echo_state_init(SPEEX_FRAME, taps)
        rate = ctypes.c_int(RATE)
        self._lib.speex_echo_ctl(self._state, _SET_SAMPLING_RATE, ctypes.byref(rate))
        self._near = np.zeros(0, dtype=np.int16)
        self._far = np.zeros(0, dtype=np.int16)

    def clean(self, chunk: Chunk) -> bytes:
        near = np.frombuffer(chunk.pcm, dtype=np.int16)
        far = self._reference.take(len(near))
        if len(self._near):  # a remainder from the last chunk goes first
            near, far = np.concatenate([self._near, near]), np.concatenate([self._far, far])
        whole = len(near) // SPEEX_FRAME * SPEEX_FRAME
        out = np.zeros(whole, dtype=np.int16)
        for i in range(0, whole, SPEEX_FRAME):  # 1-D slices: contiguous already
            self._lib.speex_echo_cancellation(
                self._state,
                near[i:].ctypes.data_as(_Int16p),
                far[i:].ctypes.data_as(_Int16p),
                out[i:].ctypes.data_as(_Int16p),
            )
        self._near, self._far = near[whole:], far[whole:]
        return out.tobytes()

    def __del__(self) -> None:
        state = getattr(self, "_state", None)
        if state:
            self._lib.speex_echo_state_destroy(state)
            self._state = None
