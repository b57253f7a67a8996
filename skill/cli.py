"""The commands users type. Wiring of the core and its adapters happens here only."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from skill import persist
from skill.commands import PHRASES, Command, parse
from skill.errors import CoachError
from skill.listen.aec import Reference, SpeexEcho
from skill.listen.hearing import Hangover, Hearing, Listening
from skill.listen.listener import Listener
from skill.listen.mic import Microphone
from skill.loading import load_routine, routine_files, schema
from skill.model.cli import register as register_model
from skill.model.cli import resolve_model
from skill.model.recognizer import CommandRecognizer
from skill.routine import Routine
from skill.runner import EventLog, Runner
from skill.simulate import simulate as run_simulation
from skill.speech.cli import ConfigOpt, CueOpt, RateOpt, VoiceOpt, VolumeOpt, settings_from_flags
from skill.speech.cli import register as register_speech
from skill.speech.errors import SpeechError
from skill.speech.live import open_voice
from skill.speech.player import import_sounddevice
from skill.speech.settings import VoiceSettings
from skill.speech.voice import Voice
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
    text: Annotated[
        bool, typer.Option("--text", help="Type commands instead of speaking them.")
    ] = False,
    silent: Annotated[
        bool, typer.Option("--silent", help="Print the coach, do not speak.")
    ] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Carry on the saved session.")] = False,
    events: Annotated[
        Path | None, typer.Option("--events", help="Write every event as a JSON line.")
    ] = None,
    state_file: Annotated[
        Path | None, typer.Option("--state-file", help="Where the session is saved.")
    ] = None,
    mic: Annotated[str | None, typer.Option("--mic", help="Input device (see devices).")] = None,
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Output device (see devices).")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Speech model dir or installed name.")
    ] = None,
    voice: VoiceOpt = None,
    rate: RateOpt = None,
    volume: VolumeOpt = None,
    cue_style: CueOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Walk through a massage. The session is saved after every step of the way."""
    path = state_file or persist.default_state_file()
    state = persist.load(path) if resume else None
    if resume and state is None:
        raise CoachError(f"No saved session in {path}. Start one: massage-coach run ROUTINE")
    source = state.routine_file or state.routine_id if state else routine
    loaded = load_routine(source)
    runner = Runner(loaded, path, state, routine_file=str(source))
    reference = Reference()
    settings = settings_from_flags(
        config, voice=voice, rate=rate, volume=volume, cue_style=cue_style
    )
    spoken = None if silent else _open_voice(settings, loaded, reference, speaker)
    listener = None if text else _start_listening(runner, spoken, reference, mic, model)
    view = TextView(runner, console, level=listener.level if listener else None)
    runner.add_sink(view)
    if spoken is not None:
        runner.add_sink(spoken.handle)
    log_file = events.open("a", encoding="utf-8") if events else None
    if log_file:
        runner.add_sink(EventLog(log_file))
    finished = False
    try:
        run_text(runner, console, view)
        finished = True
    except KeyboardInterrupt:
        err.print(f"\nSaved. Carry on later with: massage-coach run --resume  ({path})")
        raise typer.Exit(130) from None
    finally:
        if listener is not None:
            listener.stop()
        if spoken is not None:
            spoken.close(wait=20.0 if finished else 0.0)
        if log_file:
            log_file.close()


def _open_voice(
    settings: VoiceSettings, routine: Routine, reference: Reference, device: str | None
) -> Voice | None:
    """The coach's voice, or None (said on the screen) when it cannot speak here."""
    try:
        return open_voice(settings, routine, on_block=reference.push, device=device)
    except SpeechError as exc:
        err.print(f"[yellow]The coach cannot speak here ({exc}); it will print instead.[/]")
        return None


def _start_listening(
    runner: Runner,
    spoken: Voice | None,
    reference: Reference,
    device: str | None,
    model: str | None,
) -> Listener | None:
    """Hands-free control, or None (said on the screen) when it cannot listen here."""
    try:
        recognizer = CommandRecognizer(resolve_model(model))
        echo = SpeexEcho(reference) if spoken is not None else None
        mic = Microphone(device)
        mic.open()
    except CoachError as exc:
        err.print(f"[yellow]Voice control is off ({exc}). Type the commands instead.[/]")
        return None
    hangover = Hangover()

    def context() -> Listening:
        talking = spoken is not None and spoken.speaker.speaking
        saying = spoken.speaker.now_saying if spoken is not None else ""
        return Listening(runner.session.mode, hangover(talking, time.monotonic()), saying)

    hearing = Hearing(recognizer, context, echo, recognizer.listening_settings())
    listener = Listener(mic, hearing, runner.inbox.put)
    listener.start()
    return listener


@app.command()
def devices() -> None:
    """List the sound devices (for --mic and --speaker)."""
    sd = import_sounddevice()
    table = Table("#", "device", "inputs", "outputs", "default")
    default_in, default_out = sd.default.device
    for index, dev in enumerate(sd.query_devices()):
        mark = " ".join(
            name
            for name, hit in (("mic", index == default_in), ("speaker", index == default_out))
            if hit
        )
        table.add_row(
            str(index),
            dev["name"],
            str(dev["max_input_channels"]),
            str(dev["max_output_channels"]),
            mark,
        )
    console.print(table)


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


register_speech(app)
register_model(app)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except CoachError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
