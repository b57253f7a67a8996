"""The synthetic training data is the same on every rebuild from the same seed."""

from __future__ import annotations

import numpy as np

from skill.train import data
from skill.train.synth import COACH_VOICES, HELD_OUT, Voice, synthesize, training_voices
from skill.train.text import coach_lines


def test_synthesis_through_sox_effects_is_repeatable() -> None:
    # sox dithers at random unless told not to: the same job gave different samples each run
    voice = Voice("espeak", "en-us+m3")
    effects = ("speed", "1.100", "tempo", "-s", "0.909")
    a = synthesize(voice, "slow down", 1.1, 40, effects)
    b = synthesize(voice, "slow down", 1.1, 40, effects)
    assert len(a) > 8000
    assert np.array_equal(a, b)


def test_the_plan_and_augmentation_depend_only_on_the_seed() -> None:
    voices = [Voice("espeak", "en-us"), Voice("espeak", "en-gb+f2")]
    plan = data.plan(3, voices, 1, 2, 1, 3, coach=coach_lines()[:1])
    assert plan == data.plan(3, voices, 1, 2, 1, 3, coach=coach_lines()[:1])
    assert plan != data.plan(4, voices, 1, 2, 1, 3, coach=coach_lines()[:1])
    x = synthesize(voices[0], "pause")
    data._BG[:] = [synthesize(voices[1], "the towel is warm")]
    data._COACH[:] = [synthesize(COACH_VOICES[0], coach_lines()[0])]
    try:
        first = data._augment((3, 7, x, 3))
        again = data._augment((3, 7, x, 3))
        other = data._augment((4, 7, x, 3))
    finally:
        data._BG.clear()
        data._COACH.clear()
    assert len(first) == 3
    assert all(np.array_equal(p, q) for p, q in zip(first, again, strict=True))
    assert not np.array_equal(first[2], other[2])


def test_coach_lines_come_from_the_bundled_routines() -> None:
    lines = coach_lines()
    assert len(lines) > 50
    assert any("spine" in line for line in lines)
    assert all(len(line.split()) >= 4 for line in lines)


def test_no_training_or_coach_voice_is_held_out() -> None:
    keys = {v.key for v in [*training_voices(), *COACH_VOICES]}
    assert not keys & HELD_OUT
    assert {v.key for v in COACH_VOICES} <= {v.key for v in training_voices()}
