"""The voice's commands: ``voices``, ``say`` and ``render``. The lead's CLI calls
:func:`register`; this module never creates the app itself."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import CoachError
from ..events import Event, from_dict
from .errors import SpeechError
from .settings import VoiceSettings, load_settings

VoiceOpt = Annotated[str | None, typer.Option("--voice", help="voice id (see `voices`)")]
RateOpt = Annotated[int | None, typer.Option("--rate", help="words per minute at pace 1.0")]
VolumeOpt = Annotated[float | None, typer.Option("--volume", help="0.1-1.0")]
CueOpt = Annotated[str | None, typer.Option("--cue-style", help='"words" or "tick"')]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="config file (TOML)")]


def settings_from_flags(config: Path | None = None, **flags: Any) -> VoiceSettings:
    """The one way commands build settings: config file, then the flags given."""
    return load_settings(config, **flags)


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"massage-coach: {message}", err=True)
    return typer.Exit(code)


def list_voices(english_only: bool = True) -> list[tuple[str, str, str]]:
    """(id, name, language) of the voices pyttsx3 can use here, MBROLA ones included."""
    from .tts import Pyttsx3Tts

    engine = Pyttsx3Tts("gmw/en-us")._engine
    found = [(v.id, v.name, (v.languages or [""])[0]) for v in engine.getProperty("voices")]
    mbrola = Path("/usr/share/mbrola")
    if mbrola.is_dir():  # espeak-ng lists MBROLA voices only when asked by name
        found += [
            (f"mb/mb-{d.name}", f"MBROLA {d.name}", d.name[:2])
            for d in sorted(mbrola.iterdir())
            if (d / d.name).exists()
        ]
    keep = [v for v in found if not english_only or v[2].startswith("en")]
    return sorted(keep)


def register(app: typer.Typer) -> None:
    """Add ``voices``, ``say`` and ``render`` to the project's Typer ``app``."""

    @app.command()
    def voices(
        all_languages: Annotated[bool, typer.Option("--all", help="not only English")] = False,
    ) -> None:
        """List the voices you can pass to --voice."""
        for vid, name, lang in list_voices(english_only=not all_languages):
            typer.echo(f"{vid:28} {lang:16} {name}")

    @app.command()
    def say(
        text: str,
        voice: VoiceOpt = None,
        rate: RateOpt = None,
        volume: VolumeOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Speak TEXT with the coach's voice."""
        from .live import LiveSpeaker

        try:
            s = settings_from_flags(config, voice=voice, rate=rate, volume=volume)
            speaker = LiveSpeaker(s)
        except SpeechError as err:
            typer.echo(text)
            raise _fail(str(err)) from err
        try:
            speaker.say(text)
            deadline = time.monotonic() + 5 + len(text.split()) * 60 / 80
            while speaker.speaking and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(speaker.player.latency + 0.05)  # let the stream's buffer play out
        finally:
            speaker.close()

    @app.command()
    def render(
        routine: Annotated[str, typer.Argument(help="routine name/file, or events .json")],
        output: Annotated[Path, typer.Option("-o", "--output", help="WAV file to write")],
        voice: VoiceOpt = None,
        rate: RateOpt = None,
        volume: VolumeOpt = None,
        cue_style: CueOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Render a whole session at normal pace into one WAV file."""
        from rich.progress import Progress

        from .pcm import write_wav
        from .render import render_events
        from .settings import cache_dir
        from .tts import CachedTts, Pyttsx3Tts

        try:
            s = settings_from_flags(
                config, voice=voice, rate=rate, volume=volume, cue_style=cue_style
            )
            events, nominal = _session_events(routine)
            tts = CachedTts(Pyttsx3Tts(s.voice), cache_dir() if s.cache else None)
            with Progress(transient=True) as bar:
                task = bar.add_task("rendering", total=len(events))
                done = render_events(events, tts, s, lambda i, n: bar.update(task, completed=i))
            write_wav(output, done.pcm)
        except CoachError as err:  # routine problems and speech problems alike
            raise _fail(str(err)) from err
        summary = (
            f"wrote {output}: {done.pcm.seconds / 60:.1f} min, {done.lines} lines, "
            f"{done.cues} cues ({done.cues_skipped} dropped: speech still playing), "
            f"latest line {done.max_drift:.1f} s after its time"
        )
        if nominal:
            summary += f"; routine nominal {nominal / 60:.1f} min"
        typer.echo(summary)


def _session_events(routine: str) -> tuple[list[Event], float | None]:
    """Events of a whole session at normal pace, and the routine's nominal length."""
    if routine.endswith((".json", ".jsonl")):
        text = Path(routine).read_text(encoding="utf-8")
        rows = (
            json.loads(text)
            if text.lstrip().startswith("[")
            else [json.loads(line) for line in text.splitlines() if line.strip()]
        )
        return [from_dict(r) for r in rows], None
    from ..loading import load_routine
    from ..simulate import simulate

    loaded = load_routine(routine)
    return simulate(loaded, at=[]), loaded.nominal_seconds()
