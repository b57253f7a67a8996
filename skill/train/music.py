"""Instrumental music for the training data, made up from a seed: music plays in the room
during a massage, and a network that never heard a tonal background takes a command under it
for noise, and talk under it for a command (models/README.md, "Music in the room").

Pieces of 20-60 s: a chord progression in a drawn key and scale (56-132 beats a minute),
held by a pad (additive organ or strings, a few detuned voices), with a bass line, a melody
(a flute, or a mallet instrument's inharmonic partials, or a bright synthesizer arpeggio)
and, in some, soft drums (a falling sine kick, a noise shaker). The benchmark's music
(``bench/music.py``) is made with other instruments (FM pads and bells, plucked strings), so
the benchmark hears music no training clip had under it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from skill.train import augment as A

SR = A.SR
SCALES = ((0, 2, 4, 5, 7, 9, 11), (0, 2, 3, 5, 7, 8, 10), (0, 2, 4, 7, 9), (0, 3, 5, 7, 10))
#: seconds of music in the bank the training copies cut their music from
BANK_SECONDS = 600.0


def hz(midi: float) -> float:
    """The frequency of MIDI note ``midi`` (69: A, 440 Hz)."""
    return float(440.0 * 2 ** ((midi - 69) / 12))


def _env(n: int, attack: float, decay: float) -> np.ndarray:
    """A rise over ``attack`` s, then an exponential fall (``decay``: time constant, s)."""
    t = np.arange(n) / SR
    return np.asarray(np.minimum(1.0, t / attack) * np.exp(-np.maximum(0.0, t - attack) / decay))


def _harmonics(f: float, n: int, partials: int, tilt: float, detune: float = 0.0) -> np.ndarray:
    t = np.arange(n) / SR
    out = np.zeros(n)
    for k in range(1, partials + 1):
        if f * k > SR / 2 - 800:
            break
        out += np.sin(2 * np.pi * f * k * (1 + detune) * t + k) / k**tilt
    return out


def _pad(f: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Organ (odd and even harmonics, flat) or strings (bright, slow), 2-3 detuned voices."""
    partials, tilt = (6, 1.2) if rng.random() < 0.5 else (12, 1.0)
    out = sum(
        _harmonics(f, n, partials, tilt, float(rng.uniform(-0.004, 0.004)))
        for _ in range(int(rng.integers(2, 4)))
    )
    t = np.arange(n) / SR
    fade = np.minimum(1.0, t / rng.uniform(0.2, 1.0)) * np.minimum(1.0, (n / SR - t) / 0.5)
    return np.asarray(out * fade)


def _flute(f: float, n: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n) / SR
    vib = 1 + 0.006 * np.sin(2 * np.pi * rng.uniform(4.5, 6.5) * t)
    phase = 2 * np.pi * f * np.cumsum(vib) / SR
    tone = np.sin(phase) + 0.2 * np.sin(2 * phase) + 0.08 * np.sin(3 * phase)
    breath = np.diff(rng.normal(size=n + 1)) * 0.03
    return np.asarray((tone + breath) * _env(n, 0.06, 0.8 * n / SR))


def _mallet(f: float, n: int) -> np.ndarray:
    t = np.arange(n) / SR
    out = np.zeros(n)
    for ratio, amp, decay in ((1.0, 1.0, 0.6), (3.93, 0.35, 0.15), (9.54, 0.12, 0.05)):
        if f * ratio < SR / 2 - 800:
            out += amp * np.sin(2 * np.pi * f * ratio * t) * np.exp(-t / decay)
    return np.asarray(out * _env(n, 0.002, 10.0))


def _synth(f: float, n: int) -> np.ndarray:
    """A band-limited sawtooth that closes as it decays."""
    t = np.arange(n) / SR
    out = np.zeros(n)
    for k in range(1, 16):
        if f * k > 5000:
            break
        out += np.sin(2 * np.pi * f * k * t) / k * np.exp(-t * (3 + 2.5 * k))
    return np.asarray(out * _env(n, 0.005, 10.0))


def _pluck_bass(f: float, n: int) -> np.ndarray:
    return np.asarray(_harmonics(f, n, 4, 1.5) * _env(n, 0.01, 0.4))


