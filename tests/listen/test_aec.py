"""Echo cancellation with the real WebRTC AEC3 on a simulated room (no sound card needed)."""

from __future__ import annotations

import numpy as np

from skill.listen.aec import Reference, WebRtcEcho
from skill.listen.mic import BLOCK, RATE, Chunk


def voice_like(seconds: float, f0: float, seed: int) -> np.ndarray:
    """A buzzy, syllable-modulated harmonic signal: speech-like enough for an AEC."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    pitch = f0 * (1 + 0.1 * np.sin(2 * np.pi * 0.7 * t))
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    tone = sum(np.sin(k * phase) / k for k in range(1, 12))
    syllables = np.clip(np.sin(2 * np.pi * 3.1 * t + rng.uniform(0, 6)), 0, None)
    return (tone * syllables * 0.25 + rng.normal(0, 0.01, t.size)).astype(np.float64)


def room(signal: np.ndarray, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    taps = np.exp(-np.arange(int(0.12 * RATE)) / (0.03 * RATE)) * rng.normal(0, 1, int(0.12 * RATE))
    taps[0] = 1.0
    delay = np.zeros(int(0.04 * RATE))
    echo = np.convolve(np.concatenate([delay, signal]), taps / np.abs(taps).sum() * 3)
    return echo[: signal.size]


def to_int16(x: np.ndarray) -> np.ndarray:
    return np.clip(x * 32767, -32768, 32767).astype(np.int16)


def run(near: np.ndarray, far: np.ndarray) -> np.ndarray:
    reference = Reference()
    aec = WebRtcEcho(reference)
    out = []
    for i in range(0, near.size - BLOCK + 1, BLOCK):
        reference.push(to_int16(far[i : i + BLOCK]))
        out.append(
            np.frombuffer(
                aec.clean(Chunk(to_int16(near[i : i + BLOCK]).tobytes(), 0.0)), dtype=np.int16
            )
        )
    return np.concatenate(out).astype(np.float64) / 32767


def db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(x**2) + 1e-12))


def test_coach_voice_is_attenuated_and_the_users_voice_survives() -> None:
    far = voice_like(8.0, 140, seed=2)
    far[int(6.5 * RATE) :] = 0.0  # the coach falls silent for the last 1.5 s
    user = np.zeros_like(far)
    user[int(6.7 * RATE) : int(7.5 * RATE)] = voice_like(0.8, 210, seed=3)
    near = room(far) + user
    out = run(near, far)
    talk = slice(int(3 * RATE), int(6.4 * RATE))
    erle = db(near[talk]) - db(out[talk])
    assert erle > 15, f"echo reduced by only {erle:.1f} dB"
    said = slice(int(6.75 * RATE), int(7.45 * RATE))
    assert abs(db(out[said]) - db(user[said])) < 6


def test_reference_gives_zeros_when_nothing_was_played_and_drops_old_audio() -> None:
    ref = Reference()
    assert not ref.take(100).any()
    ref.push(np.ones(RATE, dtype=np.int16))  # one second: more than the backlog limit
    taken = ref.take(RATE)
    assert int(taken.sum()) == int(0.06 * RATE)
