"""``massage-coach transcribe --json`` and ``models list`` through typer (register(app))."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import typer
from typer.testing import CliRunner

from skill.model.cli import register

from .conftest import DATA


def words(text: str) -> list[str]:
    """The words the recognizer heard: the text may hold ``[unk]``, unknown sound around the
    phrase that the listening rules allowed (a drawn-out last syllable)."""
    return [w for w in text.split() if w != "[unk]"]


def app() -> typer.Typer:
    a = typer.Typer()
    register(a)
    return a


def test_transcribe_json(model_dir: Path, tmp_path: Path) -> None:
    clip = DATA / "next__next__0.wav"
    silent = tmp_path / "silence.wav"
    shutil.copy(DATA / "pause__pause__1.wav", silent)
    with silent.open("r+b") as f:  # keep the header, zero the samples
        f.seek(44)
        f.write(bytes(silent.stat().st_size - 44))
    r = CliRunner().invoke(
        app(), ["transcribe", str(clip), str(silent), "--json", "--model", str(model_dir)]
    )
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["command"] for x in lines] == ["next"]
    assert lines[0]["file"] == str(clip) and words(lines[0]["text"]) == ["next"]
    assert 0.2 < lines[0]["start"] < lines[0]["end"] < 2.0


def test_transcribe_prints_a_line_per_command_without_json(model_dir: Path) -> None:
    clip = DATA / "next__next__0.wav"
    r = CliRunner().invoke(app(), ["transcribe", str(clip), "--model", str(model_dir)])
    assert r.exit_code == 0, r.output
    file, times, command, text = r.stdout.strip().split("\t")
    assert (file, command, words(text)) == (str(clip), "next", ["next"])
    start, end = (float(t) for t in times.split("-"))
    assert 0.2 < start < end < 2.0


def test_transcribe_reports_a_corrupt_model(model_copy: Path) -> None:
    conf = model_copy / "conf" / "model.conf"
    conf.write_text(conf.read_text().replace("--beam=10", "--beam=99"))  # same size
    r = CliRunner().invoke(
        app(),
        ["transcribe", str(DATA / "pause__pause__1.wav"), "--json", "--model", str(model_copy)],
    )
    assert r.exit_code == 2
    assert "model.conf" in r.output and "sha256" in r.output


def test_models_list() -> None:
    r = CliRunner().invoke(app(), ["models", "list"])
    assert r.exit_code == 0
    assert "vosk-model-small-en-us-0.15" in r.output
