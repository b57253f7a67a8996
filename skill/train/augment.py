"""Audio augmentation in numpy: level, noise, babble, speech underneath, reverberation and
band-limited channels (all length-preserving, used for training data and for the benchmark
conditions), and a drawn-out ending (training only, through sox).
"""

from __future__ import annotations

import subprocess

import numpy as np

SR = 16000


def active_power(x: np.ndarray) -> float:
    """Mean power of the louder (speech) part of ``x``."""
    x = x.astype(np.float64)
    a = np.abs(x)
    loud = x[a > 0.05 * (a.max() + 1e-9)]
    return float(np.mean(loud**2)) if loud.size else 1e-9


def pink(n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-variance pink noise."""
    spec = np.fft.rfft(rng.normal(size=n))
    f = np.arange(len(spec), dtype=np.float64)
    f[0] = 1.0
    y = np.fft.irfft(spec / np.sqrt(f), n)
    return np.asarray(y / (y.std() + 1e-9), dtype=np.float64)


def mix(x: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """``x`` plus ``noise`` scaled to ``snr_db`` below the speech power of ``x``."""
    noise = fit(noise, len(x))
    scale = np.sqrt(active_power(x) / (active_power(noise) * 10 ** (snr_db / 10)))
    return np.asarray(x.astype(np.float64) + noise.astype(np.float64) * scale)


def fit(y: np.ndarray, n: int, offset: int = 0) -> np.ndarray:
    """``y`` looped or cut to exactly ``n`` samples, starting at ``offset``."""
    if len(y) == 0:
        return np.zeros(n)
    reps = int(np.ceil((n + offset) / len(y)))
    return np.tile(y, reps)[offset : offset + n]


def babble(clips: list[np.ndarray], n: int, rng: np.random.Generator, talkers: int) -> np.ndarray:
    """``talkers`` speech clips from ``clips`` summed at equal level into ``n`` samples."""
    out = np.zeros(n)
    for _ in range(talkers):
        c = clips[int(rng.integers(len(clips)))].astype(np.float64)
        c = fit(c, n, int(rng.integers(max(1, len(c)))))
        out += c / np.sqrt(active_power(c))
    return out


def reverb(x: np.ndarray, rt60: float, rng: np.random.Generator, wet: float = 0.7) -> np.ndarray:
    """Convolve with a synthetic exponentially decaying room response (same length as ``x``)."""
    n = int(SR * min(1.2, rt60 * 1.2))
    t = np.arange(n) / SR
    rir = rng.normal(size=n) * np.exp(-6.9 * t / rt60)
    rir[: int(0.003 * SR)] = 0.0
    rir = rir / np.sqrt(np.sum(rir**2)) * wet
    rir[0] = 1.0
    m = len(x) + n
    y = np.fft.irfft(np.fft.rfft(x.astype(np.float64), m) * np.fft.rfft(rir, m), m)[: len(x)]
    return np.asarray(y * np.sqrt(active_power(x) / (active_power(y) + 1e-9)))


def band_limit(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Keep only ``lo``..``hi`` Hz (a cheap telephone / small-speaker channel)."""
    spec = np.fft.rfft(x.astype(np.float64))
    f = np.fft.rfftfreq(len(x), 1 / SR)
    spec[(f < lo) | (f > hi)] *= 0.05
    return np.fft.irfft(spec, len(x))


def low_pass(x: np.ndarray, cutoff: float) -> np.ndarray:
    """Nothing much above ``cutoff`` Hz: an 8th-order roll-off (48 dB per octave), as a
    narrowband channel leaves speech (a Bluetooth headset's 8 kHz call audio keeps up to
    about 3.5 kHz, its wideband mode about 7 kHz; a cheap microphone rolls off at 5-8 kHz)."""
    spec = np.fft.rfft(x.astype(np.float64))
    f = np.fft.rfftfreq(len(x), 1 / SR)
    spec /= np.sqrt(1 + (f / cutoff) ** 16)
    return np.fft.irfft(spec, len(x))


def overdrive(x: np.ndarray, drive_db: float, soft: bool) -> np.ndarray:
    """``x`` driven ``drive_db`` over full scale (its peak is taken as full scale) and
    clipped: hard, as a converter or a preamp clips at its rails, or soft (tanh), as an
    analogue stage or a phone's limiter saturates: a user who speaks up close to a cheap
    microphone. The result peaks at 1 at most."""
    y = x.astype(np.float64) / (np.abs(x).max() + 1e-9) * 10 ** (drive_db / 20)
    out: np.ndarray = np.tanh(y) if soft else np.clip(y, -1.0, 1.0)
    return out


def tilt(x: np.ndarray, db_per_octave: float) -> np.ndarray:
    """Spectral tilt around 1 kHz (microphone / room coloration)."""
    spec = np.fft.rfft(x.astype(np.float64))
    f = np.maximum(np.fft.rfftfreq(len(x), 1 / SR), 50.0)
    spec *= 10 ** (db_per_octave * np.log2(f / 1000.0) / 20)
    return np.fft.irfft(spec, len(x))


def microphone(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random microphone (and small speaker, and room) response: a tilt of up to 3 dB per
    octave, two or three resonances or dips of up to 12 dB, a third of an octave to two
    octaves wide, centred at 150 Hz-6 kHz, and half the time a roll-off below 100-400 Hz
    (12 dB per octave). Real microphones colour speech far more than a tilt does: the
    benchmark's three coloured microphones took the thirteenth session's model from 95.6%
    (clean) to 68.1% (models/README.md)."""
    spec = np.fft.rfft(x.astype(np.float64))
    f = np.maximum(np.fft.rfftfreq(len(x), 1 / SR), 20.0)
    octave = np.log2(f / 1000.0)
    db = rng.uniform(-3, 3) * octave
    for _ in range(int(rng.integers(2, 4))):
        centre = rng.uniform(np.log2(0.15), np.log2(6.0))
        width = rng.uniform(1 / 3, 2) / 2
        db += rng.uniform(-12, 12) * np.exp(-0.5 * ((octave - centre) / width) ** 2)
    if rng.random() < 0.5:
        db -= 10 * np.log10(1 + (rng.uniform(100, 400) / f) ** 4)
    spec *= 10 ** (db / 20)
    return np.fft.irfft(spec, len(x))


def to_int16(x: np.ndarray, peak: float) -> np.ndarray:
    """Scale to ``peak`` (fraction of full scale) and convert to int16."""
    x = x / (np.abs(x).max() + 1e-9) * 32767 * peak
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def pad(x: np.ndarray, before: float, after: float) -> np.ndarray:
    """Silence of ``before``/``after`` seconds around ``x``."""
    silence = np.zeros(int(SR * before)), np.zeros(int(SR * after))
    return np.concatenate([silence[0], x.astype(np.float64), silence[1]])


def _frame_power(x: np.ndarray) -> np.ndarray:
    """Mean power of each whole 10 ms frame of ``x``."""
    n = len(x) // 160
    power: np.ndarray = (x[: n * 160].astype(np.float64).reshape(n, 160) ** 2).mean(1)
    return power


def _loud(x: np.ndarray, floor_db: float) -> np.ndarray:
    """Indices of the 10 ms frames of ``x`` within ``floor_db`` of the loudest one."""
    power = _frame_power(x)
    if power.size == 0:
        return np.zeros(0, dtype=np.int64)
    loud: np.ndarray = np.nonzero(power > power.max() * 10 ** (-floor_db / 10))[0]
    return loud


def speech_end(x: np.ndarray, floor_db: float = 35.0) -> int:
    """Sample index where the speech in ``x`` ends: the end of its last 10 ms frame within
    ``floor_db`` of the loudest frame (``len(x)`` if it is all quiet)."""
    loud = _loud(x, floor_db)
    return int((loud[-1] + 1) * 160) if loud.size else len(x)  # all quiet: none is loud


def speech_start(x: np.ndarray, floor_db: float = 35.0) -> int:
    """Sample index where the speech in ``x`` starts (0 if it is all quiet)."""
    loud = _loud(x, floor_db)
    return int(loud[0] * 160) if loud.size else 0


def breath(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A faint breath before the speech in ``x``, as people draw one before they speak (and
    as the recordings some voices were made from keep one): 0.12-0.35 s of band-limited
    noise 40-60 dB under the loudest 10 ms of the speech, swelling and fading, ending
    0-0.1 s before the speech starts, cut to the quiet there is. Float audio in int16
    magnitudes in, the same length out."""
    start = speech_start(x)
    end = start - int(SR * rng.uniform(0.0, 0.1))
    n = min(int(SR * rng.uniform(0.12, 0.35)), max(0, end))
    y = x.astype(np.float64)
    if n < SR // 50:  # no quiet before the speech
        return y
    noise = band_limit(rng.normal(size=n), rng.uniform(200, 600), rng.uniform(2500, 6000))
    noise *= np.sin(np.linspace(0, np.pi, n)) ** 2
    peak = float(_frame_power(y).max())
    gain = np.sqrt(peak * 10 ** (-rng.uniform(40, 60) / 10) / (np.mean(noise**2) + 1e-12))
    y[end - n : end] += gain * noise
    return y


def lengthen_end(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw out the end of an utterance as people do at the end of a phrase (phrase-final
    lengthening, strongest in words said on their own): the last 0.12-0.3 s of speech, and
    what follows it, slowed 1.3-2.2 times with the pitch kept (sox ``tempo``). Float audio in
    int16 magnitudes in, the same out; longer than ``x``."""
    end = speech_end(x)
    start = max(0, end - int(SR * rng.uniform(0.12, 0.3)))
    factor = rng.uniform(1.3, 2.2)
    tail = (x[start:] / 32768.0).astype(np.float32)
    raw = ["-t", "raw", "-r", str(SR), "-e", "floating-point", "-b", "32", "-c", "1", "-"]
    out = subprocess.run(
        ["sox", "-D", *raw, *raw, "tempo", "-s", f"{1 / factor:.4f}"],
        input=tail.tobytes(),
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    slowed = np.frombuffer(out, dtype=np.float32).astype(np.float64) * 32768.0
    return np.concatenate([x[:start].astype(np.float64), slowed])
