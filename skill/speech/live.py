"""The real :class:`~skill.speech.speaker.Speaker`: pyttsx3 renders, one stream plays.

One worker thread owns the output stream (opens and closes it) and renders lines in
order; ``say`` only enqueues. A line already in the memory cache, with nothing ahead of
it waiting to render, goes straight to the playback queue without a thread hop.
Prefetch requests wait behind every pending ``say``.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field

from ..routine import Routine
from .errors import SpeechError
from .pcm import Pcm, Samples, soft_tick
from .player import Player
from .settings import VoiceSettings, cache_dir, load_settings
from .tts import CachedTts, Pyttsx3Tts, Resampled, Tts
from .voice import Voice

log = logging.getLogger(__name__)

_SAY, _PREFETCH, _CLOSE = 0, 1, 2


@dataclass(order=True)
class _Job:
    priority: int
    seq: int
    text: str = field(compare=False, default="")
    rate: int = field(compare=False, default=0)
    gen: int = field(compare=False, default=0)
    tag: object = field(compare=False, default=None)


class LiveSpeaker:
    """Speaks through the default output device. Raises AudioUnavailable if there is none."""

    def __init__(
        self,
        settings: VoiceSettings,
        tts: Tts | None = None,
        blocksize: int = 160,
        latency: float = 0.025,
        on_block: Callable[[Samples], None] | None = None,
        device: int | str | None = None,
    ) -> None:
        self._device = device
        inner = tts or Pyttsx3Tts(settings.voice)
        resampled = Resampled(inner, settings.samplerate)
        self.tts = CachedTts(resampled, cache_dir() if settings.cache else None)
        self.rate = settings.rate
        self._out_rate = settings.samplerate
        self._tick = soft_tick(self._out_rate)
        self._jobs: queue.PriorityQueue[_Job] = queue.PriorityQueue()
        self._seq = itertools.count()
        self._gen = 0
        self._pending = 0  # says queued to the worker, not yet handed to the player
        self._lock = threading.Lock()
        opened: Future[Player] = Future()
        self._thread = threading.Thread(
            target=self._run,
            args=(opened, blocksize, latency, on_block),
            name="speech",
            daemon=True,
        )
        self._thread.start()
        self.player = opened.result()  # re-raises AudioUnavailable from the worker
        self.player.queue.volume = settings.volume

    def say(self, text: str, kind: str = "info", tag: object = None) -> None:
        """Queue ``text``; ``tag`` (default: the text) names it in the player's notices."""
        with self._lock:
            pcm = self.tts.cached(text, self.rate) if self._pending == 0 else None
            if pcm is not None:
                self.player.queue.push(self._fit(pcm).samples, tag or text)
                return
            self._pending += 1
            self._jobs.put(_Job(_SAY, next(self._seq), text, self.rate, self._gen, tag or text))

    def tick(self) -> None:
        self.player.queue.push(self._tick.samples, "tick")

    def stop(self) -> None:
        with self._lock:
            self._gen += 1
        self.player.queue.stop()

    def set_volume(self, volume: float) -> None:
        self.player.queue.volume = max(0.0, min(1.0, float(volume)))

    def set_rate(self, rate: int) -> None:
        self.rate = int(rate)

    def prefetch(self, texts: Iterable[str]) -> None:
        for text in texts:
            self._jobs.put(_Job(_PREFETCH, next(self._seq), text, self.rate))

    @property
    def now_saying(self) -> str:
        """The line being played right now ("" between lines and during ticks)."""
        tag = self.player.queue.playing
        return tag if isinstance(tag, str) and tag != "tick" else ""

    @property
    def speaking(self) -> bool:
        return self._pending > 0 or self.player.queue.busy

    def close(self) -> None:
        self.stop()
        self._jobs.put(_Job(_CLOSE, next(self._seq)))
        self._thread.join(timeout=5)

    def _fit(self, pcm: Pcm) -> Pcm:
        return pcm.resampled(self._out_rate)

    def _run(
        self,
        opened: Future[Player],
        blocksize: int,
        latency: float,
        on_block: Callable[[Samples], None] | None,
    ) -> None:
        try:
            player = Player(
                self._out_rate, blocksize, latency, device=self._device, on_block=on_block
            )
        except BaseException as err:  # handed to the constructor's thread
            opened.set_exception(err)
            return
        opened.set_result(player)
        try:
            while (job := self._jobs.get()).priority != _CLOSE:
                self._do(job)
        finally:
            player.close()

    def _do(self, job: _Job) -> None:
        try:
            pcm = self.tts.render(job.text, job.rate) if job.gen == self._gen else None
        except SpeechError as err:
            log.warning("cannot speak %r: %s", job.text, err)
            pcm = None
        if job.priority != _SAY:
            return
        with self._lock:
            self._pending -= 1
            if pcm is not None and job.gen == self._gen:
                self.player.queue.push(self._fit(pcm).samples, job.tag)


def open_voice(
    settings: VoiceSettings | None = None,
    routine: Routine | None = None,
    on_block: Callable[[Samples], None] | None = None,
    device: int | str | None = None,
) -> Voice:
    """The real voice, ready to take events (``runner.add_sink(voice.handle)``).

    Raises :class:`~skill.speech.errors.AudioUnavailable` when there is no sound output
    and :class:`~skill.speech.errors.TtsError` when espeak-ng is missing: catch
    :class:`~skill.speech.errors.SpeechError` and carry on in text.
    """
    settings = settings or load_settings()
    return Voice(LiveSpeaker(settings, on_block=on_block, device=device), settings, routine)
