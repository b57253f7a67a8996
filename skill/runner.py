"""The real-time loop: one thread owns the session, inputs arrive on a queue.

Keyboard and (later) microphone adapters put :class:`Heard` items on
:attr:`Runner.inbox`; the runner ticks the session at its deadlines, fans every
event out to the sinks (screen, speaker, event log) and saves the session state
after every change, so a crash or Ctrl-C never loses the user's place.
"""

from __future__ import annotations

import json
import logging
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from skill import persist
from skill.commands import Command, Mode
from skill.events import Event
from skill.routine import Routine
from skill.session import Session
from skill.state import SessionState

log = logging.getLogger(__name__)
Sink = Callable[[Event], None]

#: Longest wait between loop turns (keeps the screen's clock fresh).
MAX_WAIT = 0.25


@dataclass(frozen=True)
class Heard:
    """A command from an input adapter (keyboard or microphone)."""

    command: Command
    text: str = ""


@dataclass(frozen=True)
class Notice:
    """An adapter reports on itself: ``mic_lost`` (with why) or ``mic_back``."""

    kind: str
    detail: str = ""


class EventLog:
    """Sink that appends each event as one JSON line (``run --events FILE``)."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle

    def __call__(self, event: Event) -> None:
        self._handle.write(json.dumps(event.to_dict()) + "\n")
        self._handle.flush()


class Runner:
    """Drives a :class:`Session` against a clock, inputs and sinks until it ends."""

    def __init__(
        self,
        routine: Routine,
        state_file: Path | None,
        state: SessionState | None = None,
        clock: Callable[[], float] = time.monotonic,
        routine_file: str = "",
    ) -> None:
        self.inbox: queue.Queue[Heard | Notice] = queue.Queue()
        self._sinks: list[Sink] = []
        self._state_file = state_file
        self._clock = clock
        self._t0 = clock()
        self._dirty = False
        self._routine_file = routine_file
        self.session = Session(routine, self._dispatch, state)

    def add_sink(self, sink: Sink) -> None:
        """Send every future event to ``sink`` too (screen, speaker, event log)."""
        self._sinks.append(sink)

    def now(self) -> float:
        return self._clock() - self._t0

    def run(self, idle: Callable[[], None] = lambda: None) -> None:
        """Loop until the session ends; ``idle`` is called every turn (screen refresh)."""
        self.session.start(self.now())
        self._save()
        while self.session.mode is not Mode.FINISHED:
            self.step(self._wait_time())
            idle()
        if self._state_file is not None:
            persist.clear(self._state_file)

    def step(self, wait: float) -> None:
        """One turn: wait up to ``wait`` s for a command, then run the clock to now."""
        try:
            item = self.inbox.get(timeout=max(0.0, wait))
        except queue.Empty:
            self.session.tick(self.now())
        else:
            if isinstance(item, Heard):
                self.session.command(item.command, self.now(), item.text)
            elif item.kind == "mic_lost":
                self.session.device_lost(self.now())
            else:
                self.session.device_back(self.now())
        self._save()

    def _wait_time(self) -> float:
        deadline = self.session.next_deadline()
        if deadline is None:
            return MAX_WAIT
        return min(MAX_WAIT, deadline - self.now())

    def _dispatch(self, event: Event) -> None:
        self._dirty = True
        for sink in self._sinks:
            try:
                sink(event)
            except Exception:  # a broken screen or speaker must not end the massage
                log.exception("event sink failed on %s", event.type)

    def _save(self) -> None:
        if self._dirty and self._state_file is not None:
            state = self.session.snapshot()
            state.routine_file = self._routine_file
            persist.save(state, self._state_file)
        self._dirty = False
