"""The microphone: one persistent 16 kHz mono int16 input stream; the callback only enqueues.

A :class:`Microphone` is owned by one thread (the listener). ``read`` returns the next
chunk or None when none came in time: a stream that stops delivering is treated as
lost, closed, and reopened by the owner when the device is back. A device that refuses
16 kHz is opened at its own rate, and the owner's thread resamples what it reads.
"""

from __future__ import annotations

import contextlib
import logging
import math
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import soxr

from skill.errors import CoachError

log = logging.getLogger(__name__)

RATE = 16000
BLOCK = 480  # 30 ms
#: A new PulseAudio/ALSA input stream can take 1.2-1.6 s to deliver its first block.
START_TIMEOUT = 4.0


class MicUnavailable(CoachError):
    """No usable input device, or it failed to open."""


@dataclass(frozen=True)
class Chunk:
    """30 ms of microphone audio, with the time it was captured (monotonic seconds)."""

    pcm: bytes
    t: float
    overflowed: bool = False

    @property
    def level_db(self) -> float:
        """RMS level in dBFS (-inf..0)."""
        samples = np.frombuffer(self.pcm, dtype=np.int16).astype(np.float64)
        energy = float(np.mean(samples * samples)) if samples.size else 0.0
        return 10 * math.log10(energy / 32768.0**2) if energy > 0 else -120.0


class InputStream(Protocol):
    """The part of ``sounddevice.RawInputStream`` the microphone uses."""

    @property
    def samplerate(self) -> float: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...


StreamFactory = Callable[[Callable[..., None], Any], InputStream]


def sounddevice_stream(callback: Callable[..., None], device: Any) -> InputStream:
    """Open a real PortAudio input stream (sounddevice is imported here, not earlier)."""
    try:
        import sounddevice as sd
    except OSError as exc:  # PortAudio library missing
        raise MicUnavailable(
            f"no audio library: {exc}. Fix: apt-get install libportaudio2"
        ) from None

    def at(rate: int) -> InputStream:
        stream: InputStream = sd.RawInputStream(
            samplerate=rate,
            blocksize=BLOCK * rate // RATE,
            channels=1,
            dtype="int16",
            device=device,
            callback=callback,
        )
        return stream

    try:
        return at(RATE)
    except Exception as exc:  # sounddevice raises PortAudioError, ValueError
        refused = exc
    try:  # many USB microphones only take 44.1 or 48 kHz when PulseAudio is not in between
        own = int(sd.query_devices(device, "input")["default_samplerate"])
        stream = at(own) if own != RATE else None
    except Exception:
        stream = None
    if stream is None:
        raise MicUnavailable(f"cannot open the microphone ({refused})")
    log.info("the microphone refuses %d Hz: opened at %d Hz and resampled", RATE, own)
    return stream


class Microphone:
    """A persistent input stream whose chunks are read by one owner thread."""

    def __init__(
        self,
        device: Any = None,
        factory: StreamFactory = sounddevice_stream,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._device = device
        self._factory = factory
        self._clock = clock
        self._queue: queue.Queue[Chunk] = queue.Queue(maxsize=200)
        self._stream: InputStream | None = None
        self._first: Chunk | None = None
        self._resampler: soxr.ResampleStream | None = None
        self._pending = np.zeros(0, dtype=np.int16)  #: resampled, not yet read
        self._last = Chunk(b"", 0.0)  #: the last block read from a resampled stream
        self.level_db = -120.0

    @property
    def is_open(self) -> bool:
        return self._stream is not None

    def open(self, start_timeout: float = START_TIMEOUT) -> None:
        """Open the stream and wait for its first block; :class:`MicUnavailable` says why not."""
        self.close()
        stream = self._factory(self._callback, self._device)
        try:
            stream.start()
        except Exception as exc:
            stream.close()
            raise MicUnavailable(f"cannot start the microphone ({exc})") from None
        self._stream = stream
        if int(stream.samplerate) != RATE:
            self._resampler = soxr.ResampleStream(stream.samplerate, RATE, 1, dtype="int16")
        self._first = self.read(start_timeout) if start_timeout > 0 else None
        if start_timeout > 0 and self._first is None:
            self.close()
            raise MicUnavailable(f"the microphone sent no sound within {start_timeout:g} s")

    def read(self, timeout: float) -> Chunk | None:
        """The next chunk, or None when the stream delivered nothing for ``timeout`` s."""
        if self._first is not None:
            first, self._first = self._first, None
            return first
        chunk = self._get(timeout) if self._resampler is None else self._resampled(timeout)
        if chunk is not None:
            self.level_db = chunk.level_db
        return chunk

    def _get(self, timeout: float) -> Chunk | None:
        try:
            return self._queue.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None

    def _resampled(self, timeout: float) -> Chunk | None:
        """The next 30 ms at 16 kHz from a stream at another rate, reading blocks until one
        is complete (None if none came in ``timeout`` s)."""
        assert self._resampler is not None
        deadline = self._clock() + timeout
        while (chunk := self._cut()) is None:
            got = self._get(deadline - self._clock())
            if got is None:
                return None
            self._last = got
            self._pending = np.concatenate(
                [self._pending, self._resampler.resample_chunk(np.frombuffer(got.pcm, np.int16))]
            )
        return chunk

    def _cut(self) -> Chunk | None:
        """The next 30 ms of the resampled audio, once it is all there (else None). Its time
        is that of the last block read, less what is still pending after it."""
        if len(self._pending) < BLOCK:
            return None
        pcm, self._pending = self._pending[:BLOCK], self._pending[BLOCK:]
        return Chunk(pcm.tobytes(), self._last.t - len(self._pending) / RATE, self._last.overflowed)

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:  # an unplugged device may fail to close cleanly
                log.debug("closing the input stream failed", exc_info=True)
        while not self._queue.empty():
            self._queue.get_nowait()
        self._resampler, self._pending = None, np.zeros(0, dtype=np.int16)

    def _callback(self, data: Any, frames: int, time_info: Any, status: Any) -> None:
        # If the owner is stuck, drop audio rather than block PortAudio.
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(Chunk(bytes(data), self._clock(), bool(status)))
