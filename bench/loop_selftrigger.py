"""Benchmark: self-triggers in the first seconds of a session, through the real PulseAudio loop
(needs .ci/start_pulse.sh).

The simulated room of bench/listen_bench.py warms the echo canceller on 10 s of the coach
before it counts; in the app the canceller starts from nothing at every start, and in the
PulseAudio loop the coach's own "lower" and "wait" were obeyed in its first seconds (README,
hands-free control). This starts ``massage-coach run back-massage`` RUNS times, lets each
speak and listen for SECONDS with nobody else in the room, and counts the commands it
obeyed: every one is the coach's own voice.

usage: python bench/loop_selftrigger.py [RUNS] [SECONDS]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from app_cpu import start_app


def commands_obeyed(events: Path) -> list[str]:
    if not events.exists():
        return []
    lines = events.read_text(encoding="utf-8").splitlines()
    found = [json.loads(line) for line in lines if line.strip()]
    return [str(e["command"]) for e in found if e.get("type") == "command"]


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 40.0
    fired: list[list[str]] = []
    listening = True
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            app = start_app(tmp)
            time.sleep(seconds)
            app.terminate()
            _, err = app.communicate(timeout=20)
            listening = listening and "Voice control is off" not in err
            fired.append(commands_obeyed(Path(tmp) / "e.jsonl"))
    total = sum(len(f) for f in fired)
    which = ", ".join(f"run {i + 1}: {' '.join(f)}" for i, f in enumerate(fired) if f)
    title = f"self-triggers, first {seconds:.0f} s of a session, real loop"
    print(f"| {title} | starts | commands fired |")
    print("|---|---|---|")
    state = "listening" if listening else "NOT listening"
    print(f"| back-massage ({state}) | {runs} | {total}{f' ({which})' if which else ''} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
