"""Music in the room for the training copies (``Acoustics.music``): made up from the seed,
tonal, and mixed under every copy but the light one the alignment reads."""

from __future__ import annotations

import numpy as np
import pytest

from skill.train import augment, data, music
from tests.train.test_data import some_copies_changed


def peakiness(x: np.ndarray) -> float:
    """The loudest of a spectrum's bins at 100-2000 Hz against their median (dB), the median
    over 0.25 s frames."""
    frames = x[: len(x) // 4000 * 4000].reshape(-1, 4000)
    s = np.abs(np.fft.rfft(frames * np.hanning(4000), axis=1))[:, 25:500] ** 2
    return float(np.median(10 * np.log10(s.max(1) / np.median(s, 1))))


def test_music_repeats_from_its_seed_and_is_tonal_unlike_noise() -> None:
    a = music.music(12.0, np.random.default_rng(5))
    assert len(a) == 12 * augment.SR
    assert np.array_equal(a, music.music(12.0, np.random.default_rng(5)))
    assert not np.array_equal(a, music.music(12.0, np.random.default_rng(6)))
    assert np.isfinite(a).all() and a.std() == pytest.approx(1.0)
    noise = augment.pink(len(a), np.random.default_rng(5))
    assert peakiness(a) > peakiness(noise) + 20


def test_music_plays_under_some_copies_never_the_light_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tone = np.sqrt(2) * np.sin(2 * np.pi * 1000 * np.arange(8 * augment.SR) / augment.SR)
    monkeypatch.setattr(data, "_MUSIC", tone)  # music that is one tone: easy to find
    monkeypatch.setattr(data, "MUSIC_SHARE", 1.0)
    monkeypatch.setattr(data, "MUSIC_SNR_DB", (5.0, 5.0))
    x = np.zeros(augment.SR, dtype=np.int16)
    x[4000:12000] = (np.random.default_rng(0).normal(size=8000) * 3000).astype(np.int16)

    def tone_db(y: np.ndarray) -> float:  # the tone's bin against the median, before the clip
        s = np.abs(np.fft.rfft(y[:2000].astype(np.float64) * np.hanning(2000))) ** 2
        return float(10 * np.log10(s[125] / np.median(s)))  # 125: 1 kHz in 2000 samples

    plain = data.Acoustics(microphones=True, rooms=True)
    heard = data.Acoustics(microphones=True, rooms=True, music=True)
    copies = some_copies_changed(x, plain, heard)
    assert [c for _, _, c in copies] == [False, True, True, True]  # never the light copy
    for p, q, _ in copies[1:]:
        assert len(p) == len(q)
        assert tone_db(q) > 30 > tone_db(p)


def test_the_training_set_has_clips_of_music_alone_only_with_music(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(music, "BANK_SECONDS", 10.0)
    monkeypatch.setattr(data, "_MUSIC", data._MUSIC)  # build() sets it: put it back after
    monkeypatch.setattr(data, "MUSIC_ONLY", 3)
    alone = [
        u.uid
        for heard in (data.Acoustics(), data.Acoustics(music=True))
        for u in data.build([], 1, 0, heard=heard)
    ]
    assert alone == ["music0000", "music0001", "music0002"]
    clips = data.build([], 1, 0, heard=data.Acoustics(music=True))
    assert all(u.kind == "noise" and u.text == "" and u.base < 0 for u in clips)
    assert all(np.abs(u.audio).max() > 100 for u in clips)
