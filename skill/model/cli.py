"""Command-line commands of the model package: ``transcribe`` and ``models install|list``.

The app calls :func:`register` on its typer app.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from skill.model import install as installer
from skill.model.manifest import ModelError
from skill.model.transcribe import DEFAULT_MODEL, FileDetection, recognizer, transcribe

models_app = typer.Typer(help="Install and list speech models.", no_args_is_help=True)


def resolve_model(model: str | None) -> Path:
    """A model path, or the name of an installed model, or the shipped default."""
    if model is None:
        return DEFAULT_MODEL
    p = Path(model)
    if p.is_dir():
        return p
    q = installer.models_dir() / model
    if q.is_dir():
        return q
    raise ModelError(
        f"no model {model!r}: not a directory and not installed (see `massage-coach models list`)"
    )


def transcribe_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(help="audio files: WAV, FLAC, OGG or MP3, any sample rate and channels"),
    ],
    json_out: Annotated[bool, typer.Option("--json", help="one JSON line per command")] = False,
    model: Annotated[
        str | None, typer.Option("--model", help="model dir or installed name")
    ] = None,
) -> None:
    """Find the spoken commands in audio files, streamed like the live microphone. A file
    that cannot be read is reported and skipped; the exit status is then 2."""
    try:
        rec = recognizer(resolve_model(model))
    except ModelError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    failed = False
    for path in files:
        try:
            for fd in transcribe(rec, path):
                typer.echo(json.dumps(fd.as_json()) if json_out else _line(fd))
        except ModelError as e:
            typer.echo(f"error: {e}", err=True)
            failed = True
    if failed:
        raise typer.Exit(2)


def _line(fd: FileDetection) -> str:
    d = fd.detection
    return f"{fd.file}\t{d.start:6.2f}-{d.end:6.2f}\t{d.command.value}\t{d.text}"


@models_app.command("install")
def install_cmd(
    name: Annotated[str, typer.Argument(help="official model, e.g. vosk-model-small-en-us-0.15")],
    sha256: Annotated[str | None, typer.Option(help="expected sha256 of the zip")] = None,
    base_url: Annotated[str, typer.Option(help="download mirror")] = installer.BASE_URL,
) -> None:
    """Download an official Vosk model, verify its size and sha256, and unpack it."""
    try:
        dest = installer.install(name, base_url=base_url, sha256=sha256)
    except ModelError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    typer.echo(f"installed {name} to {dest}; use it with --model {name}")


@models_app.command("list")
def list_cmd() -> None:
    """Show the shipped model, installed models and installable official models."""
    typer.echo(f"shipped:   {DEFAULT_MODEL}")
    for p in installer.installed():
        typer.echo(f"installed: {p.name}  ({p})")
    for name, m in installer.CATALOG.items():
        typer.echo(f"available: {name}  (~{m.size_mb:g} MB)")


def register(app: typer.Typer) -> None:
    """Add ``transcribe`` and the ``models`` group to the app's typer CLI."""
    app.command("transcribe")(transcribe_cmd)
    app.add_typer(models_app, name="models")
