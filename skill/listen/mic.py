"""The microphone: one persistent 16 kHz mono int16 input stream; the callback only enqueues.

A :class:`Microphone` is owned by one thread (the listener). ``read`` returns the next
chunk or None when none came in time: a stream that stops delivering is treated as
lost, closed, and reopened by the owner when the device is back.
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
    try:
        stream: InputStream = sd.RawInputStream(
            samplerate=RATE,
            blocksize=BLOCK,
            channels=1,
            dtype="int16",
            device=device,
            callback=callback,
        )
    except Exception as exc:  # sounddevice raises PortAudioError, ValueError
        raise MicUnavailable(f"cannot open the microphone ({exc})") from None
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
        self._first = self.read(start_timeout) if start_timeout > 0 else None
        if start_timeout > 0 and self._first is None:
            self.close()
            raise MicUnavailable(f"the microphone sent no sound within {start_timeout:g} s")

    def read(self, timeout: float) -> Chunk | None:
        """The next chunk, or None when the stream delivered nothing for ``timeout`` s."""
        if self._first is not None:
            chunk, self._first = self._first, None
            return chunk
        try:
            chunk = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        self.level_db = chunk.level_db
        return chunk

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

    def _callback(self, data: Any, frames: int, time_info: Any, status: Any) -> None:
        # If the owner is stuck, drop audio rather than block PortAudio.
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(Chunk(bytes(data), self._clock(), bool(status)))
