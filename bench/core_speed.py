"""Benchmark: how fast the pure core runs whole sessions on the virtual clock.

Prints a Markdown table for the README. Goal (issue 2): `simulate` finishes a whole
session in well under a second.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from skill.commands import Command
from skill.loading import load_routine, routine_files
from skill.simulate import simulate

SCRIPT = [(60.0, Command.PAUSE), (70.0, Command.RESUME), (130.0, Command.SLOWER)]


def main() -> None:
    print("| routine | nominal min | events | core, median of 20 (ms) | CLI incl. start-up (ms) |")
    print("|---|---|---|---|---|")
    for path in routine_files():
        routine = load_routine(path)
        times = []
        for _ in range(20):
            t0 = time.perf_counter()
            events = simulate(routine, SCRIPT)
            times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "skill.cli", "simulate", routine.id],
            check=True,
            capture_output=True,
        )
        cli = (time.perf_counter() - t0) * 1000
        print(
            f"| {routine.id} | {routine.nominal_seconds() / 60:.1f} | {len(events)} "
            f"| {statistics.median(times):.1f} | {cli:.0f} |"
        )


if __name__ == "__main__":
    main()
