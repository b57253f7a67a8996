"""The voice's commands, registered on a fresh Typer app (as the lead's CLI does)."""

from __future__ import annotations

import json
import shutil
import wave
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from skill.loading import load_routine
from skill.speech.cli import register

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("MASSAGE_COACH_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    a = typer.Typer()
    register(a)
    return a


@needs_espeak
@pytest.mark.tts
def test_voices_lists_english_voices(app: typer.Typer) -> None:
    out = CliRunner().invoke(app, ["voices"]).output
    assert "gmw/en-us" in out and "English (America)" in out
    assert "vi-vn" not in out


@needs_espeak
@pytest.mark.tts
def test_render_events_file(app: typer.Typer, tmp_path: Path) -> None:
    events = [
        {"t": 0.0, "type": "say", "text": "Warm up the back.", "kind": "instruction"},
        {"t": 3.0, "type": "cue", "text": "up", "beat": 1, "cycle": 1},
        {
            "t": 6.0,
            "type": "session_ended",
            "completed": True,
            "steps_done": 1,
            "steps_total": 1,
            "elapsed": 6.0,
        },
    ]
    src = tmp_path / "events.json"
    src.write_text(json.dumps(events))
    out = tmp_path / "s.wav"
    result = CliRunner().invoke(app, ["render", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with wave.open(str(out)) as w:
        assert w.getframerate() == 16000 and abs(w.getnframes() / 16000 - 6.5) < 0.01
    assert "1 lines, 1 cues" in result.output


def test_bad_flag_value_is_a_clear_error(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["render", "x.json", "-o", str(tmp_path / "o.wav"), "--volume", "7"]
    )
    assert result.exit_code == 1 and "volume" in result.output


@needs_espeak
@pytest.mark.tts
def test_rendered_back_massage_is_close_to_its_nominal_length(
    app: typer.Typer, tmp_path: Path
) -> None:
    out = tmp_path / "back.wav"
    result = CliRunner().invoke(app, ["render", "back-massage", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with wave.open(str(out)) as w:
        seconds = w.getnframes() / w.getframerate()
    nominal = load_routine("back-massage").nominal_seconds()
    assert abs(seconds - nominal) <= 0.15 * nominal, (seconds, nominal)
