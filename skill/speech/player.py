"""Interruptible playback: ONE persistent sounddevice output stream fed from a queue.

The stream's callback only pulls samples that other threads queued (:class:`PlaybackQueue`);
it never renders, waits or logs. ``stop()`` takes effect in the next block the callback
fills, volume changes too.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import AudioUnavailable
from .pcm import Samples

log = logging.getLogger(__name__)

#: Samples faded out when speech is cut, so stopping does not click (about 3 ms).
FADE_SAMPLES = 64


@dataclass(frozen=True)
class Played:
    """Something the callback did: the first or last sample of an item left the stream."""

    tag: object
    what: str  # "start" | "end" | "cut"
    at: float  # the clock when the callback handed the block over
    latency: float  # the stream's own estimate of the time until that block is heard
    offset: int = 0  # where in that block the item starts (samples)


@dataclass
class _Item:
    gen: int
    samples: Samples
    tag: object
    pos: int = 0


class PlaybackQueue:
    """What the output callback plays, without a device: fill(out) takes the next block."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._items: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._current: _Item | None = None
        self._gen = 0
        self._pushed = 0  # written by pushers, under _push_lock
        self._finished = 0  # written by the callback only
        self._push_lock = threading.Lock()
        self.volume = 1.0
        self.clock = clock
        #: Start/end/cut notices for whoever measures; the callback only appends.
        self.played: queue.SimpleQueue[Played] = queue.SimpleQueue()

    @property
    def playing(self) -> object:
        """The tag of the item being played now (None between items)."""
        cur = self._current
        return None if cur is None else cur.tag

    @property
    def busy(self) -> bool:
        """True while something is playing or queued."""
        return self._pushed > self._finished

    def push(self, samples: Samples, tag: object = None) -> None:
        with self._push_lock:
            self._pushed += 1
            self._items.put(_Item(self._gen, samples, tag))

    def stop(self) -> None:
        """Drop what is playing and queued; the next block is silent (after a 3 ms fade)."""
        self._gen += 1

    def fill(self, out: Samples, latency: float = 0.0) -> None:
        """Write the next ``len(out)`` samples into ``out`` (int16, mono)."""
        gen, volume, n, now = self._gen, self.volume, 0, self.clock()
        cur = self._current
        if cur is not None and cur.gen != gen:  # stopped: fade out what was playing
            fade = cur.samples[cur.pos : cur.pos + min(FADE_SAMPLES, len(out))]
            ramp = np.linspace(1.0, 0.0, len(fade), endpoint=False)
            out[: len(fade)] = (fade * ramp * volume).astype(np.int16)
            n = len(fade)
            self._finish(cur, "cut", now, latency)
            cur = None
        while n < len(out):
            if cur is None:
                cur = self._next(gen, now, latency)
                if cur is None:
                    break
                self.played.put(Played(cur.tag, "start", now, latency, n))
            take = min(len(out) - n, len(cur.samples) - cur.pos)
            chunk = cur.samples[cur.pos : cur.pos + take]
            out[n : n + take] = chunk if volume >= 1.0 else (chunk * volume).astype(np.int16)
            cur.pos += take
            n += take
            if cur.pos >= len(cur.samples):
                self._finish(cur, "end", now, latency)
                cur = None
        out[n:] = 0
        self._current = cur

    def _next(self, gen: int, now: float, latency: float) -> _Item | None:
        while True:
            try:
                item = self._items.get_nowait()
            except queue.Empty:
                return None
            if item.gen == gen and len(item.samples):
                return item
            self._finish(item, "cut", now, latency)

    def _finish(self, item: _Item, what: str, now: float, latency: float) -> None:
        self._finished += 1
        self.played.put(Played(item.tag, what, now, latency))


_alsa_handler: Any = None


def quiet_alsa() -> None:
    """Route alsa-lib's own messages ("underrun occurred") away from the user's terminal.

    alsa-lib prints them straight to stderr, through the text-mode panel; a no-op error
    handler (process-wide, installed once) drops them. Underflows are counted by the
    player instead.
    """
    global _alsa_handler
    if _alsa_handler is not None:
        return
    name = ctypes.util.find_library("asound")
    if name is None:
        return
    try:
        lib = ctypes.CDLL(name)
        handler_type = ctypes.CFUNCTYPE(
            None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
        )
        _alsa_handler = handler_type(lambda *_: None)
        lib.snd_lib_error_set_handler(_alsa_handler)
    except (OSError, AttributeError) as err:
        log.debug("cannot quiet alsa-lib: %s", err)


def import_sounddevice() -> Any:
    """Import sounddevice, or raise :class:`AudioUnavailable` saying why not."""
    try:
        import sounddevice
    except (ImportError, OSError) as err:  # OSError: the PortAudio library is missing
        raise AudioUnavailable(
            f"no audio output: PortAudio is not installed ({err}); "
            "install libportaudio2, or use text mode"
        ) from err
    return sounddevice


class Player:
    """One persistent mono int16 output stream playing a :class:`PlaybackQueue`.

    ``on_block`` receives a copy of every block played, silence included, at ``rate``
    (the echo canceller's reference); it must only enqueue.
    """

    def __init__(
        self,
        rate: int = 22050,
        blocksize: int = 256,
        latency: float | str = 0.03,
        device: int | str | None = None,
        on_block: Callable[[Samples], None] | None = None,
        start_timeout: float = 3.0,
    ) -> None:
        sd = import_sounddevice()
        quiet_alsa()
        self.rate = rate
        self.queue = PlaybackQueue()
        self.latency = float(latency) if isinstance(latency, (int, float)) else 0.0
        self.callback_errors = 0
        self.underflows = 0
        self._on_block = on_block
        self._last_callback = float("-inf")
        try:
            self._stream = sd.OutputStream(
                samplerate=rate,
                channels=1,
                dtype="int16",
                blocksize=blocksize,
                latency=latency,
                device=device,
                callback=self._callback,
            )
            self._stream.start()
        except (sd.PortAudioError, ValueError) as err:
            raise AudioUnavailable(
                f"no audio output device ({err}). Is there a sound card, or a running "
                "PulseAudio/PipeWire server? The session can go on in text."
            ) from err
        self.latency = float(self._stream.latency)
        self._wait_running(time.monotonic(), start_timeout)
        log.debug(
            "output stream open: %d Hz, block %d, latency %.3f s", rate, blocksize, self.latency
        )

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        self._last_callback = time.monotonic()
        if status.output_underflow:
            self.underflows += 1
        try:
            latency = float(time_info.outputBufferDacTime - time_info.currentTime)
            self.queue.fill(outdata[:, 0], latency if latency > 0 else self.latency)
            if self._on_block is not None:  # e.g. the echo canceller's reference: enqueue only
                self._on_block(outdata[:, 0].copy())
        except Exception:  # an exception would end the stream for good: play silence
            self.callback_errors += 1
            outdata.fill(0)

    def _wait_running(self, started: float, timeout: float) -> None:
        """Return once the callback runs on its own clock. Through ALSA's pulse plugin
        the stream fills its buffer at once and then stalls for about 1.3 s (measured):
        a line queued in that time would start that late."""
        while self._last_callback <= started + 0.005:
            if time.monotonic() > started + timeout:
                log.warning("output stream not running after %.1f s; carrying on", timeout)
                return
            time.sleep(0.005)
        log.debug("output stream running after %.3f s", time.monotonic() - started)

    def close(self) -> None:
        self.queue.stop()
        self._stream.stop()
        self._stream.close()
