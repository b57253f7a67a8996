"""Behaviour of the session core on a virtual clock (time is an input: no sleeping)."""

from __future__ import annotations

import pytest

from skill import events as ev
from skill.commands import Command, Mode
from skill.routine import Routine
from skill.session import Session
from skill.timing import speech_seconds


class Driver:
    """A session plus the events it emitted, driven by explicit times."""

    def __init__(self, routine: Routine, state=None) -> None:  # type: ignore[no-untyped-def]
        self.events: list[ev.Event] = []
        self.session = Session(routine, self.events.append, state)
        self.session.start(0.0)

    def at(self, t: float, command: Command | None = None) -> list[ev.Event]:
        before = len(self.events)
        if command is None:
            self.session.tick(t)
        else:
            self.session.command(command, t)
        return self.events[before:]

    def of(self, cls: type[ev.Event]) -> list[ev.Event]:
        return [e for e in self.events if isinstance(e, cls)]


def _stroking_start(d: Driver) -> float:
    mode = [e for e in d.events if isinstance(e, ev.ModeChanged) and e.mode == "stroking"]
    return mode[0].t


def test_intro_then_instruction_then_cues_on_the_beat(tiny: Routine) -> None:
    d = Driver(tiny)
    assert d.session.mode is Mode.INTRO
    intro_end = speech_seconds(tiny.intro)
    assert d.session.next_deadline() == pytest.approx(intro_end)
    d.at(100.0)
    started = d.of(ev.StepStarted)
    assert [s.step for s in started] == ["glide", "circles"]
    t0 = intro_end + speech_seconds(tiny.steps[0].instruction)
    cues = [e for e in d.of(ev.Cue) if e.t < started[1].t]
    assert [c.text for c in cues] == ["up", "down"] * 3
    assert [c.t for c in cues] == pytest.approx([t0 + 2 * i for i in range(6)])
    assert started[1].t == pytest.approx(t0 + 12)


def test_whole_tiny_session_ends_by_itself_with_a_summary(tiny: Routine) -> None:
    d = Driver(tiny)
    d.at(1000.0)
    assert d.session.mode is Mode.FINISHED
    ended = d.of(ev.SessionEnded)[0]
    assert ended.completed and ended.steps_done == 2
    summary = next(e for e in d.of(ev.Say) if e.kind == "summary")
    assert "You did 2 of 2 steps" in summary.text
    assert d.session.next_deadline() is None


def test_pause_silences_and_freezes_the_step_clock(tiny: Routine) -> None:
    d = Driver(tiny)
    d.at(20.0)
    start = _stroking_start(d)
    d.at(start + 3.0)
    fraction = d.session.step_fraction
    out = d.at(start + 3.0, Command.PAUSE)
    assert [type(e) for e in out][:3] == [ev.CommandHeard, ev.ModeChanged, ev.Paused]
    assert d.session.next_deadline() is None
    assert d.at(start + 500.0) == []
    assert d.session.step_fraction == fraction
    out = d.at(start + 500.0, Command.RESUME)
    assert isinstance(out[1], ev.Resumed)
    reminder = next(e for e in out if isinstance(e, ev.Say))
    assert reminder.kind == "reminder" and "Glide" in reminder.text
    d.at(start + 500.0 + speech_seconds(reminder.text) + 0.01)
    assert d.session.step_fraction == pytest.approx(fraction, abs=0.01)
    assert d.session.mode is Mode.STROKING


def test_stop_asks_whether_to_end_then_end_session_ends(tiny: Routine) -> None:
    d = Driver(tiny)
    d.at(25.0)
    out = d.at(25.0, Command.STOP)
    assert any(isinstance(e, ev.Paused) and e.reason == "stop" for e in out)
    assert d.session.mode is Mode.CONFIRMING_END
    assert "end session" in next(e for e in out if isinstance(e, ev.Say)).text
    out = d.at(30.0, Command.NEXT)
    assert [e.kind for e in out if isinstance(e, ev.Say)] == ["hint"]
    assert d.session.mode is Mode.CONFIRMING_END
    out = d.at(31.0, Command.END)
    assert d.session.mode is Mode.FINISHED
    ended = out[-1]
    assert isinstance(ended, ev.SessionEnded) and not ended.completed


