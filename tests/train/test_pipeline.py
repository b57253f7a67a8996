"""Which utterances each training pass hears."""

from __future__ import annotations

import numpy as np

from skill.train.pipeline import Settings, pass_order

FIRST = np.array([0, 3, 6, 9])  # the first copies of four clips, three copies each


def test_every_pass_hears_every_copy_by_default() -> None:
    s = Settings(epochs=(3, 3, 3, 9))
    for it in range(4):
        order = pass_order(s, it, 12, FIRST)
        # the recipe's shuffle, as before the switch existed: the shipped network rebuilds
        assert order.tolist() == np.random.default_rng([1, it]).permutation(12).tolist()


def test_alignment_passes_hear_only_the_first_copies() -> None:
    s = Settings(epochs=(2, 2, 2, 7), align_first_copies=True)
    for it in range(3):
        order = pass_order(s, it, 12, FIRST)
        assert sorted(order.tolist()) == FIRST.tolist()
        assert order.tolist() == pass_order(s, it, 12, FIRST).tolist()  # from the seed
    assert sorted(pass_order(s, 3, 12, FIRST).tolist()) == list(range(12))
    shuffles = {tuple(pass_order(s, it, 12, FIRST).tolist()) for it in range(3)}
    assert len(shuffles) > 1  # each pass its own shuffle
