"""Benchmark: CPU and memory of the whole app, speaking and listening, through the
PulseAudio loop (needs .ci/start_pulse.sh).

Runs ``massage-coach run back-massage`` (voice + hands-free listening) for SECONDS and
reads the process's CPU time and peak resident memory from /proc.
usage: python bench/app_cpu.py [SECONDS [RUN OPTIONS...]]  (e.g. ``240 --model DIR``)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_app(tmp: str, options: list[str]) -> subprocess.Popen[str]:
    """``massage-coach run back-massage`` (voice and hands-free listening, more ``run``
    ``options``) in the background, its session in ``tmp``, its events in ``tmp``/e.jsonl."""
    os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp/massage-coach-xdg")
    cmd = [
        sys.executable,
        "-m",
        "skill.cli",
        "run",
        "back-massage",
        "--state-file",
        f"{tmp}/s.json",
        "--events",
        f"{tmp}/e.jsonl",
        *options,
    ]
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    with tempfile.TemporaryDirectory() as tmp:
        app = start_app(tmp, sys.argv[2:])
        time.sleep(5.0)  # start-up: imports, model load, streams opening
        start_cpu, start = cpu_seconds(app.pid), time.monotonic()
        time.sleep(seconds)
        used, wall = cpu_seconds(app.pid) - start_cpu, time.monotonic() - start
        rss = peak_rss_mb(app.pid)
        app.terminate()
        _, err = app.communicate(timeout=10)
        listening = "Voice control is off" not in err
    print("| whole app, back-massage, speaking and listening | seconds | CPU RTF | peak RSS MB |")
    print("|---|---|---|---|")
    print(
        f"| {'listening' if listening else 'NOT listening'} | {wall:.0f} | {used / wall:.3f} "
        f"| {rss:.0f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
