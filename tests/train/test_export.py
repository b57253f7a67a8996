"""The exported nnet3 layers compute exactly what the torch model computes (needs torch)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from skill.train import nnet  # noqa: E402


def nnet3_forward(layers: list[tuple[np.ndarray, np.ndarray]], feats: np.ndarray) -> np.ndarray:
    """What Kaldi computes for output frames 0, 3, 6, ... with edge frames repeated."""
    t_len = len(feats)

    def inp(t: int) -> np.ndarray:
        return feats[min(max(t, 0), t_len - 1)]

    def layer(i: int, t: int) -> np.ndarray:
        w, b = layers[i]
        if i == 0:
            x = np.concatenate([inp(t + o) for o in range(-nnet.SPLICE, nnet.SPLICE + 1)])
        elif i < len(layers) - 1:
            x = np.concatenate([layer(i - 1, t + o) for o in (-nnet.SUB, 0, nnet.SUB)])
        else:
            x = layer(i - 1, t)
        y = w @ x + b
        return y if i == len(layers) - 1 else np.maximum(y, 0)

    out = np.stack([layer(len(layers) - 1, t) for t in range(0, t_len, nnet.SUB)])
    return out - np.log(np.exp(out).sum(1, keepdims=True))


def test_export_matches_torch() -> None:
    torch.manual_seed(0)
    net = nnet.Tdnn(6, 8, 5)
    for norm in net.norms:  # non-trivial batch-norm statistics
        norm.running_mean.uniform_(-1, 1)
        norm.running_var.uniform_(0.5, 2)
        norm.weight.data.uniform_(0.5, 2)
        norm.bias.data.uniform_(-1, 1)
    net.eval()
    rng = np.random.default_rng(0)
    feats = rng.normal(size=(20, 6)).astype(np.float32) * 3 + 1
    mean, std = np.full(6, 1.0), np.full(6, 3.0)
    want = nnet.log_posteriors(net, (feats - mean) / std)
    got = nnet3_forward(nnet.export_layers(net, mean, std), feats.astype(np.float64))
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=1e-4)
