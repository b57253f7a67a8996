"""The network's training loop: float32 and the bfloat16 forward pass both learn, repeatably."""

from __future__ import annotations

import torch

from skill.train import nnet


def _toy() -> tuple[torch.Tensor, torch.Tensor]:
    """Chunks whose label at each frame is which of 3 feature dimensions is largest."""
    g = torch.Generator().manual_seed(0)
    span = nnet.CHUNK * nnet.SUB
    c = nnet.context()
    x = torch.randn(48, span + 2 * c, 6, generator=g)
    y = x[:, c : c + span, :3].argmax(-1)
    return x.half(), y


def _trained(bf16: bool) -> tuple[nnet.Tdnn, float]:
    torch.manual_seed(0)
    net = nnet.Tdnn(6, 16, 3, dropout=0.0)
    x, y = _toy()
    acc = nnet.train(net, x, y, 8, 2e-2, torch.Generator().manual_seed(0), bf16=bf16)
    return net, acc


def test_the_bfloat16_forward_pass_learns_as_float32_does_and_repeats() -> None:
    plain, plain_acc = _trained(False)
    bf, bf_acc = _trained(True)
    assert plain_acc > 0.8 and bf_acc > 0.8  # chance is 1/3
    assert all(p.dtype == torch.float32 for p in bf.parameters())  # only the compute is bf16
    weights = [p.detach() for p in bf.parameters()]
    others = [p.detach() for p in plain.parameters()]
    assert any(not torch.equal(a, b) for a, b in zip(weights, others, strict=True))
    again = [p.detach() for p in _trained(True)[0].parameters()]
    assert all(torch.equal(a, b) for a, b in zip(weights, again, strict=True))
