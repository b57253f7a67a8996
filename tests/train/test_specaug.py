"""On-the-fly augmentation in the log-mel domain: noise mixed in mel power."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("kaldi_native_fbank")

from skill.train import augment as A  # noqa: E402
from skill.train.features import mfcc  # noqa: E402
from skill.train.specaug import LogMelAugment, noise_bank, to_log_mel  # noqa: E402


def _speechlike(seconds: float = 1.0) -> np.ndarray:
    """A voiced, syllable-like test signal: a harmonic tone switched on and off."""
    t = np.arange(int(A.SR * seconds)) / A.SR
    tone = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 12))
    return A.to_int16(tone * (np.sin(2 * np.pi * 3 * t) > 0), 0.3)


def test_noise_added_in_mel_power_is_the_mix_of_the_waveforms() -> None:
    speech = _speechlike()
    noise = A.to_int16(A.pink(len(speech), np.random.default_rng(0)), 0.05)
    mixed = np.clip(speech.astype(np.int32) + noise, -32768, 32767).astype(np.int16)
    alone, under, both = (to_log_mel(mfcc(x, 1)) for x in (speech, noise, mixed))
    approx = np.logaddexp(alone, under)
    assert np.abs(approx - both).mean() < 0.1  # log-mel units (natural log)
    assert np.abs(alone - both).mean() > 1.0  # the noise does change the features


def _batch(n: int = 8, frames: int = 110) -> tuple[torch.Tensor, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    feats = [mfcc(_speechlike(1.3), i)[rng.integers(0, 10) :][:frames] for i in range(n)]
    f = np.stack(feats)
    mean, std = f.reshape(-1, 40).mean(0), f.reshape(-1, 40).std(0) + 1e-5
    return torch.tensor((f - mean) / std, dtype=torch.float32), mean, std


def _plain(mean: np.ndarray, std: np.ndarray, **kw: object) -> LogMelAugment:
    """Mixing only: no warping, no masks."""
    gen = torch.Generator().manual_seed(3)
    return LogMelAugment(
        mean, std, gen, warp=0.0, freq_masks=0, time_masks=0, noise=noise_bank(1, 2.0), **kw
    )  # type: ignore[arg-type]


def _level_db(aug: LogMelAugment, x: torch.Tensor) -> torch.Tensor:
    mel = x @ aug.to_mel + aug.mel_mean
    power = torch.logsumexp(mel.flatten(1), 1) - math.log(mel.shape[1] * mel.shape[2])
    return power * (10 / math.log(10))


def test_noise_is_mixed_at_the_snr_asked() -> None:
    x, mean, std = _batch()
    aug = _plain(mean, std, mix=1.0, snr=(10.0, 10.0))
    rise = _level_db(aug, aug(x)) - _level_db(aug, x)
    # speech power P plus noise 10 dB below it: 1.1 P, +0.41 dB, in every chunk
    assert torch.allclose(rise, torch.full_like(rise, 10 * math.log10(1.1)), atol=0.02)


def test_no_mixing_leaves_the_features_as_they_were() -> None:
    x, mean, std = _batch()
    aug = _plain(mean, std, mix=0.0)
    assert torch.allclose(aug(x), x, atol=1e-3)


def test_a_share_of_the_chunks_gets_noise() -> None:
    x, mean, std = _batch(64)
    aug = _plain(mean, std, mix=0.5, snr=(0.0, 0.0))
    changed = (aug(x) - x).abs().amax(dim=(1, 2)) > 0.05
    assert 16 <= int(changed.sum()) <= 48


def test_with_no_mixing_the_warps_and_masks_are_drawn_as_before() -> None:
    """The shipped recipe (``noise_mix`` 0) trains exactly as before the option existed."""
    x, mean, std = _batch()
    before = LogMelAugment(mean, std, torch.Generator().manual_seed(5))
    off = LogMelAugment(mean, std, torch.Generator().manual_seed(5), noise=noise_bank(1, 2.0))
    assert torch.equal(before(x), off(x))
    assert torch.equal(before(x), off(x))  # and the next batch too