def _kick(n: int) -> np.ndarray:
    t = np.arange(n) / SR
    f = 50 + 70 * np.exp(-t / 0.04)
    return np.asarray(np.sin(2 * np.pi * np.cumsum(f) / SR) * np.exp(-t / 0.12))


def _shaker(n: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n) / SR
    return np.asarray(np.diff(rng.normal(size=n + 1)) * np.exp(-t / 0.03) * 0.5)


def add(out: np.ndarray, at: int, note: np.ndarray, gain: float) -> None:
    """``note`` times ``gain`` into ``out`` from sample ``at`` (what falls past the end is cut)."""
    end = min(len(out), at + len(note))
    if at < end:
        out[at:end] += gain * note[: end - at]


#: writes one piece of ``n`` samples into ``out`` from sample ``at``, drawing from ``rng``
Piece = Callable[[np.ndarray, int, int, np.random.Generator], None]


def pieces(
    seconds: float, rng: np.random.Generator, piece: Piece, length: tuple[float, float]
) -> np.ndarray:
    """``seconds`` of music, one ``piece`` after another, each ``length`` seconds long (drawn)."""
    n = int(SR * seconds)
    out = np.zeros(n)
    at = 0
    while at < n:
        size = int(SR * rng.uniform(*length))
        piece(out, at, min(size, n - at), rng)
        at += size
    return out


def music(seconds: float, rng: np.random.Generator) -> np.ndarray:
    """``seconds`` of music (float, unit RMS), a new piece every 20-60 s, sometimes in a room."""
    out = pieces(seconds, rng, _piece, (20, 60))
    if rng.random() < 0.7:
        out = A.reverb(out, rng.uniform(0.3, 1.5), rng, wet=float(rng.uniform(0.2, 0.6)))
    return np.asarray(out / (out.std() + 1e-9))


def _piece(out: np.ndarray, at: int, n: int, rng: np.random.Generator) -> None:
    beat = 60.0 / rng.uniform(56, 132)
    tonic = int(rng.integers(45, 62))
    scale = SCALES[int(rng.integers(len(SCALES)))]
    chords = [int(d) for d in rng.integers(0, len(scale), size=4)]
    lead = int(rng.integers(3))
    drums = rng.random() < 0.35
    levels = rng.uniform(0.1, 0.4), rng.uniform(0.2, 0.5), rng.uniform(0.3, 0.8)
    bar = int(SR * 4 * beat)
    step = int(SR * beat / (2 if rng.random() < 0.6 else 4))
    t, i = 0, 0
    while t < n:
        deg = chords[i % len(chords)]
        chord = [
            tonic + scale[(deg + k) % len(scale)] + 12 * ((deg + k) // len(scale))
            for k in (0, 2, 4)
        ]
        span = min(bar * int(rng.integers(1, 3)), n - t)
        for m in chord:
            add(out, at + t, _pad(hz(m), span + SR // 4, rng), levels[0])
        for s in range(0, span, int(SR * beat)):
            add(out, at + t + s, _pluck_bass(hz(chord[0] - 12), int(SR * beat)), levels[1])
        for s in range(0, span, step):
            if rng.random() < 0.55:
                m = tonic + 12 + scale[int(rng.integers(len(scale)))] + 12 * int(rng.random() < 0.3)
                if lead == 0:
                    note = _flute(hz(m), int(step * rng.uniform(1, 3)), rng)
                elif lead == 1:
                    note = _mallet(hz(m), int(SR * 1.2))
                else:
                    note = _synth(hz(m), int(SR * 0.8))
                add(out, at + t + s, note, levels[2])
        if drums:
            for s in range(0, span, int(SR * beat)):
                add(out, at + t + s, _kick(int(SR * 0.4)), 0.8)
            for s in range(0, span, step):
                add(out, at + t + s, _shaker(int(SR * 0.1), rng), 0.4)
        t += span
        i += 1


def bank(seed: int) -> np.ndarray:
    """``BANK_SECONDS`` of music from ``seed`` (float32, unit RMS): the training copies cut
    their music from it (:func:`excerpt`)."""
    return music(BANK_SECONDS, np.random.default_rng([seed, 8080])).astype(np.float32)


def excerpt(music_bank: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` samples of ``music_bank`` from a random place, through a random speaker's tilt."""
    start = int(rng.integers(max(1, len(music_bank) - n)))
    return A.tilt(A.fit(music_bank[start:], n), float(rng.uniform(-3, 3)))