def test_stop_then_resume_carries_on(tiny: Routine) -> None:
    d = Driver(tiny)
    d.at(25.0)
    d.at(25.0, Command.STOP)
    d.at(40.0, Command.RESUME)
    assert d.session.mode is Mode.INSTRUCTING
    d.at(60.0)
    assert d.session.mode in (Mode.STROKING, Mode.INSTRUCTING)


@pytest.mark.parametrize(
    ("command", "paces"),
    [
        (Command.SLOWER, [0.8, 0.64, 0.512, 0.5, 0.5]),
        (Command.FASTER, [1.25, 1.5625, 1.9531, 2.0, 2.0]),
    ],
)
def test_pace_moves_by_a_factor_of_1_25_within_bounds(
    tiny: Routine, command: Command, paces: list[float]
) -> None:
    d = Driver(tiny)
    seen = []
    for i in range(5):
        d.at(1.0 + i, command)
        seen.append(d.session.pace)
    assert seen == paces
    changes = [e.pace for e in d.of(ev.PaceChanged)]
    assert changes == paces[:4]
    assert "slowest" in d.of(ev.Say)[-1].text or "fastest" in d.of(ev.Say)[-1].text


def test_slower_stretches_the_rhythm(tiny: Routine) -> None:
    d = Driver(tiny)
    d.at(1.0, Command.SLOWER)
    d.at(200.0)
    cues = d.of(ev.Cue)
    gap = cues[1].t - cues[0].t
    assert gap == pytest.approx(2.0 / 0.8)


def test_repeat_re_speaks_the_instruction_and_keeps_progress(tiny: Routine) -> None:
    d = Driver(tiny)
    start = speech_seconds(tiny.intro) + speech_seconds(tiny.steps[0].instruction)
    d.at(start + 5.0)
    fraction = d.session.step_fraction
    out = d.at(start + 5.0, Command.REPEAT)
    said = [e for e in out if isinstance(e, ev.Say)]
    assert said[0].text == tiny.steps[0].instruction
    assert d.session.step_fraction == fraction


def test_next_back_and_skip_move_between_steps(tiny: Routine) -> None:
    d = Driver(tiny)
    d.at(1.0, Command.NEXT)
    assert d.session.step.id == "glide"
    d.at(2.0, Command.SKIP)
    assert d.session.step.id == "circles"
    d.at(3.0, Command.BACK)
    assert d.session.step.id == "glide"
    out = d.at(4.0, Command.BACK)
    assert d.session.step.id == "glide"
    assert "first step" in next(e for e in out if isinstance(e, ev.Say)).text
    d.at(5.0, Command.NEXT)
    d.at(6.0, Command.NEXT)
    assert d.session.mode is Mode.FINISHED


def test_next_while_paused_moves_on_and_resumes(tiny: Routine) -> None:
    d = Driver(tiny)
    d.at(12.0, Command.PAUSE)
    assert d.session.step.id == "glide"
    out = d.at(30.0, Command.NEXT)
    assert any(isinstance(e, ev.Resumed) for e in out)
    assert d.session.step.id == "circles" and d.session.mode is Mode.INSTRUCTING


def test_time_left_answers_from_remaining_steps_at_current_pace(tiny: Routine) -> None:
    d = Driver(tiny)
    full = d.session.remaining_seconds(0.0)
    assert full == pytest.approx(tiny.nominal_seconds(), rel=0.01)
    out = d.at(0.0, Command.TIME_LEFT)
    assert out[-1].text == "About 50 seconds left." or "minute" in out[-1].text  # type: ignore[attr-defined]
    d.at(1.0, Command.FASTER)
    assert d.session.remaining_seconds(1.0) < full - 1.0
    d.at(1000.0)
    assert d.session.remaining_seconds(1000.0) == 0.0


