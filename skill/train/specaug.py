"""On-the-fly augmentation in the log-mel domain: MFCC (40 ceps of 40 bins) is an invertible
linear map of log-mel energies, so features are mapped back, warped and masked, and mapped again.

* frequency warping (a vocal-tract-length-like speaker change) by a random factor per chunk;
* SpecAugment-style frequency and time masks.
"""

from __future__ import annotations

import numpy as np
import torch

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
    ) -> None:
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

    def _rand(self, *shape: int) -> torch.Tensor:
        return torch.rand(*shape, generator=self.gen)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        b, t, n = x.shape
        mel = x @ self.to_mel + self.mel_mean  # (B, T, bins)
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
