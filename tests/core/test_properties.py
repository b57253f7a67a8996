"""Property tests: random command sequences never crash or stick, and "end session" ends."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from skill.commands import Command, Mode
from skill.events import Event, SessionEnded
from skill.loading import parse_routine
from skill.routine import Routine
from skill.session import Session
from tests.conftest import TINY

ROUTINE: Routine = parse_routine(TINY, "tiny.yaml")
script = st.lists(
    st.tuples(st.floats(min_value=0.0, max_value=30.0), st.sampled_from(list(Command))),
    max_size=40,
)


def _run(steps: list[tuple[float, Command]]) -> tuple[Session, list[Event]]:
    out: list[Event] = []
    session = Session(ROUTINE, out.append)
    session.start(0.0)
    now = 0.0
    for gap, command in steps:
        now += gap
        session.command(command, now)
        assert out == sorted(out, key=lambda e: e.t), "events go back in time"
    return session, out


@settings(max_examples=300, deadline=None)
@given(script)
def test_random_commands_never_crash_and_never_leave_it_stuck(
    steps: list[tuple[float, Command]],
) -> None:
    session, out = _run(steps)
    if session.mode in (Mode.PAUSED, Mode.CONFIRMING_END):
        session.command(Command.RESUME, out[-1].t + 1)
    session.tick(out[-1].t + 10_000)
    assert session.mode is Mode.FINISHED
    assert sum(isinstance(e, SessionEnded) for e in out) == 1


@settings(max_examples=300, deadline=None)
@given(script)
def test_end_session_always_ends_it(steps: list[tuple[float, Command]]) -> None:
    session, out = _run(steps)
    session.command(Command.END, out[-1].t + 1)
    assert session.mode is Mode.FINISHED
    assert sum(isinstance(e, SessionEnded) for e in out) == 1
    assert session.next_deadline() is None


@settings(max_examples=200, deadline=None)
@given(script)
def test_snapshot_always_restores(steps: list[tuple[float, Command]]) -> None:
    session, _out = _run(steps)
    if session.mode is Mode.FINISHED:
        return
    state = session.snapshot()
    copy: list[Event] = []
    restored = Session(
        ROUTINE, copy.append, type(state).model_validate_json(state.model_dump_json())
    )
    restored.start(0.0)
    assert restored.step_index == session.step_index
    assert restored.pace == session.pace and restored.pressure == session.pressure
    restored.command(Command.RESUME, 1.0)
    restored.tick(10_000)
    assert restored.mode is Mode.FINISHED
