"""Echo cancellation with the real SpeexDSP and WebRTC AEC3 on a simulated room (no sound card
needed)."""

from __future__ import annotations

import numpy as np
import pytest

from skill.listen.aec import (
    MARGIN_SECONDS,
    SPEEX_FRAME,
    EchoMaker,
    Reference,
    SpeexEcho,
    WebRtcEcho,
)
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


def run(near: np.ndarray, far: np.ndarray, make: EchoMaker, block: int = BLOCK) -> np.ndarray:
    reference = Reference()
    aec = make(reference)
    out = []
    for i in range(0, near.size - block + 1, block):
        reference.push(to_int16(far[i : i + block]))
        out.append(
            np.frombuffer(
                aec.clean(Chunk(to_int16(near[i : i + block]).tobytes(), 0.0)), dtype=np.int16
            )
        )
    return np.concatenate(out).astype(np.float64) / 32767


def db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(x**2) + 1e-12))


@pytest.mark.parametrize("make", [SpeexEcho, WebRtcEcho])
def test_coach_voice_is_attenuated_and_the_users_voice_survives(make: EchoMaker) -> None:
    far = voice_like(8.0, 140, seed=2)
    far[int(6.5 * RATE) :] = 0.0  # the coach falls silent for the last 1.5 s
    user = np.zeros_like(far)
    user[int(6.7 * RATE) : int(7.5 * RATE)] = voice_like(0.8, 210, seed=3)
    near = room(far) + user
    out = run(near, far, make)
    talk = slice(int(3 * RATE), int(6.4 * RATE))
    erle = db(near[talk]) - db(out[talk])
    assert erle > 15, f"echo reduced by only {erle:.1f} dB"
    said = slice(int(6.75 * RATE), int(7.45 * RATE))
    assert abs(db(out[said]) - db(user[said])) < 6


def counting(start: int, count: int) -> np.ndarray:
    """Played samples numbered by when they were played (int16 wraps, which is fine)."""
    return (np.arange(start, start + count) % 30000).astype(np.int16)


#: a chunk is first paired with the samples played this long before the last ones
MARGIN = int(MARGIN_SECONDS * RATE)


def test_reference_gives_zeros_until_something_is_played() -> None:
    ref = Reference()
    assert not ref.take(480).any()
    ref.push(counting(1, 160))
    assert ref.matched == 0
    assert list(ref.take(480)) == list(counting(1, 160)) + [0] * 320  # all that was played
    assert ref.matched == 1


def test_reference_keeps_the_same_pairing_however_unevenly_the_streams_deliver() -> None:
    # the speaker plays 10 ms blocks, the microphone delivers 30 ms chunks; once paired,
    # the n-th sample heard goes with the same sample played, through bursts and stalls
    ref = Reference()
    played = 0

    def play(blocks: int) -> None:
        nonlocal played
        for _ in range(blocks):
            ref.push(counting(played, 160))
            played += 160

    play(10)  # the speaker ran 100 ms before the microphone's first chunk
    first = ref.take(480)
    assert first[0] == played - 480 - MARGIN  # 30 ms, played just before the last ones
    heard = 480
    for blocks, chunks in [(3, 1), (6, 0), (0, 2), (30, 1), (0, 9), (3, 1), (0, 1), (3, 0)]:
        play(blocks)  # the microphone lags 60 ms, catches up, lags 300 ms, runs ahead...
        for _ in range(chunks):
            got = ref.take(480)
            want = counting(heard + first[0], 480)
            known = max(0, min(480, played - (heard + int(first[0]))))
            assert list(got[:known]) == list(want[:known])
            assert not got[known:].any()  # not played yet: zeros, and the pairing holds
            heard += 480
    assert ref.matched == 1


@pytest.mark.parametrize("stalled", ["microphone", "speaker"])
def test_reference_pairs_afresh_after_a_stream_stalled(stalled: str) -> None:
    ref = Reference()
    ref.push(counting(0, 4800))
    ref.take(480)
    if stalled == "microphone":  # 2 s played while nothing was heard: more than is kept
        ref.push(counting(4800, 32000))
        assert ref.take(480)[0] == counting(4800 + 32000 - 480 - MARGIN, 1)[0]
    else:  # 1 s heard while nothing was played, then the speaker comes back
        for _ in range(33):
            ref.take(480)
        assert not ref.take(480).any()
        ref.push(counting(4800, 160))
        assert ref.take(480)[0] == 4800 + 160 - 480 - MARGIN
    assert ref.matched == 2


def test_the_users_voice_over_the_coach_comes_through_speex_whole() -> None:
    # barge-in: the user talks while the coach still speaks, as loud as the coach's echo;
    # SpeexDSP leaves the user's voice with little echo, AEC3 suppresses much of both
    far = voice_like(8.0, 140, seed=4)
    user = np.zeros_like(far)
    said = slice(int(5.0 * RATE), int(6.5 * RATE))
    user[said] = voice_like(1.5, 210, seed=5)
    echo = room(far)
    user *= np.sqrt(np.mean(echo[said] ** 2) / np.mean(user[said] ** 2))
    speex = run(echo + user, far, SpeexEcho)
    webrtc = run(echo + user, far, WebRtcEcho)
    # what is left of the echo (and of any damage to the user's voice), below the voice
    left = db(user[said]) - db(speex[said] - user[said])
    assert left > 5, f"user's voice only {left:.1f} dB above what is left of the echo"
    rtc = db(user[said]) - db(webrtc[said] - user[said])
    assert left > rtc + 3, f"speex {left:.1f} dB, webrtc {rtc:.1f} dB"


def test_speex_takes_chunks_that_are_not_whole_frames() -> None:
    far = voice_like(4.0, 140, seed=6)
    near = room(far)
    block = 3 * SPEEX_FRAME + 70
    out = run(near, far, SpeexEcho, block)
    used = near.size // block * block
    assert used - SPEEX_FRAME < out.size <= used and out.size % SPEEX_FRAME == 0
    whole = run(near, far, SpeexEcho, 3 * SPEEX_FRAME)  # the same samples, whole frames
    assert np.allclose(out, whole[: out.size], atol=2 / 32767)


def test_after_the_coach_fell_silent_speex_passes_the_microphone_through_and_learns_on() -> None:
    # the coach speaks 4 s, is silent 2 s (the user speaks in it), then speaks 3 s more
    far = voice_like(9.0, 140, seed=7)
    far[int(4 * RATE) : int(6 * RATE)] = 0.0
    user = np.zeros_like(far)
    user[int(5.0 * RATE) : int(5.8 * RATE)] = voice_like(0.8, 210, seed=8)
    near = room(far) + user
    out = run(near, far, SpeexEcho)
    # more than the filter's 0.5 s after the last sound played, nothing is touched
    quiet = slice(int(4.7 * RATE), int(6 * RATE))
    assert np.array_equal(to_int16(out[quiet]), to_int16(near[quiet]))

    class Always(SpeexEcho):  # the filter run on every frame, for comparison
        def __init__(self, reference: Reference) -> None:
            super().__init__(reference)
            self._history = 10**9

    always = run(near, far, Always)
    again = slice(int(6.5 * RATE), int(9 * RATE) - BLOCK)
    erle = db(near[again]) - db(out[again])
    assert erle > 15, f"echo reduced by only {erle:.1f} dB after the pause"
    assert abs(erle - (db(near[again]) - db(always[again]))) < 1.0
