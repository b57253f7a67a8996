"""The commands users type. Wiring of the core and its adapters happens here only."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from skill import persist
from skill.commands import PHRASES, Command, parse
from skill.errors import CoachError
from skill.loading import load_routine, routine_files, schema
from skill.runner import EventLog, Runner
from skill.simulate import simulate as run_simulation
from skill.textui import TextView, run_text

app = typer.Typer(
    help="massage-coach: an offline, hands-free voice coach for giving a massage.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)
DEFAULT_ROUTINE = "back-massage"


@app.command("list")
def list_routines() -> None:
    """List the routines you can run."""
    table = Table("routine", "title", "steps", "minutes")
    for path in routine_files():
        routine = load_routine(path)
        minutes = f"{routine.nominal_seconds() / 60:.0f}"
        table.add_row(routine.id, routine.title, str(len(routine.steps)), minutes)
    console.print(table)


@app.command()
def show(routine: Annotated[str, typer.Argument(help="Routine name or file.")]) -> None:
    """Show a routine's steps and their durations at normal pace."""
    loaded = load_routine(routine)
    console.print(f"[bold]{loaded.title}[/] ({loaded.id}): {loaded.summary}")
    table = Table("#", "step", "region", "length", "rhythm", "seconds")
    for i, step in enumerate(loaded.steps, 1):
        length = f"{step.repetitions} strokes" if step.repetitions else f"{step.seconds:g} s"
        rhythm = f"{' / '.join(step.rhythm.cues)} ({step.rhythm.cycle_seconds:g} s)"
        seconds = f"{step.nominal_seconds():.0f}"
        table.add_row(str(i), step.name, step.region, length, rhythm, seconds)
    console.print(table)
    console.print(f"Total at normal pace: {loaded.nominal_seconds() / 60:.1f} minutes")


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="Routine files.")]) -> None:
    """Check routine files; print every problem with its file, line and field."""
    failed = 0
    for path in files:
        try:
            routine = load_routine(path)
        except CoachError as exc:
            failed += 1
            err.print(str(exc), markup=False, highlight=False)
        else:
            console.print(f"{path}: ok ({routine.id}, {len(routine.steps)} steps)")
    if failed:
        raise typer.Exit(1)


@app.command("schema")
def print_schema() -> None:
    """Print the JSON Schema of routine files (routines/schema.json)."""
    sys.stdout.write(json.dumps(schema(), indent=2) + "\n")


@app.command()
def commands() -> None:
    """List every command and the phrases that say it."""
    for command in Command:
        console.print(f"[bold]{command.value}[/]: " + ", ".join(f'"{p}"' for p in PHRASES[command]))


@app.command()
def run(
    routine: Annotated[str, typer.Argument(help="Routine name or file.")] = DEFAULT_ROUTINE,
    text: Annotated[bool, typer.Option("--text", help="Typed commands, printed speech.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Carry on the saved session.")] = False,
    events: Annotated[
        Path | None, typer.Option("--events", help="Write every event as a JSON line.")
    ] = None,
    state_file: Annotated[
        Path | None, typer.Option("--state-file", help="Where the session is saved.")
    ] = None,
) -> None:
    """Walk through a massage. The session is saved after every step of the way."""
    path = state_file or persist.default_state_file()
    state = persist.load(path) if resume else None
    if resume and state is None:
        raise CoachError(f"No saved session in {path}. Start one: massage-coach run ROUTINE")
    source = state.routine_file or state.routine_id if state else routine
    loaded = load_routine(source)
    if not text:
        err.print("Voice control is not built yet: running in text mode (type commands).")
    runner = Runner(loaded, path, state, routine_file=str(source))
    view = TextView(runner, console)
    runner.add_sink(view)
    log_file = events.open("a", encoding="utf-8") if events else None
    if log_file:
        runner.add_sink(EventLog(log_file))
    try:
        run_text(runner, console, view)
    except KeyboardInterrupt:
        err.print(f"\nSaved. Carry on later with: massage-coach run --resume  ({path})")
        raise typer.Exit(130) from None
    finally:
        if log_file:
            log_file.close()


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def simulate(
    ctx: typer.Context,
    routine: Annotated[str, typer.Argument(help="Routine name or file.")],
) -> None:
    """Run a whole session on a virtual clock; print one JSON event per line.

    Give commands with --at SECONDS COMMAND (repeatable), e.g. --at 30 next
    --at 95 pause --at 100 resume --at 400 "end session".
    """
    for event in run_simulation(load_routine(routine), parse_script(ctx.args)):
        sys.stdout.write(json.dumps(event.to_dict()) + "\n")


def parse_script(args: list[str]) -> list[tuple[float, Command]]:
    """``--at SECONDS COMMAND ...`` -> [(seconds, command), ...], with clear errors."""
    script: list[tuple[float, Command]] = []
    rest = list(args)
    while rest:
        if rest[0] != "--at" or len(rest) < 3:
            raise CoachError(f"expected '--at SECONDS COMMAND', got {' '.join(rest[:3])!r}")
        _, seconds, said, *rest = rest
        try:
            when = float(seconds)
        except ValueError:
            raise CoachError(
                f"--at {seconds}: SECONDS must be a number, e.g. --at 30 next"
            ) from None
        command = parse(said)
        if command is None:
            names = ", ".join(c.value for c in Command)
            raise CoachError(f"--at {seconds} {said!r}: not a command; use one of: {names}")
        script.append((when, command))
    return script


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except CoachError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
