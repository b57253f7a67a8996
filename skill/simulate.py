"""Run a whole session on a virtual clock: scripted commands in, timed events out."""

from __future__ import annotations

from collections.abc import Iterable

from skill.commands import Command
from skill.events import Event
from skill.routine import Routine
from skill.session import Session

#: A session that has not ended after this many virtual hours is stuck.
MAX_VIRTUAL_SECONDS = 6 * 3600.0


class StuckSession(RuntimeError):
    """The session stopped scheduling anything and no scripted command is left to move it."""


def simulate(routine: Routine, at: Iterable[tuple[float, Command]] = ()) -> list[Event]:
    """Drive ``routine`` from start to end, obeying ``at`` = [(seconds, command), ...].

    Returns every event with its virtual time. Raises :class:`StuckSession` when the
    session waits forever (e.g. paused with no "resume" left in the script).
    """
    out: list[Event] = []
    session = Session(routine, out.append)
    session.start(0.0)
    script = sorted(at, key=lambda item: item[0])
    pending = 0
    while not session_over(out):
        deadline = session.next_deadline()
        due = script[pending][0] if pending < len(script) else None
        if due is not None and (deadline is None or due <= deadline):
            session.command(script[pending][1], max(due, 0.0))
            pending += 1
        elif deadline is not None:
            session.tick(deadline)
        else:
            raise StuckSession(f"session waits in mode '{session.mode.value}' with nothing to do")
        if out and out[-1].t > MAX_VIRTUAL_SECONDS:
            raise StuckSession("session did not end within 6 virtual hours")
    return out


def session_over(events: list[Event]) -> bool:
    return bool(events) and events[-1].type == "session_ended"
