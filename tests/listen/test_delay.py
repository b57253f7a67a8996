"""The echo's delay followed, and a moved echo put back where the canceller learnt it: an
output underrun (the echo comes later than the sample count says) and a lost microphone
chunk (earlier), on a simulated room with the real SpeexDSP (no sound card needed)."""

from __future__ import annotations

import numpy as np
import pytest

from skill.listen.aec import Reference, SpeexEcho
from skill.listen.delay import DelaySettings, EchoDelay
from skill.listen.mic import BLOCK, RATE, Chunk
from tests.listen.test_aec import counting, db, room, to_int16, voice_like

#: output and input buffers: the room hears what was played this much later
STREAMS = 0.06
NEVER = DelaySettings(min_sharpness=1e9)  #: a tracker that never measures: the old canceller


def heard(
    played: np.ndarray, seconds_late: float, at: float, user: np.ndarray | None
) -> np.ndarray:
    """The microphone's signal: the room's echo of what was played, ``seconds_late`` more
    of it from ``at`` on (the output stream underran: what followed was played that late)."""
    out = np.concatenate([np.zeros(int(STREAMS * RATE)), played])
    k, late = int(at * RATE), int(seconds_late * RATE)
    out = np.concatenate([out[:k], np.zeros(late), out[k:]])[: played.size]
    echo = room(out)
    return echo + user if user is not None else echo


def cancel(
    far: np.ndarray, near: np.ndarray, settings: DelaySettings, lost: range = range(0)
) -> tuple[np.ndarray, SpeexEcho]:
    """Play ``far`` and hear ``near`` chunk by chunk; the chunks numbered in ``lost`` never
    reach the canceller (the microphone's queue dropped them): they come out silent."""
    reference = Reference()
    aec = SpeexEcho(reference, delay=EchoDelay(settings))
    out = []
    for n, i in enumerate(range(0, far.size - BLOCK + 1, BLOCK)):
        reference.push(to_int16(far[i : i + BLOCK]))
        if n in lost:
            out.append(np.zeros(BLOCK, dtype=np.int16))
            continue
        chunk = Chunk(to_int16(near[i : i + BLOCK]).tobytes(), 0.0)
        out.append(np.frombuffer(aec.clean(chunk), dtype=np.int16))
    return np.concatenate(out).astype(np.float64) / 32767, aec


def removed(near: np.ndarray, out: np.ndarray, start: float, end: float) -> float:
    span = slice(int(start * RATE), int(end * RATE))
    return db(near[span]) - db(out[span])


@pytest.mark.parametrize("late", [0.01, 0.03, 0.08])
def test_an_echo_come_later_is_put_back_and_the_canceller_goes_on_removing_it(
    late: float,
) -> None:
    far = voice_like(10.0, 140, seed=2)
    near = heard(far, late, at=5.0, user=None)
    out, aec = cancel(far, near, DelaySettings())
    old, _ = cancel(far, near, NEVER)
    assert aec.delay.moves == 1 and aec.resets == 0
    assert removed(near, out, 3.0, 5.0) > 10  # learnt before the move
    # the old canceller subtracts an echo that is not there: hardly anything removed
    assert removed(near, old, 6.0, 8.0) < 3
    after = removed(near, out, 6.0, 8.0)
    assert after > 8, f"only {after:.1f} dB removed after the move"
    assert removed(near, out, 8.0, 10.0) > 12


