"""Every shipped routine loads, is safe and sensible, and runs to its end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from skill.events import Say, SessionEnded, StepStarted
from skill.loading import BUNDLED_DIR, load_routine, routine_files, schema
from skill.simulate import simulate

FILES = sorted(BUNDLED_DIR.glob("*.yaml"))


def test_the_three_required_routines_ship() -> None:
    assert {p.stem for p in FILES} >= {"back-massage", "neck-and-shoulders", "quick-back"}
    assert [p.stem for p in routine_files()] == sorted(p.stem for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_routine_validates_and_runs_to_its_end(path: Path) -> None:
    routine = load_routine(path)
    assert routine.id == path.stem
    events = simulate(routine)
    ended = events[-1]
    assert isinstance(ended, SessionEnded)
    assert ended.completed and ended.steps_done == len(routine.steps)
    started = [e.step for e in events if isinstance(e, StepStarted)]
    assert started == [s.id for s in routine.steps]
    assert abs(ended.t - routine.nominal_seconds()) / routine.nominal_seconds() < 0.05


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_pressure_check_in_comes_within_the_first_few_minutes(path: Path) -> None:
    events = simulate(load_routine(path))
    checks = [e.t for e in events if isinstance(e, Say) and e.kind == "check_in"]
    assert checks and checks[0] < 4 * 60
    assert len(checks) >= 2 or events[-1].t < 8 * 60


@pytest.mark.parametrize(
    ("name", "minutes"), [("back-massage", 15), ("neck-and-shoulders", 8), ("quick-back", 5)]
)
def test_routine_lengths(name: str, minutes: float) -> None:
    assert abs(load_routine(name).nominal_seconds() / 60 - minutes) <= 1.5


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_no_instruction_puts_pressure_on_the_spine_or_taps_the_kidneys(path: Path) -> None:
    routine = load_routine(path)
    assert any("spine" in note for note in routine.safety)
    for step in routine.steps:
        words = " ".join([step.instruction, step.firmer, *step.tips]).lower()
        assert not re.search(r"press(ing)? (down )?(on|onto) the spine", words), step.id
        assert "tap" not in words or "kidney" not in words, step.id


def test_back_massage_opens_and_closes_with_effleurage() -> None:
    steps = load_routine("back-massage").steps
    assert "glide" in steps[0].instruction.lower()
    assert "feather" in steps[-1].instruction.lower()
    assert any("knead" in s.instruction.lower() for s in steps)
    assert any("circle" in s.instruction.lower() and "spine" in s.instruction for s in steps)


def test_published_schema_is_current() -> None:
    published = json.loads((BUNDLED_DIR / "schema.json").read_text())
    assert published == schema(), "run: massage-coach schema > routines/schema.json"
