"""On-the-fly augmentation in the log-mel domain: MFCC (40 ceps of 40 bins) is an invertible
linear map of log-mel energies, so features are mapped back, warped and masked, and mapped again.

* noise mixed in (``mix``: the share of chunks): a stretch of pink or white noise, or a babble
  of one to three other chunks of the batch (other voices, other words), added in mel power
  ``snr`` dB below the chunk, so that every pass hears its clips under new noise at no cost of
  synthesis (power adds in each mel band; the cross terms of the two waveforms average out);
* frequency warping (a vocal-tract-length-like speaker change) by a random factor per chunk;
* SpecAugment-style frequency and time masks.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from skill.train import augment as A
from skill.train.features import mfcc

BINS = 40
LIFTER = 22.0


def dct_matrix(n: int = BINS) -> np.ndarray:
    """Kaldi's orthonormal DCT-II (rows = cepstra)."""
    k = np.arange(n)[:, None]
    j = np.arange(n)[None, :]
    d = np.sqrt(2.0 / n) * np.cos(np.pi / n * (j + 0.5) * k)
    d[0] = np.sqrt(1.0 / n)
    return np.asarray(d)


def lifter(n: int = BINS) -> np.ndarray:
    return np.asarray(1.0 + 0.5 * LIFTER * np.sin(np.pi * np.arange(n) / LIFTER))


def to_log_mel(ceps: np.ndarray) -> np.ndarray:
    """Raw MFCC frames (T, 40) back to the log-mel energies they were made from."""
    return np.asarray((ceps / lifter()[None, :]) @ dct_matrix())


def noise_bank(seed: int, seconds: float = 20.0) -> np.ndarray:
    """Log-mel frames of ``seconds`` of pink, then as much white noise (at -30 dBFS: the level
    is set anew for each chunk it is mixed into)."""
    rng = np.random.default_rng([seed, 31337])
    n = int(A.SR * seconds)
    parts = [A.pink(n, rng), rng.normal(size=n)]
    return np.concatenate(
        [to_log_mel(mfcc(A.to_int16(x, 10 ** (-30 / 20)), seed)) for x in parts]
    ).astype(np.float32)


class LogMelAugment:
    """Warps and masks normalized MFCC batches (B, T, 40)."""

    def __init__(
        self,
        mean: np.ndarray,
        std: np.ndarray,
        gen: torch.Generator,
        warp: float = 0.12,
        freq_masks: int = 2,
        max_band: int = 6,
        time_masks: int = 2,
        max_frames: int = 8,
        noise: np.ndarray | None = None,
        mix: float = 0.0,
        snr: tuple[float, float] = (0.0, 20.0),
    ) -> None:
        """``noise``: log-mel frames (:func:`noise_bank`) to mix into a share ``mix`` of the
        chunks (half of those get it, half a babble of other chunks), ``snr`` dB below them."""
        d = dct_matrix()
        lift = lifter()
        # normalized mfcc -> log-mel:  mel = D^T ((x * std + mean) / lift)
        self.to_mel = torch.tensor((d.T / lift[None, :]).T * std[:, None], dtype=torch.float32)
        self.mel_mean = torch.tensor(d.T @ (mean / lift), dtype=torch.float32)
        self.from_mel = torch.tensor(d.T * (lift / std)[None, :], dtype=torch.float32)
        self.mean = torch.tensor(mean, dtype=torch.float32)
        self.std = torch.tensor(std, dtype=torch.float32)
        self.gen = gen
        self.warp, self.freq_masks, self.max_band = warp, freq_masks, max_band
        self.time_masks, self.max_frames = time_masks, max_frames
        self.noise = None if noise is None else torch.from_numpy(noise)
        self.mix, self.snr = mix, snr

    def _noisy(self, mel: torch.Tensor) -> torch.Tensor:
        """``mel`` with noise or babble added in mel power to a share ``mix`` of the chunks."""
        b, t, _ = mel.shape
        if self.noise is None or self.mix <= 0 or b < 2:
            return mel
        start = (self._rand(b) * (len(self.noise) - t)).long()
        steady = self.noise[start[:, None] + torch.arange(t)[None, :]]  # (B, T, bins)
        talkers = []
        for k in range(1, 4):  # chunk i hears chunks i-1, i-2, i-3, each shifted in time
            other = torch.roll(mel, k % b, 0)
            talkers.append(torch.roll(other, int(self._rand(1) * t), 1))
        count = 1 + (self._rand(b) * 3).long()  # 1 to 3 other talkers
        stacked = torch.stack(talkers)  # (3, B, T, bins)
        keep = torch.arange(3)[:, None, None, None] < count[None, :, None, None]
        babble = torch.logsumexp(torch.where(keep, stacked, torch.tensor(-1e4)), 0)
        source = torch.where((self._rand(b) < 0.5)[:, None, None], steady, babble)
        lo, hi = self.snr
        snr = lo + self._rand(b) * (hi - lo)
        gain = _level(mel) - _level(source) - snr * (math.log(10) / 10)
        mixed = torch.logaddexp(mel, source + gain[:, None, None])
        return torch.where((self._rand(b) < self.mix)[:, None, None], mixed, mel)

    def _rand(self, *shape: int) -> torch.Tensor:
        return torch.rand(*shape, generator=self.gen)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        b, t, n = x.shape
        mel = self._noisy(x @ self.to_mel + self.mel_mean)  # (B, T, bins)
        alpha = 1.0 + (self._rand(b, 1, 1) * 2 - 1) * self.warp
        pos = torch.clamp(torch.arange(n, dtype=torch.float32)[None, None, :] * alpha, 0, n - 1)
        lo = pos.floor().long()
        hi = torch.clamp(lo + 1, max=n - 1)
        frac = pos - lo
        mel = (
            torch.gather(mel, 2, lo.expand(b, t, n)) * (1 - frac)
            + torch.gather(mel, 2, hi.expand(b, t, n)) * frac
        )
        floor = mel.mean(dim=(1, 2), keepdim=True)
        bins = torch.arange(n)[None, None, :]
        for _ in range(self.freq_masks):
            w = (self._rand(b, 1, 1) * self.max_band).long()
            f0 = (self._rand(b, 1, 1) * (n - w)).long()
            mel = torch.where((bins >= f0) & (bins < f0 + w), floor, mel)
        frames = torch.arange(t)[None, :, None]
        for _ in range(self.time_masks):
            w = (self._rand(b, 1, 1) * self.max_frames).long()
            t0 = (self._rand(b, 1, 1) * (t - w)).long()
            mel = torch.where((frames >= t0) & (frames < t0 + w), floor, mel)
        return (mel - self.mel_mean) @ self.from_mel


def _level(mel: torch.Tensor) -> torch.Tensor:
    """Mean power of each chunk (log, natural): (B, T, bins) -> (B,)."""
    return torch.logsumexp(mel.flatten(1), 1) - math.log(mel.shape[1] * mel.shape[2])
