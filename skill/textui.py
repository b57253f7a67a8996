"""Text mode: typed commands in, spoken lines printed, a live status panel.

On a terminal the keyboard is read key by key (the typed line is shown inside the
panel, so screen refreshes never eat it); with piped input, line by line.
"""

from __future__ import annotations

import os
import select
import sys
import termios
import threading
import tty
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table

from skill import timing
from skill.commands import Command, parse
from skill.events import Cue, Event, Say, SessionEnded
from skill.runner import Heard, Runner

Put = Callable[[Heard], None]


class TextView:
    """Event sink that prints what the coach says, plus a live panel of the session."""

    def __init__(
        self, runner: Runner, console: Console, level: Callable[[], float] | None = None
    ) -> None:
        self._runner = runner
        self._console = console
        self._level = level
        self.typed = ""
        self.last_command = "-"
        self.notice = ""

    def __call__(self, event: Event) -> None:
        if isinstance(event, Say):
            self._console.print(f"[bold cyan]Coach:[/] {event.text}")
        elif isinstance(event, Cue):
            self._console.print(f"  [dim]♪ {event.text}[/]")
        elif event.type == "command":
            self.last_command = str(event.to_dict()["command"])
        elif isinstance(event, SessionEnded):
            self._console.print("[bold green]Session ended.[/]")

    def __rich__(self) -> Panel:
        session = self._runner.session
        routine = session.routine
        step = session.step
        done = session.step_index + session.step_fraction
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", justify="right")
        grid.add_column()
        grid.add_row("Step", f"{session.step_index + 1}/{len(routine.steps)} {step.name}")
        grid.add_row("Region", step.region)
        grid.add_row("", ProgressBar(total=1.0, completed=session.step_fraction, width=40))
        grid.add_row("Overall", ProgressBar(total=len(routine.steps), completed=done, width=40))
        left = timing.spoken_duration(session.remaining_seconds(self._runner.now()))
        grid.add_row("Mode", f"{session.mode.value}   time left: {left}")
        grid.add_row(
            "Pace",
            f"x{session.pace:.2f}   pressure: {session.pressure:+d}   volume: {session.volume:.2f}",
        )
        grid.add_row("Heard", self.last_command)
        if self._level is not None:
            db = max(-60.0, min(0.0, self._level()))
            grid.add_row("Mic", ProgressBar(total=60, completed=db + 60, width=40))
        grid.add_row("Type", f"{self.typed}█   [dim]{self.notice}[/]")
        return Panel(grid, title=routine.title, subtitle="type a command, Enter; help")


def submit(line: str, put: Put, view: TextView) -> None:
    """Parse one typed line and hand the command to the runner."""
    command = parse(line)
    if command is None:
        view.notice = f"not a command: {line!r} (try help)" if line.strip() else ""
        return
    view.notice = ""
    put(Heard(command, line.strip()))


def read_keys(stream: TextIO, put: Put, view: TextView, stop: threading.Event) -> None:
    """Key by key from a terminal; Enter submits, Backspace deletes."""
    fd = stream.fileno()
    while not stop.is_set():
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        char = os.read(fd, 1).decode(errors="ignore")
        if char in ("\r", "\n"):
            submit(view.typed, put, view)
            view.typed = ""
        elif char in ("\x7f", "\b"):
            view.typed = view.typed[:-1]
        elif char == "\x04":
            put(Heard(Command.STOP, "ctrl-d"))
        elif char.isprintable():
            view.typed += char


def read_lines(stream: TextIO, put: Put, view: TextView, stop: threading.Event) -> None:
    """Line by line from a pipe or file."""
    for line in stream:
        if stop.is_set():
            return
        submit(line, put, view)


@contextmanager
def cbreak(stream: TextIO) -> Iterator[None]:
    """Keys arrive one at a time, without echo, while the panel is live."""
    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        new = termios.tcgetattr(fd)
        new[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSADRAIN, new)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def run_text(runner: Runner, console: Console, view: TextView, stdin: TextIO = sys.stdin) -> None:
    """Run the session with typed commands until it ends."""
    stop = threading.Event()
    interactive = stdin.isatty() and console.is_terminal
    reader = read_keys if interactive else read_lines
    thread = threading.Thread(
        target=reader, args=(stdin, runner.inbox.put, view, stop), daemon=True, name="keyboard"
    )
    try:
        if interactive:
            with cbreak(stdin), Live(view, console=console, refresh_per_second=4) as live:
                thread.start()
                runner.run(idle=live.refresh)
        else:
            thread.start()
            runner.run()
    finally:
        stop.set()
