"""Text to PCM with pyttsx3 (espeak-ng on Linux), and a memory + disk cache in front of it.

pyttsx3 2.99's faults, worked around here: several ``save_to_file`` calls in one
``runAndWait`` produce only the last file, so each line gets its own ``runAndWait``;
``runAndWait`` can return before the file is written, so we wait for a complete WAV;
it prints "Audio saved to" (muted, see :mod:`quiet`); and it writes every file with a
22050 Hz header although MBROLA voices render at 16 kHz, so the real rate is asked of
espeak-ng itself.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
import wave
import weakref
from collections import OrderedDict
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .errors import TtsError
from .pcm import Pcm, read_wav, write_wav
from .quiet import hide_saved_lines

log = logging.getLogger(__name__)

#: Bump when rendering changes in a way that makes old cache files wrong.
CACHE_VERSION = 1


class Tts(Protocol):
    """Anything that turns a line into audio at a speaking rate (words per minute)."""

    voice: str

    def render(self, text: str, rate: int) -> Pcm: ...


class Pyttsx3Tts:
    """Renders with one pyttsx3 engine; calls are serialized (espeak is process-global)."""

    def __init__(self, voice: str, wait_timeout: float = 10.0) -> None:
        try:
            import pyttsx3
        except (ImportError, OSError) as err:  # OSError: libespeak-ng missing
            raise TtsError(f"pyttsx3/espeak-ng unavailable: {err}") from err
        self.voice = voice
        self._lock = threading.Lock()
        self._wait_timeout = wait_timeout
        self._tmp = Path(tempfile.mkdtemp(prefix="massage-coach-tts-"))
        # removed by close(), or when the renderer is collected or the program exits
        self._remove_tmp = weakref.finalize(self, shutil.rmtree, self._tmp, ignore_errors=True)
        try:
            self._engine: Any = pyttsx3.init()
            self._finished = finished = threading.Event()  # the callback keeps no self alive
            self._engine.connect("finished-utterance", lambda **_: finished.set())
        except (RuntimeError, ValueError, OSError) as err:
            raise TtsError(f"cannot start the speech engine: {err}") from err
        self._count = 0
        self.attempts = 3
        self._espeak_id = self._select_voice()
        # The first line renders slowly (espeak-ng loads its data, about 1 s here): pay
        # that now, not when the coach starts talking.
        self.render("Ready.", 160)

    def _select_voice(self) -> str | None:
        """Load the voice now, so a wrong name fails here and not in the middle of a session."""
        try:
            from pyttsx3.drivers import _espeak
        except (ImportError, OSError):  # another driver: let it complain on first use
            self._engine.setProperty("voice", self.voice)
            return None
        if _espeak.SetVoiceByName(self.voice.encode()) != 0:
            raise TtsError(
                f"unknown voice {self.voice!r}; `massage-coach voices` lists the usable ones"
            )
        current = _espeak.GetCurrentVoice()
        return current.contents.identifier.decode().lower() if current else self.voice

    def _configure(self, rate: int) -> None:
        """Set voice and rate in espeak-ng directly: through pyttsx3's command queue the
        rate sometimes lands one utterance late (measured: 4 of 60 renders wrong)."""
        try:
            from pyttsx3.drivers import _espeak

            current = _espeak.GetCurrentVoice()
            if not current or current.contents.identifier.decode().lower() != self._espeak_id:
                _espeak.SetVoiceByName(self.voice.encode())
            _espeak.SetParameter(_espeak.RATE, rate, 0)
            self._engine.setProperty("rate", rate)
        except (ImportError, AttributeError, OSError):  # another driver: use the queue
            self._engine.setProperty("voice", self.voice)
            self._engine.setProperty("rate", rate)

    def _real_rate(self) -> int | None:
        try:
            from pyttsx3.drivers import _espeak

            rate = int(_espeak.dll.espeak_ng_GetSampleRate())
        except (ImportError, AttributeError, OSError):  # not the espeak driver
            return None
        return rate if rate > 0 else None

    def render(self, text: str, rate: int) -> Pcm:
        if not text.strip():
            return Pcm(np.zeros(0, dtype=np.int16), self._real_rate() or 22050)
        with self._lock:
            for _ in range(self.attempts):
                pcm = self._render_once(text, rate)
                if len(pcm.samples):
                    return pcm
                # pyttsx3 2.99 writes an empty file when espeak-ng hands over the whole
                # line in its final callback (measured: about 1 render in 150).
                log.debug("empty render of %r, retrying", text)
        raise TtsError(f"speech engine rendered no audio for {text!r}")

    def _render_once(self, text: str, rate: int) -> Pcm:
        self._count += 1
        path = self._tmp / f"u{self._count}.wav"
        self._configure(int(rate))
        hide_saved_lines(str(self._tmp))
        self._finished.clear()
        self._engine.save_to_file(text, str(path))
        self._engine.runAndWait()  # returns before espeak-ng has finished
        # The driver resets its state after writing the file: starting the next line
        # before "finished-utterance" can lose that line.
        if not self._finished.wait(self._wait_timeout):
            raise TtsError(f"speech engine did not finish within {self._wait_timeout:.0f} s")
        _wait_complete(path, self._wait_timeout)
        try:
            return read_wav(path, rate=self._real_rate())
        finally:
            path.unlink(missing_ok=True)

    def close(self) -> None:
        self._remove_tmp()


class Resampled:
    """A :class:`Tts` whose output is resampled to ``rate`` (the output stream's), so a
    cache in front of it holds audio ready to play."""

    def __init__(self, inner: Tts, rate: int) -> None:
        self.inner = inner
        self.rate = rate
        self.voice = f"{inner.voice}@{rate}"

    def render(self, text: str, rate: int) -> Pcm:
        return self.inner.render(text, rate).resampled(self.rate)


def _wait_complete(path: Path, timeout: float) -> None:
    """Wait until ``path`` is a WAV whose data is as long as its header says."""
    deadline = time.monotonic() + timeout
    while True:
        if _complete(path):
            return
        if time.monotonic() > deadline:
            raise TtsError(f"speech engine wrote no complete file within {timeout:.0f} s")
        time.sleep(0.002)


def _complete(path: Path) -> bool:
    """True when the WAV's header is final and all the frames it announces are there."""
    try:
        with wave.open(str(path), "rb") as w:
            want = w.getnframes() * w.getsampwidth() * w.getnchannels()
            got = len(w.readframes(w.getnframes()))
    except (OSError, EOFError, wave.Error):
        return False
    return got == want


def cache_key(text: str, voice: str, rate: int) -> str:
    raw = f"{CACHE_VERSION}\0{voice}\0{int(rate)}\0{text}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


class CachedTts:
    """A :class:`Tts` with an LRU memory cache and a disk cache keyed by text, voice, rate."""

    def __init__(self, inner: Tts, cache_dir: Path | None, max_items: int = 256) -> None:
        self.inner = inner
        self.voice = inner.voice
        self.cache_dir = cache_dir
        self.max_items = max_items
        self._memory: OrderedDict[str, Pcm] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.disk_hits = self.misses = 0

    def cached(self, text: str, rate: int) -> Pcm | None:
        """The audio if it is in memory already (never renders, never reads disk)."""
        with self._lock:
            pcm = self._memory.get(cache_key(text, self.voice, rate))
            if pcm is not None:
                self._memory.move_to_end(cache_key(text, self.voice, rate))
            return pcm

    def render(self, text: str, rate: int) -> Pcm:
        key = cache_key(text, self.voice, rate)
        pcm = self.cached(text, rate)
        if pcm is not None:
            self.hits += 1
            return pcm
        pcm = self._from_disk(key)
        if pcm is not None:
            self.disk_hits += 1
        else:
            self.misses += 1
            pcm = self.inner.render(text, rate)
            self._to_disk(key, pcm)
        with self._lock:
            self._memory[key] = pcm
            while len(self._memory) > self.max_items:
                self._memory.popitem(last=False)
        return pcm

    def _from_disk(self, key: str) -> Pcm | None:
        if self.cache_dir is None:
            return None
        path = self.cache_dir / f"{key}.wav"
        try:
            return read_wav(path)
        except (OSError, EOFError, ValueError):
            return None

    def _to_disk(self, key: str, pcm: Pcm) -> None:
        if self.cache_dir is None:
            return
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".part")
            os.close(fd)
            write_wav(Path(tmp), pcm)
            os.replace(tmp, self.cache_dir / f"{key}.wav")
        except OSError as err:  # a read-only or full disk only costs speed
            log.warning("cannot write speech cache in %s: %s", self.cache_dir, err)
