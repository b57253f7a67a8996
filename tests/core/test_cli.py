"""The CLI as users type it (subprocesses of the installed console script)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from skill import persist
from skill.loading import BUNDLED_DIR
from skill.state import SessionState

FIXTURES = Path(__file__).parent.parent / "fixtures"


def coach(*args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skill.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_simulate_prints_one_json_event_per_line_in_well_under_a_second() -> None:
    started = time.monotonic()
    out = coach(
        "simulate",
        "back-massage",
        "--at",
        "60",
        "pause",
        "--at",
        "70",
        "resume",
        "--at",
        "80",
        "end session",
    )
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert all({"t", "type"} <= e.keys() for e in events)
    assert [e["command"] for e in events if e["type"] == "command"] == ["pause", "resume", "end"]
    assert events[-1]["type"] == "session_ended"
    assert {"paused", "resumed", "say", "step_started"} <= {e["type"] for e in events}
    assert time.monotonic() - started < 10  # includes interpreter start-up


def test_simulate_without_commands_runs_to_the_end() -> None:
    out = coach("simulate", "quick-back")
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert events[-1] == {**events[-1], "type": "session_ended", "completed": True}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "ten", "next"], "SECONDS must be a number"),
        (["--at", "10", "dance"], "not a command"),
        (["--at", "10"], "expected '--at SECONDS COMMAND'"),
    ],
)
def test_simulate_bad_script_is_explained(args: list[str], message: str) -> None:
    out = coach("simulate", "quick-back", *args)
    assert out.returncode == 2
    assert message in out.stderr


def test_validate_reports_every_bad_file_and_fails() -> None:
    bad = sorted(str(p) for p in (FIXTURES / "bad-routines").glob("*.yaml"))
    good = str(BUNDLED_DIR / "quick-back.yaml")
    out = coach("validate", good, *bad)
    assert out.returncode == 1
    assert f"{good}: ok" in out.stdout
    for path in bad:
        assert path in out.stderr.replace("\n", "")


def test_list_and_show() -> None:
    listed = coach("list")
    assert "back-massage" in listed.stdout and "neck-and-shoulders" in listed.stdout
    shown = coach("show", "quick-back")
    assert "Knead" in shown.stdout and "Total at normal pace" in shown.stdout


def test_run_text_with_piped_commands_logs_events_and_forgets_a_finished_session(
    tmp_path: Path,
) -> None:
    state, log = tmp_path / "session.json", tmp_path / "events.jsonl"
    out = coach(
        "run",
        "quick-back",
        "--text",
        "--silent",
        "--state-file",
        str(state),
        "--events",
        str(log),
        stdin="next\nhow long\nbanana\nend session\n",
    )
    assert out.returncode == 0, out.stderr
    assert "Coach:" in out.stdout
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["command"] for e in events if e["type"] == "command"] == ["next", "time_left", "end"]
    assert events[-1]["type"] == "session_ended"
    assert not state.exists()


def test_run_resume_continues_where_the_saved_state_left_off(tmp_path: Path) -> None:
    state = tmp_path / "session.json"
    persist.save(
        SessionState(
            routine_id="quick-back",
            routine_file="quick-back",
            step_index=2,
            step_id="shoulder-kneading",
            cycles_done=7.0,
            beats_done=14,
            pace=1.25,
            mode="stroking",
            resume_to="stroking",
        ),
        state,
    )
    out = coach(
        "run",
        "--resume",
        "--text",
        "--silent",
        "--state-file",
        str(state),
        stdin="resume\nend session\n",
    )
    assert out.returncode == 0, out.stderr
    assert "Welcome back. We were on step 3 of 5, Knead the shoulders." in out.stdout


def test_resume_without_a_saved_session_says_what_to_do(tmp_path: Path) -> None:
    out = coach(
        "run", "--resume", "--text", "--silent", "--state-file", str(tmp_path / "none.json")
    )
    assert out.returncode == 2
    assert "No saved session" in out.stderr and "massage-coach run ROUTINE" in out.stderr
