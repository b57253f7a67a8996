"""The acoustic model: a TDNN with frame subsampling 3, trained with frame cross-entropy.

Layer 1 splices input frames -4..4; layers 2-5 splice their input at -3d, 0, +3d (i.e. they run at
the subsampled rate, each with its dilation d: 1 by default); the output is one log-posterior per
3 input frames. Total context +-16 frames with the default dilations.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

log = logging.getLogger(__name__)
SUB = 3
SPLICE = 4
#: each TDNN layer's dilation d, in subsampled frames: it reads its input at -3d, 0, +3d input
#: frames (models/README.md, "Wider context")
DILATIONS: tuple[int, ...] = (1, 1, 1, 1)
CHUNK = 48  # output frames per training chunk


def context(dilations: tuple[int, ...] = DILATIONS) -> int:
    """Input frames on each side that one output frame depends on (16 with ``DILATIONS``)."""
    return SPLICE + SUB * sum(dilations)


class Tdnn(nn.Module):
    """Input (B, T_in, 40) padded by ``context`` frames -> (B, n_out, pdfs) logits."""

    def __init__(
        self,
        dim: int,
        hidden: int,
        pdfs: int,
        dropout: float = 0.1,
        dilations: tuple[int, ...] = DILATIONS,
    ) -> None:
        super().__init__()
        self.context = context(dilations)
        self.first = nn.Linear(dim * (2 * SPLICE + 1), hidden)
        self.tdnn = nn.ModuleList(nn.Conv1d(hidden, hidden, 3, dilation=d) for d in dilations)
        self.norms = nn.ModuleList(nn.BatchNorm1d(hidden) for _ in range(len(dilations) + 1))
        self.out = nn.Linear(hidden, pdfs)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, phase: int = 0) -> torch.Tensor:
        w = x[:, phase:].unfold(1, 2 * SPLICE + 1, SUB)  # (B, n, dim, 9)
        h = torch.relu(self.first(w.transpose(2, 3).flatten(2))).transpose(1, 2)
        h = self.drop(self.norms[0](h))
        for conv, norm in zip(self.tdnn, self.norms[1:], strict=True):
            h = self.drop(norm(torch.relu(conv(h))))
        out: torch.Tensor = self.out(h.transpose(1, 2))
        return out


def pad(feats: np.ndarray, frames: int) -> np.ndarray:
    """Replicate the first/last frame ``frames`` times (as Kaldi's online decoder does)."""
    return np.concatenate(
        [np.repeat(feats[:1], frames, 0), feats, np.repeat(feats[-1:], frames, 0)]
    )


def n_out(t: int) -> int:
    return (t + SUB - 1) // SUB


def chunks(
    feats: list[np.ndarray], labels: list[np.ndarray], order: np.ndarray, frames: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Concatenate the utterances (in ``order``) and cut the stream into CHUNK*3-frame pieces
    with ``frames`` of context on each side; labels at full rate. Utterances start and end in
    silence, so the few frames of context that cross a boundary see silence next to silence."""
    span = CHUNK * SUB
    f = np.concatenate([feats[i] for i in order])
    y = np.concatenate([labels[i] for i in order])
    n = len(f) // span
    p = pad(f, frames)
    xs = np.stack([p[s : s + span + 2 * frames] for s in range(0, n * span, span)])
    ys = y[: n * span].reshape(n, span)
    return torch.from_numpy(xs), torch.from_numpy(ys.astype(np.int64))


def train(
    net: Tdnn,
    x: torch.Tensor,
    y: torch.Tensor,
    epochs: int,
    lr: float,
    gen: torch.Generator,
    batch: int = 8,
    augment: Callable[[torch.Tensor], torch.Tensor] | None = None,
    bf16: bool = False,
) -> float:
    """Train with Adam and a random subsampling phase per batch; returns last frame accuracy.
    With ``bf16``, the forward pass runs in bfloat16 (CPU autocast): the weights, gradients,
    optimizer and loss stay float32."""
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    steps = epochs * ((len(x) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=steps, pct_start=0.15)
    net.train()
    acc = 0.0
    for ep in range(epochs):
        t0, perm = time.time(), torch.randperm(len(x), generator=gen)
        tot = n = good = 0.0
        for i in range(0, len(x), batch):
            b = perm[i : i + batch]
            phase = int(torch.randint(SUB, (1,), generator=gen))
            xb = x[b].float()
            if augment:  # in float32, before the autocast
                xb = augment(xb)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                out = net(xb, phase).float()
            tgt = y[b][:, phase::SUB][:, : out.shape[1]]
            out = out[:, : tgt.shape[1]]
            loss = nn.functional.cross_entropy(
                out.reshape(-1, out.shape[-1]), tgt.reshape(-1), ignore_index=-100
            )
            opt.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            sched.step()
            m = tgt >= 0
            k = float(m.sum())
            tot += float(loss.detach()) * k
            n += k
            good += float((out.argmax(-1) == tgt)[m].sum())
        acc = good / max(n, 1)
        log.info(
            "  epoch %d loss %.3f frame-acc %.3f (%.0fs)",
            ep,
            tot / max(n, 1),
            acc,
            time.time() - t0,
        )
    return acc


@torch.no_grad()
def log_posteriors(net: Tdnn, feats: np.ndarray) -> np.ndarray:
    """(n_out(T), pdfs) log posteriors of one utterance, phase 0."""
    net.eval()
    out = net(torch.from_numpy(pad(feats, net.context))[None].float(), 0)[0]
    return torch.log_softmax(out, -1).numpy()[: n_out(len(feats))]


def _fold(norm: nn.BatchNorm1d) -> tuple[np.ndarray, np.ndarray]:
    """Per-dimension scale and shift of a BatchNorm in eval mode."""
    assert norm.running_var is not None and norm.running_mean is not None
    var = norm.running_var.detach().double().numpy()
    a = norm.weight.detach().double().numpy() / np.sqrt(var + norm.eps)
    return a, norm.bias.detach().double().numpy() - norm.running_mean.detach().double().numpy() * a


Layers = list[tuple[np.ndarray, np.ndarray]]


def _bias(b: torch.Tensor | None) -> np.ndarray:
    assert b is not None
    return np.asarray(b.detach().double().numpy())


def export_layers(net: Tdnn, mean: np.ndarray, std: np.ndarray) -> Layers:
    """Affine (W, b) per layer in nnet3 Append order. Feature normalization is folded into layer
    1 and every BatchNorm (after a ReLU) into the affine layer that reads it."""
    w0 = net.first.weight.detach().double().numpy()
    b0 = net.first.bias.detach().double().numpy()
    mu, sd = np.tile(mean, 2 * SPLICE + 1), np.tile(std, 2 * SPLICE + 1)
    w0f = w0 / sd[None, :]
    layers = [(w0f, b0 - w0f @ mu)]
    convs = [c for c in net.tdnn if isinstance(c, nn.Conv1d)]
    nexts = [(c.weight.detach().double().numpy(), _bias(c.bias)) for c in convs]
    nexts.append(
        (
            net.out.weight.detach().double().numpy()[:, :, None],
            net.out.bias.detach().double().numpy(),
        )
    )
    for (w, b), norm in zip(nexts, net.norms, strict=True):
        taps = w.shape[2]  # (out, in, taps): taps at -3d, 0, +3d (or 1 for the output layer)
        flat = w.transpose(0, 2, 1).reshape(w.shape[0], -1)
        assert isinstance(norm, nn.BatchNorm1d)
        a, c = _fold(norm)
        layers.append((flat * np.tile(a, taps)[None, :], b + flat @ np.tile(c, taps)))
    return layers
