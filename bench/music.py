"""Quiet instrumental music, as plays in the room during a massage, made up from a seed: the
benchmark's held-out background (its instruments are its own: a training recipe that mixes
music in must make its music another way).

A slow chord progression in a drawn key (56-76 beats a minute): a soft electric-piano pad
(two-operator FM, slow attack) holding each chord, the same pad an octave down on its root as
the bass, a plucked melody (decaying harmonics, a little inharmonic, as a piano's or a harp's)
on the scale, now and then an FM bell, all in a room (RT60 about 1 s).
"""

from __future__ import annotations

import numpy as np

from skill.train import augment as A
from skill.train.music import add, hz, pieces

SR = A.SR
MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
#: chord roots as scale degrees (0 = the tonic), two bars each
PROGRESSIONS = ((0, 5, 3, 4), (0, 3, 4, 3), (5, 3, 0, 4), (0, 4, 5, 3))


def _envelope(n: int, attack: float, release: float) -> np.ndarray:
    t = np.arange(n) / SR
    rise = np.minimum(1.0, t / max(attack, 1e-3))
    fall = np.minimum(1.0, (n / SR - t) / max(release, 1e-3))
    return np.asarray(rise * np.clip(fall, 0.0, 1.0))


def _pad(f: float, n: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n) / SR
    vib = 0.003 * np.sin(2 * np.pi * rng.uniform(4, 6) * t)
    mod = 0.8 * np.sin(2 * np.pi * f * t)
    return np.asarray(np.sin(2 * np.pi * f * t * (1 + vib) + mod) * _envelope(n, 0.8, 1.2))


def _pluck(f: float, n: int) -> np.ndarray:
    t = np.arange(n) / SR
    out = np.zeros(n)
    for k in range(1, 9):
        fk = f * k * np.sqrt(1 + 0.0004 * k * k)
        if fk > SR / 2 - 500:
            break
        out += np.sin(2 * np.pi * fk * t) * np.exp(-t * (2.0 + 1.5 * k)) / k**1.5
    return np.asarray(out * _envelope(n, 0.004, 0.05))


def _bell(f: float, n: int) -> np.ndarray:
    t = np.arange(n) / SR
    index = 3.0 * np.exp(-t * 3.0)
    return np.asarray(
        np.sin(2 * np.pi * f * t + index * np.sin(2 * np.pi * 3.5 * f * t)) * np.exp(-t * 1.5)
    )


def music(seconds: float, rng: np.random.Generator) -> np.ndarray:
    """``seconds`` of music (float, unit RMS), a new piece every 40-80 s."""
    out = A.reverb(pieces(seconds, rng, _piece, (40, 80)), rng.uniform(0.8, 1.2), rng, wet=0.5)
    return np.asarray(out / (out.std() + 1e-9))


def _piece(out: np.ndarray, at: int, n: int, rng: np.random.Generator) -> None:
    beat = 60.0 / rng.uniform(56, 76)
    tonic = int(rng.integers(48, 60))
    scale = MAJOR if rng.random() < 0.6 else MINOR
    prog = PROGRESSIONS[int(rng.integers(len(PROGRESSIONS)))]
    bar = int(SR * 4 * beat)
    t, i = 0, 0
    while t < n:
        deg = prog[i % len(prog)]
        chord = [tonic + scale[(deg + k) % 7] + 12 * ((deg + k) // 7) for k in (0, 2, 4)]
        span = 2 * bar
        for m in chord:
            add(out, at + t, _pad(hz(m), min(span + SR, n - t + SR), rng), 0.25)
        add(out, at + t, _pad(hz(chord[0] - 12), min(span, n - t + SR), rng), 0.3)
        step = int(SR * beat / 2)
        for s in range(0, span, step):
            if rng.random() < 0.45:
                m = tonic + 12 + scale[int(rng.integers(7))] + 12 * int(rng.random() < 0.3)
                add(out, at + t + s, _pluck(hz(m), int(SR * 1.5)), rng.uniform(0.3, 0.6))
        if rng.random() < 0.3:
            s = int(rng.integers(span))
            add(out, at + t + s, _bell(hz(chord[2] + 24), int(SR * 2.5)), 0.15)
        t += span
        i += 1
