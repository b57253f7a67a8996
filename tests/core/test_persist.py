"""Saving after every transition: a crash never loses the user's place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill import persist
from skill.commands import Command, Mode
from skill.errors import StateError
from skill.events import Event
from skill.routine import Routine
from skill.runner import Heard, Runner


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _runner(routine: Routine, path: Path, clock: FakeClock, state=None) -> Runner:  # type: ignore[no-untyped-def]
    runner = Runner(routine, path, state, clock=clock, routine_file="tiny.yaml")
    runner.events = []  # type: ignore[attr-defined]
    runner.add_sink(runner.events.append)  # type: ignore[attr-defined]
    runner.session.start(runner.now())
    return runner


def test_state_is_saved_after_every_change_and_survives_a_crash(
    tiny: Routine, tmp_path: Path
) -> None:
    path = tmp_path / "state" / "session.json"
    clock = FakeClock()
    runner = _runner(tiny, path, clock)
    clock.now += 12.0
    runner.inbox.put(Heard(Command.SLOWER, "slow down"))
    runner.step(0.0)
    clock.now += 3.0
    runner.step(0.0)
    saved = persist.load(path)
    assert saved is not None
    assert saved.pace == 0.8 and saved.step_id == "glide" and saved.cycles_done > 0
    assert saved.routine_file == "tiny.yaml"
    assert list(path.parent.iterdir()) == [path], "no temporary files left behind"
    # the process dies here; a new one picks the state up
    again = _runner(tiny, path, FakeClock(), saved)
    assert again.session.mode is Mode.PAUSED
    assert again.session.step_fraction == pytest.approx(saved.cycles_done / 3)
    assert "Welcome back" in again.events[-1].to_dict()["text"]  # type: ignore[attr-defined]


def test_a_sink_that_raises_does_not_end_the_session(tiny: Routine, tmp_path: Path) -> None:
    def broken(event: Event) -> None:
        raise OSError("speaker unplugged")

    clock = FakeClock()
    runner = _runner(tiny, tmp_path / "s.json", clock)
    runner.add_sink(broken)
    clock.now += 30.0
    runner.step(0.0)
    assert runner.session.step_index == 1


def test_damaged_state_file_says_how_to_fix(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    path.write_text("{not json")
    with pytest.raises(StateError, match="delete it and start again"):
        persist.load(path)
    path.write_text(json.dumps({"routine_id": "x", "pace": -1}))
    with pytest.raises(StateError, match="damaged"):
        persist.load(path)


def test_missing_state_is_none_and_clear_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    assert persist.load(path) is None
    persist.clear(path)
    persist.clear(path)