def test_a_lost_microphone_chunk_moves_the_echo_earlier_and_it_is_put_back() -> None:
    far = voice_like(10.0, 140, seed=3)
    near = heard(far, 0.0, at=0.0, user=None)
    lost = range(int(5.0 * RATE) // BLOCK, int(5.0 * RATE) // BLOCK + 1)
    out, aec = cancel(far, near, DelaySettings(), lost)
    old, _ = cancel(far, near, NEVER, lost)
    assert aec.delay.moves == 1 and aec.resets == 0
    assert removed(near, old, 6.0, 8.0) < 3
    assert removed(near, out, 6.0, 8.0) > 8
    assert removed(near, out, 8.0, 10.0) > 12


@pytest.mark.parametrize("snr", [np.inf, 10.0])
def test_the_user_talking_over_the_coach_in_noise_moves_nothing(snr: float) -> None:
    # 4 s of double talk, the user as loud as the coach's echo, and the same in noise 10 dB
    # under the echo: the echo stays where it was, so the tracker must not report a move
    far = voice_like(12.0, 140, seed=4)
    user = np.zeros_like(far)
    user[int(3 * RATE) : int(7 * RATE)] = voice_like(4.0, 210, seed=5)
    echo = heard(far, 0.0, at=0.0, user=None)
    talk = slice(int(3 * RATE), int(7 * RATE))
    user *= np.sqrt(np.mean(echo[talk] ** 2) / np.mean(user[talk] ** 2))
    hiss = np.random.default_rng(6).normal(
        0, np.sqrt(np.mean(echo**2)) * 10 ** (-snr / 20), far.size
    )
    _, aec = cancel(far, echo + user + hiss, DelaySettings())
    assert aec.delay.delay is not None and aec.delay.moves == 0 and aec.resets == 0


def resampled(x: np.ndarray, step: float) -> np.ndarray:
    """``x`` heard on a clock that takes ``step`` of its samples per sample (windowed sinc)."""
    at = np.arange(x.size) * step
    whole, frac = np.floor(at).astype(int), at - np.floor(at)
    out = np.zeros(x.size)
    for k in range(-15, 17):
        d = k - frac
        out += (
            x[np.clip(whole + k, 0, x.size - 1)] * np.sinc(d) * (0.5 + 0.5 * np.cos(np.pi * d / 16))
        )
    return out


@pytest.mark.parametrize("ppm", [0.0, 300.0, -100.0])
def test_two_clocks_drifting_apart_are_measured_and_the_played_sound_read_at_their_ratio(
    ppm: float,
) -> None:
    # a USB microphone and the laptop's speakers: the echo's delay grows all the time, and a
    # canceller paired by counting samples removes only 2-4 dB (README)
    seconds = 50.0
    far = voice_like(seconds, 140, seed=2) + np.random.default_rng(1).normal(
        0, 0.03, int(seconds * RATE)
    )
    near = heard(resampled(far, 1 + ppm * 1e-6), 0.0, at=0.0, user=None)
    reference = Reference()
    aec = SpeexEcho(reference)
    out = []
    reference.push(to_int16(far[:BLOCK]))
    for i in range(0, far.size - 2 * BLOCK + 1, BLOCK):
        reference.push(to_int16(far[i + BLOCK : i + 2 * BLOCK]))  # the speaker runs ahead
        chunk = Chunk(to_int16(near[i : i + BLOCK]).tobytes(), 0.0)
        out.append(np.frombuffer(aec.clean(chunk), dtype=np.int16))
    cleaned = np.concatenate(out).astype(np.float64) / 32767
    assert abs((reference.step - 1) * 1e6 - ppm) < 5
    assert aec.delay.moves == 0 and aec.resets == 0
    assert removed(near, cleaned, 40.0, 49.0) > 15


def test_nothing_is_measured_while_the_coach_is_silent() -> None:
    tracker = EchoDelay()
    near = to_int16(voice_like(3.0, 210, seed=7))  # the user talks; nothing was played
    for i in range(0, near.size - BLOCK + 1, BLOCK):
        assert tracker.feed(near[i : i + BLOCK], np.zeros(BLOCK, dtype=np.int16)) == 0
    assert tracker.delay is None


def test_the_reference_shifts_back_and_forth_or_pairs_afresh() -> None:
    ref = Reference()
    ref.push(counting(0, 4800))
    first = int(ref.take(480)[0])
    assert ref.shift(160)  # the echo came 10 ms later: the next chunk goes with older sound
    assert int(ref.take(480)[0]) == first + 480 - 160
    ref.push(counting(4800, 480))
    assert ref.shift(-160)  # and back: played already
    assert int(ref.take(480)[0]) == first + 960
    assert not ref.shift(-4800)  # not played yet: paired afresh at the next chunk
    ref.push(counting(5280, 480))
    assert int(ref.take(480)[0]) == 5760 - 480 - int(0.02 * RATE)
    assert ref.matched == 2
