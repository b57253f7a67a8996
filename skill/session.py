"""The session core: commands and clock ticks in, typed events out. No I/O, no sleeping.

Time is an input: every call takes ``now`` (seconds on the session's clock) and the
driver asks :meth:`Session.next_deadline` when to call :meth:`Session.tick` next.
Speaking time is estimated from word counts at the current pace (skill.timing).
"""

from __future__ import annotations

from collections.abc import Callable

from skill import events as ev
from skill import timing
from skill.commands import PHRASES, VALID, Command, Mode
from skill.flow import Flow
from skill.routine import Routine, Step
from skill.state import SessionState

Emit = Callable[[ev.Event], None]
PRESSURE_LIMIT = 3
_EPS = 1e-9


class Session:
    """Walks one routine. Create it, call :meth:`start`, then feed commands and ticks."""

    def __init__(self, routine: Routine, emit: Emit, state: SessionState | None = None) -> None:
        self.routine = routine
        self._emit_cb = emit
        self._restored = state is not None
        s = state or SessionState(routine_id=routine.id, next_check_in=_first_check(routine))
        self._index = min(_index_of(routine, s), len(routine.steps) - 1)
        self._cycles = s.cycles_done if self._index == s.step_index else 0.0
        self._beats = s.beats_done if self._index == s.step_index else 0
        self.pace, self.pressure, self.volume = s.pace, s.pressure, s.volume
        self._active, self._next_check = s.active_seconds, s.next_check_in
        self._completed = list(s.completed_steps)
        self._resume_to = s.resume_to if s.mode in (Mode.PAUSED, Mode.CONFIRMING_END) else s.mode
        self._flow = Flow()
        self._last = 0.0
        self._phase_end: float | None = None
        self._tips_given = 0

    # ----------------------------------------------------------------- reading
    @property
    def mode(self) -> Mode:
        return self._flow.mode

    @property
    def step(self) -> Step:
        return self.routine.steps[self._index]

    @property
    def step_index(self) -> int:
        return self._index

    @property
    def step_fraction(self) -> float:
        """How far through the current step's strokes (0 to 1)."""
        return min(1.0, self._cycles / self.step.cycles)

    def next_deadline(self) -> float | None:
        """When :meth:`tick` must next be called, or None while nothing is scheduled."""
        if self.mode in (Mode.INTRO, Mode.INSTRUCTING):
            return self._phase_end
        if self.mode is not Mode.STROKING:
            return None
        target = min(self._beats / len(self.step.rhythm.cues), self.step.cycles)
        return self._last + max(0.0, target - self._cycles) * self._cycle_len()

    def remaining_seconds(self, now: float) -> float:
        """Time left at the current pace: this step's rest, later steps, the closing."""
        pace = self.pace
        later = self.routine.steps[self._index + 1 :]
        rest = sum(s.nominal_seconds(pace) for s in later)
        rest += timing.speech_seconds(self.routine.closing, pace)
        if self.mode is Mode.FINISHED:
            return 0.0
        if self.mode is Mode.INTRO or (self._resume_to is Mode.INTRO and self._paused()):
            head = max(0.0, (self._phase_end or now) - now) if self.mode is Mode.INTRO else 0.0
            return head + self.step.nominal_seconds(pace) + rest
        speaking = max(0.0, (self._phase_end or now) - now) if self.mode is Mode.INSTRUCTING else 0
        return speaking + (self.step.cycles - self._cycles) * self._cycle_len() + rest

    def snapshot(self) -> SessionState:
        """Everything needed to carry on later exactly here."""
        return SessionState(
            routine_id=self.routine.id,
            mode=self.mode,
            resume_to=self._resume_to,
            step_index=self._index,
            step_id=self.step.id,
            cycles_done=round(self._cycles, 6),
            beats_done=self._beats,
            pace=self.pace,
            pressure=self.pressure,
            volume=self.volume,
            active_seconds=round(self._active, 3),
            next_check_in=round(self._next_check, 3),
            completed_steps=list(self._completed),
        )

    # ----------------------------------------------------------------- driving
    def start(self, now: float) -> None:
        """Begin (or, for a restored state, offer to carry on from where it stopped)."""
        self._last = now
        if not self._restored:
            self._say_intro(now)
            return
        self._flow.send("pause")
        self._mode_changed(now)
        total = len(self.routine.steps)
        self._say(
            now,
            f"Welcome back. We were on step {self._index + 1} of {total}, {self.step.name}. "
            "Say resume when you're ready.",
            "resume",
        )

    def tick(self, now: float) -> None:
        """Let the clock run to ``now``, emitting every cue and step change due by then."""
        while (deadline := self.next_deadline()) is not None and deadline <= now + _EPS:
            self._advance(max(deadline, self._last))
            self._on_deadline(self._last)
        self._advance(max(now, self._last))

    def command(self, command: Command, now: float, text: str = "") -> None:
        """Obey ``command`` at ``now`` (after running the clock up to ``now``)."""
        self.tick(now)
        now = self._last
        self._emit(ev.CommandHeard(now, command.value, text or PHRASES[command][0]))
        if self.mode is Mode.FINISHED:
            return
        if command not in VALID[self.mode]:
            self._say(now, self._not_now(), "hint")
            return
        getattr(self, f"_on_{command.value}")(now)

    def device_lost(self, now: float) -> None:
        """The microphone is gone: pause (keeping the place) and say so."""
        self.tick(now)
        if self.mode in (Mode.INTRO, Mode.INSTRUCTING, Mode.STROKING):
            self._resume_to = self.mode
            self._go("pause", now)
            self._emit(ev.Paused(now, "microphone"))
        if self.mode is not Mode.FINISHED:
            text = "I can't hear you: the microphone stopped. I'll keep trying to reconnect."
            self._say(now, text, "device")

    def device_back(self, now: float) -> None:
        """The microphone works again: the user carries on when ready."""
        self.tick(now)
        if self._paused():
            self._say(now, "I can hear you again. Say resume when you're ready.", "device")

    # ----------------------------------------------------------------- time
    def _cycle_len(self) -> float:
        return self.step.rhythm.cycle_seconds / self.pace

    def _paused(self) -> bool:
        return self.mode in (Mode.PAUSED, Mode.CONFIRMING_END)

    def _advance(self, now: float) -> None:
        dt = max(0.0, now - self._last)
        if self.mode is Mode.STROKING:
            self._cycles = min(self.step.cycles, self._cycles + dt / self._cycle_len())
        if self.mode in (Mode.INTRO, Mode.INSTRUCTING, Mode.STROKING):
            self._active += dt
        self._last = now

    def _on_deadline(self, now: float) -> None:
        if self.mode is Mode.INTRO:
            self._begin_step(0, now)
        elif self.mode is Mode.INSTRUCTING:
            self._phase_end = None
            self._go("stroke", now)
        elif self._beats / len(self.step.rhythm.cues) >= self.step.cycles - _EPS:
            self._cycles = self.step.cycles
            self._step_done(now)
        else:
            self._beat(now)

    def _beat(self, now: float) -> None:
        cues = self.step.rhythm.cues
        beat, cycle = self._beats % len(cues), self._beats // len(cues)
        self._cycles = max(self._cycles, self._beats / len(cues))
        self._beats += 1
        if beat == 0 and self._active >= self._next_check - _EPS and cycle > 0:
            self._next_check = self._active + self.routine.check_in.every_seconds
            self._say(now, self.routine.check_in.text, "check_in")
        else:
            self._emit(ev.Cue(now, cues[beat], beat, cycle + 1))

    def _step_done(self, now: float) -> None:
        if self.step.id not in self._completed:
            self._completed.append(self.step.id)
        if self._index + 1 < len(self.routine.steps):
            self._begin_step(self._index + 1, now)
        else:
            self._finish(now, self.routine.closing)

    # ----------------------------------------------------------------- moves
    def _go(self, event: str, now: float) -> None:
        before = self.mode
        self._flow.send(event)
        if self.mode is not before:
            self._mode_changed(now)

    def _mode_changed(self, now: float) -> None:
        self._emit(ev.ModeChanged(now, self.mode.value))

    def _say_intro(self, now: float) -> None:
        if self.mode is not Mode.INTRO:
            self._go("restart_intro", now)
        self._say(now, self.routine.intro, "intro")
        self._phase_end = now + timing.speech_seconds(self.routine.intro, self.pace)

    def _instruct(self, now: float, text: str, kind: str) -> None:
        self._go("instruct", now)
        self._say(now, text, kind)
        self._phase_end = now + timing.speech_seconds(text, self.pace)

    def _begin_step(self, index: int, now: float) -> None:
        if self._paused():
            self._emit(ev.Resumed(now))
        self._index, self._cycles, self._beats, self._tips_given = index, 0.0, 0, 0
        step = self.step
        self._emit(ev.StepStarted(now, step.id, index, step.name))
        self._instruct(now, step.instruction, "instruction")

    def _finish(self, now: float, closing: str) -> None:
        self._phase_end = None
        self._go("finish", now)
        done, total = len(self._completed), len(self.routine.steps)
        summary = (
            f"{closing} You did {done} of {total} steps in "
            f"{timing.spoken_duration(self._active).removeprefix('about ')}."
        )
        self._say(now, summary, "summary")
        complete = done == total
        self._emit(ev.SessionEnded(now, complete, done, total, round(self._active, 3)))

    def _say(self, now: float, text: str, kind: str) -> None:
        self._emit(ev.Say(now, text, kind))

    def _emit(self, event: ev.Event) -> None:
        self._emit_cb(event)

    def _not_now(self) -> str:
        if self.mode is Mode.PAUSED:
            return "We're paused. Say resume to carry on."
        return "Say end session to finish, or resume to carry on."

    # ----------------------------------------------------------------- commands
    def _on_next(self, now: float) -> None:
        if self.mode is Mode.INTRO or (self._paused() and self._resume_to is Mode.INTRO):
            self._begin_step(0, now)
        elif self._index + 1 < len(self.routine.steps):
            self._begin_step(self._index + 1, now)
        else:
            self._finish(now, "That was the last step.")

    _on_skip = _on_next

    def _on_back(self, now: float) -> None:
        if self.mode is Mode.INTRO:
            self._say_intro(now)
            return
        if self._index == 0:
            self._say(now, "This is the first step. Starting it again.", "ack")
        self._begin_step(max(0, self._index - 1), now)

    def _on_repeat(self, now: float) -> None:
        if self.mode is Mode.INTRO:
            self._say_intro(now)
        elif self._paused():
            self._say(now, self.step.instruction, "instruction")
        else:
            self._instruct(now, self.step.instruction, "instruction")

    def _on_slower(self, now: float) -> None:
        self._set_pace(
            now, timing.slower(self.pace), "Easing the pace.", "This is the slowest pace."
        )

    def _on_faster(self, now: float) -> None:
        self._set_pace(
            now, timing.faster(self.pace), "Picking up the pace.", "This is the fastest pace."
        )

    def _set_pace(self, now: float, pace: float, ack: str, limit: str) -> None:
        if pace == self.pace:
            self._say(now, limit, "ack")
            return
        self.pace = pace
        self._emit(ev.PaceChanged(now, pace))
        self._say(now, ack, "ack")

    def _on_pause(self, now: float) -> None:
        self._resume_to = self.mode
        self._go("pause", now)
        self._emit(ev.Paused(now, "pause"))
        self._say(now, "Paused. Say resume when you're ready.", "ack")

    def _on_stop(self, now: float) -> None:
        if not self._paused():
            self._resume_to = self.mode
            self._emit(ev.Paused(now, "stop"))
        self._go("ask_end", now)
        self._say(now, "Stopped. Say end session to finish, or resume to carry on.", "ack")

    def _on_resume(self, now: float) -> None:
        self._emit(ev.Resumed(now))
        if self._resume_to is Mode.INTRO:
            self._say_intro(now)
        elif self._resume_to is Mode.INSTRUCTING and self._cycles == 0:
            self._instruct(now, self.step.instruction, "instruction")
        else:
            self._instruct(now, self.step.resume_line, "reminder")

    def _on_help(self, now: float) -> None:
        if self._paused():
            options = "You can say resume, repeat, next, back, how long, or end session."
            self._say(now, options, "help")
            return
        tips = self.step.tips
        tip = tips[self._tips_given % len(tips)]
        self._tips_given += 1
        options = "You can say next, back, repeat, slower, faster, pause, softer, firmer, "
        self._say(now, f"{tip} {options}what's next, how long, or end session.", "help")

    def _on_softer(self, now: float) -> None:
        self._set_pressure(now, -1, self.step.softer)

    def _on_firmer(self, now: float) -> None:
        self._set_pressure(now, +1, self.step.firmer)

    def _set_pressure(self, now: float, delta: int, advice: str) -> None:
        level = max(-PRESSURE_LIMIT, min(PRESSURE_LIMIT, self.pressure + delta))
        if level != self.pressure:
            self.pressure = level
            self._emit(ev.PressureChanged(now, level))
        self._say(now, advice, "pressure")

    def _on_whats_next(self, now: float) -> None:
        steps = self.routine.steps
        if self.mode is Mode.INTRO:
            text = f"First: {steps[0].name}, on the {steps[0].region}."
        elif self._index + 1 < len(steps):
            following = steps[self._index + 1]
            text = f"Next: {following.name}, on the {following.region}."
        else:
            text = "This is the last step. After it, we finish."
        self._say(now, text, "info")

    def _on_time_left(self, now: float) -> None:
        left = timing.spoken_duration(self.remaining_seconds(now))
        self._say(now, f"{left[0].upper()}{left[1:]} left.", "info")

    def _on_louder(self, now: float) -> None:
        self._set_volume(
            now, timing.louder(self.volume), "Turning my voice up.", "This is my loudest."
        )

    def _on_quieter(self, now: float) -> None:
        self._set_volume(
            now, timing.quieter(self.volume), "Turning my voice down.", "This is my quietest."
        )

    def _set_volume(self, now: float, volume: float, ack: str, limit: str) -> None:
        if volume != self.volume:
            self.volume = volume
            self._emit(ev.VolumeChanged(now, volume))
            self._say(now, ack, "ack")
        else:
            self._say(now, limit, "ack")

    def _on_end(self, now: float) -> None:
        self._finish(now, "Ending the session.")


def _first_check(routine: Routine) -> float:
    return routine.check_in.first_after_seconds


def _index_of(routine: Routine, state: SessionState) -> int:
    for i, step in enumerate(routine.steps):
        if step.id == state.step_id:
            return i
    return state.step_index
