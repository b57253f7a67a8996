"""Test harness for the real-audio loop (PulseAudio null sink, monitor as microphone):
record what the output stream plays, with arrival times, and compare it with speech.

Used by the audio tests and ``bench/voice_latency.py``; never by the app.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from typing import Any

import numpy as np
import numpy.typing as npt

from .player import import_sounddevice

DEFAULT_XDG = "/tmp/massage-coach-xdg"  # where .ci/start_pulse.sh puts the server


def pulse_reachable() -> str | None:
    """None when a PulseAudio server answers, else why not. Call before sounddevice
    is imported: it points ``XDG_RUNTIME_DIR`` at the CI server if none is set."""
    os.environ.setdefault("XDG_RUNTIME_DIR", DEFAULT_XDG)
    if shutil.which("pactl") is None:
        return "pactl not installed (apt-get install pulseaudio-utils)"
    try:
        r = subprocess.run(["pactl", "info"], capture_output=True, timeout=5, check=False)
    except subprocess.TimeoutExpired:
        return "pactl info timed out"
    if r.returncode != 0:
        where = os.environ["XDG_RUNTIME_DIR"]
        return f"no PulseAudio server at XDG_RUNTIME_DIR={where} (run .ci/start_pulse.sh)"
    return None


class Recorder:
    """A persistent input stream on the default source; keeps blocks with arrival times."""

    def __init__(self, rate: int = 22050, blocksize: int = 128, latency: float = 0.02) -> None:
        sd = import_sounddevice()
        self.rate = rate
        self._blocks: list[tuple[float, npt.NDArray[np.int16]]] = []
        self._lock = threading.Lock()
        self._stream = sd.InputStream(
            samplerate=rate,
            channels=1,
            dtype="int16",
            blocksize=blocksize,
            latency=latency,
            callback=self._callback,
        )
        self._stream.start()

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        now = time.monotonic()
        with self._lock:
            self._blocks.append((now, indata[:, 0].copy()))

    def clear(self) -> None:
        with self._lock:
            self._blocks.clear()

    def take(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int16]]:
        """(arrival time of each sample, samples) recorded since the last clear."""
        with self._lock:
            blocks = list(self._blocks)
        if not blocks:
            return np.zeros(0), np.zeros(0, dtype=np.int16)
        times = [t - (len(b) - np.arange(len(b)) - 1) / self.rate for t, b in blocks]
        return np.concatenate(times), np.concatenate([b for _, b in blocks])

    def close(self) -> None:
        self._stream.stop()
        self._stream.close()


def correlation_peak(recording: npt.NDArray[Any], reference: npt.NDArray[Any]) -> tuple[float, int]:
    """Peak normalized cross-correlation (0-1) of ``reference`` anywhere in ``recording``,
    and the sample of ``recording`` where that match starts."""
    x = recording.astype(np.float64)
    r = reference.astype(np.float64)
    if len(x) < len(r) or not r.any():
        return 0.0, 0
    n = 1 << int(np.ceil(np.log2(len(x) + len(r))))
    corr = np.fft.irfft(np.fft.rfft(x, n) * np.conj(np.fft.rfft(r, n)), n)[: len(x) - len(r) + 1]
    energy = np.concatenate([[0.0], np.cumsum(x * x)])
    window = energy[len(r) :] - energy[: len(x) - len(r) + 1]
    norm = np.sqrt(np.maximum(window, 1e-9) * float(r @ r))
    score = np.abs(corr) / norm
    at = int(np.argmax(score))
    return float(score[at]), at


def best_correlation(recording: npt.NDArray[Any], reference: npt.NDArray[Any]) -> float:
    """Peak normalized cross-correlation (0-1) of ``reference`` anywhere in ``recording``."""
    return correlation_peak(recording, reference)[0]


def piece_matches(
    recording: npt.NDArray[Any], reference: npt.NDArray[Any], piece: int, level: int = 300
) -> list[tuple[float, int]]:
    """(peak correlation, lag) of each ``piece``-sample piece of ``reference`` that has a
    sample louder than ``level``, found anywhere in ``recording``; the lag is where the
    piece was found less where it lies in ``reference``. Pieces of one unbroken copy
    share a lag; an output underrun shifts the pieces after it by the gap it left."""
    out = []
    for start in range(0, len(reference) - piece + 1, piece):
        chunk = reference[start : start + piece]
        if np.abs(chunk.astype(np.int32)).max() > level:
            corr, at = correlation_peak(recording, chunk)
            out.append((corr, at - start))
    return out


def first_loud(
    times: npt.NDArray[Any], x: npt.NDArray[Any], after: float, level: int = 300
) -> float | None:
    idx = np.flatnonzero((np.abs(x.astype(np.int32)) > level) & (times >= after))
    return float(times[idx[0]]) if len(idx) else None


def last_loud(times: npt.NDArray[Any], x: npt.NDArray[Any], level: int = 300) -> float | None:
    idx = np.flatnonzero(np.abs(x.astype(np.int32)) > level)
    return float(times[idx[-1]]) if len(idx) else None