def test_pressure_changes_say_the_steps_advice_and_clamp(tiny: Routine) -> None:
    d = Driver(tiny)
    d.at(20.0)
    out = d.at(20.0, Command.SOFTER)
    assert [e.level for e in out if isinstance(e, ev.PressureChanged)] == [-1]
    assert out[-1].text == "Lighter."  # type: ignore[attr-defined]
    for _ in range(5):
        d.at(21.0, Command.FIRMER)
    assert d.session.pressure == 3
    assert [e.level for e in d.of(ev.PressureChanged)] == [-1, 0, 1, 2, 3]


def test_help_rotates_through_tips_and_lists_commands(tiny: Routine) -> None:
    d = Driver(tiny)
    d.at(20.0)
    first = d.at(20.0, Command.HELP)[-1].text  # type: ignore[attr-defined]
    second = d.at(21.0, Command.HELP)[-1].text  # type: ignore[attr-defined]
    assert first.startswith("Stay relaxed.") and second.startswith("Use oil.")
    assert "pause" in first and "end session" in first


def test_whats_next_names_the_following_step(tiny: Routine) -> None:
    d = Driver(tiny)
    d.at(20.0)
    assert "Circles" in d.at(20.0, Command.WHATS_NEXT)[-1].text  # type: ignore[attr-defined]
    d.at(21.0, Command.NEXT)
    assert "last step" in d.at(22.0, Command.WHATS_NEXT)[-1].text  # type: ignore[attr-defined]


def test_volume_moves_within_bounds(tiny: Routine) -> None:
    d = Driver(tiny)
    for _ in range(3):
        d.at(1.0, Command.LOUDER)
    assert d.session.volume == 1.0
    for _ in range(10):
        d.at(2.0, Command.QUIETER)
    assert d.session.volume == 0.1
    assert "quietest" in d.of(ev.Say)[-1].text


def test_regular_pressure_check_ins(tiny: Routine) -> None:
    d = Driver(tiny)
    d.at(1000.0)
    checks = [e for e in d.of(ev.Say) if e.kind == "check_in"]
    assert checks and "pressure" in checks[0].text
    assert checks[0].t >= 30.0
    if len(checks) > 1:
        assert checks[1].t - checks[0].t >= 30.0 - 0.01


def test_commands_after_the_end_do_nothing(tiny: Routine) -> None:
    d = Driver(tiny)
    d.at(1.0, Command.END)
    out = d.at(2.0, Command.NEXT)
    assert [type(e) for e in out] == [ev.CommandHeard]


def test_snapshot_restores_to_the_same_place_paused(tiny: Routine) -> None:
    d = Driver(tiny)
    d.at(1.0, Command.SLOWER)
    d.at(1.5, Command.FIRMER)
    d.at(18.0)
    state = d.session.snapshot()
    assert state.step_id == "glide" and state.pace == 0.8 and state.pressure == 1
    restored = Driver(tiny, state)
    assert restored.session.mode is Mode.PAUSED
    welcome = restored.of(ev.Say)[0]
    assert welcome.text.startswith("Welcome back. We were on step 1 of 2, Glide.")
    assert restored.session.step_fraction == pytest.approx(d.session.step_fraction)
    restored.at(0.5, Command.RESUME)
    assert restored.session.pace == 0.8 and restored.session.pressure == 1
    restored.at(500.0)
    assert restored.session.mode is Mode.FINISHED


def test_lost_microphone_pauses_keeps_the_place_and_waits_for_the_user(tiny: Routine) -> None:
    d = Driver(tiny)
    d.at(14.0)
    fraction = d.session.step_fraction
    d.session.device_lost(14.0)
    assert d.session.mode is Mode.PAUSED
    assert any(isinstance(e, ev.Paused) and e.reason == "microphone" for e in d.events)
    d.session.device_lost(15.0)  # a second report changes nothing but the message
    d.session.device_back(40.0)
    assert d.session.mode is Mode.PAUSED
    assert d.of(ev.Say)[-1].text == "I can hear you again. Say resume when you're ready."
    d.at(41.0, Command.RESUME)
    assert d.session.step.id == "glide"
    assert d.session.step_fraction == pytest.approx(fraction)
