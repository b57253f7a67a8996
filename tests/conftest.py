"""Shared fixtures: the shipped routines and a tiny routine for quick core tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.loading import BUNDLED_DIR, load_routine, parse_routine
from skill.routine import Routine


def pytest_configure(config: pytest.Config) -> None:
    """A test that passed on its rerun shows why its first run failed (the CI log is all
    there is of it); ``-p no:rerunfailures`` turns reruns off and this with them."""
    if config.pluginmanager.hasplugin("rerunfailures"):
        config.option.rerun_show_tracebacks = True


FIXTURES = Path(__file__).parent / "fixtures"

TINY = """
id: tiny
title: Tiny
summary: Two short steps.
safety: [Never press on the spine.]
check_in: {first_after_seconds: 30, every_seconds: 30}
steps:
  - id: glide
    name: Glide
    region: back
    instruction: Glide up the back.
    rhythm: {cues: [up, down], cycle_seconds: 4}
    repetitions: 3
    tips: [Stay relaxed., Use oil.]
    softer: Lighter.
    firmer: Deeper.
  - id: circles
    name: Circles
    region: lower back
    instruction: Circle either side of the spine.
    rhythm: {cues: [circle], cycle_seconds: 2}
    seconds: 20
    tips: [Slowly.]
    softer: Flat palms.
    firmer: Heels of the hands.
"""


@pytest.fixture
def tiny() -> Routine:
    return parse_routine(TINY, "tiny.yaml")


@pytest.fixture(scope="session")
def back_massage() -> Routine:
    return load_routine(BUNDLED_DIR / "back-massage.yaml")
