"""The output callback's logic, block by block, without a device."""

from __future__ import annotations

import numpy as np

from skill.speech.player import FADE_SAMPLES, PlaybackQueue


def block(q: PlaybackQueue, n: int = 100) -> np.ndarray:
    out = np.full(n, 12345, dtype=np.int16)  # garbage, must be overwritten
    q.fill(out)
    return out


def ones(n: int, value: int = 1000) -> np.ndarray:
    return np.full(n, value, dtype=np.int16)


def test_plays_items_in_order_then_silence() -> None:
    q = PlaybackQueue()
    q.push(ones(150, 1000), "a")
    q.push(ones(30, 2000), "b")
    first, second = block(q), block(q)
    assert (first == 1000).all()
    assert (second[:50] == 1000).all() and (second[50:80] == 2000).all()
    assert (second[80:] == 0).all()
    assert not q.busy
    assert (block(q) == 0).all()


def test_busy_until_last_sample_handed_over() -> None:
    q = PlaybackQueue()
    assert not q.busy
    q.push(ones(150))
    assert q.busy
    block(q)
    assert q.busy
    block(q)
    assert not q.busy


def test_stop_silences_the_next_block_after_a_short_fade() -> None:
    q = PlaybackQueue()
    q.push(ones(10_000, 10_000), "long")
    q.push(ones(1000), "queued")
    block(q, 256)
    q.stop()
    out = block(q, 256)
    fade = out[:FADE_SAMPLES].astype(int)
    assert fade[0] == 10_000 and (np.diff(fade) <= 0).all()
    assert (out[FADE_SAMPLES:] == 0).all()
    assert (block(q, 256) == 0).all()  # the queued item was dropped too
    assert not q.busy
    # new speech after a stop plays normally
    q.push(ones(50, 3000), "after")
    assert (block(q)[:50] == 3000).all()


def test_volume_applies_from_the_next_block() -> None:
    q = PlaybackQueue()
    q.push(ones(300, 10_000))
    assert (block(q) == 10_000).all()
    q.volume = 0.5
    assert (block(q) == 5000).all()
    q.volume = 0.1
    assert (block(q) == 1000).all()


def test_notices_say_when_items_start_end_or_are_cut() -> None:
    clock = iter([1.0, 2.0, 3.0])
    q = PlaybackQueue(clock=lambda: next(clock))
    q.push(ones(150), "a")
    q.push(ones(500), "b")
    block(q)
    block(q)
    q.stop()
    block(q)
    got = []
    while not q.played.empty():
        p = q.played.get()
        got.append((p.tag, p.what, p.at, p.offset))
    assert got == [
        ("a", "start", 1.0, 0),
        ("a", "end", 2.0, 0),
        ("b", "start", 2.0, 50),
        ("b", "cut", 3.0, 0),
    ]
