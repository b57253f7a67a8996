"""Rendered audio as a value: mono int16 samples and their sample rate, plus helpers."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.int16]


@dataclass(frozen=True, eq=False)
class Pcm:
    """Mono 16-bit audio: ``samples`` at ``rate`` Hz."""

    samples: Samples
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    def resampled(self, rate: int) -> Pcm:
        """This audio at ``rate`` Hz (linear interpolation; fine for speech)."""
        if rate == self.rate or len(self.samples) == 0:
            return self if rate == self.rate else Pcm(self.samples, rate)
        n_out = round(len(self.samples) * rate / self.rate)
        x_out = np.arange(n_out, dtype=np.float64) * (self.rate / rate)
        y = np.interp(x_out, np.arange(len(self.samples)), self.samples.astype(np.float64))
        return Pcm(np.clip(np.round(y), -32768, 32767).astype(np.int16), rate)

    def to_wav_bytes(self) -> bytes:
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.rate)
            w.writeframes(self.samples.astype("<i2").tobytes())
        return buf.getvalue()


def read_wav(path: Path, rate: int | None = None) -> Pcm:
    """Read a mono 16-bit WAV; ``rate`` overrides a wrong header (MBROLA via pyttsx3)."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit samples, got {8 * w.getsampwidth()}-bit")
        frames = w.readframes(w.getnframes())
        channels = w.getnchannels()
        header_rate = w.getframerate()
    samples = np.frombuffer(frames, dtype="<i2").astype(np.int16)
    if channels > 1:
        samples = samples.reshape(-1, channels)[:, 0].copy()
    return Pcm(samples, rate or header_rate)


def write_wav(path: Path, pcm: Pcm) -> None:
    path.write_bytes(pcm.to_wav_bytes())


def soft_tick(rate: int, seconds: float = 0.035, freq: float = 1200.0, level: float = 0.25) -> Pcm:
    """A short, soft wooden-sounding tick (decaying sine) for the "tick" cue style."""
    n = max(1, int(rate * seconds))
    t = np.arange(n) / rate
    wave_ = np.sin(2 * np.pi * freq * t) * np.exp(-t / (seconds / 5))
    return Pcm((wave_ * level * 32767).astype(np.int16), rate)


def silence(rate: int, seconds: float) -> Pcm:
    return Pcm(np.zeros(max(0, int(rate * seconds)), dtype=np.int16), rate)
