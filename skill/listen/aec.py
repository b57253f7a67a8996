"""Acoustic echo cancellation: the coach's own voice removed from the microphone signal.

The speaker's output stream pushes every block it plays (silence included) into a
:class:`Reference`; the listener takes the same amount for each microphone chunk and
WebRTC's AEC3 (``pywebrtc-audio``) subtracts its echo, estimating the delay itself.
"""

from __future__ import annotations

import threading
from collections import deque

import numpy as np
import numpy.typing as npt

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
