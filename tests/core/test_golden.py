"""A scripted back-massage session compared, event by event, with a checked-in transcript.

Regenerate after an intended change with: UPDATE_GOLDEN=1 pytest tests/core/test_golden.py
and review the diff of tests/golden/back-massage.jsonl.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from skill.commands import Command
from skill.routine import Routine
from skill.simulate import simulate

GOLDEN = Path(__file__).parent.parent / "golden" / "back-massage.jsonl"

SCRIPT = [
    (60.0, Command.SOFTER),
    (95.0, Command.PAUSE),
    (110.0, Command.RESUME),
    (130.0, Command.SLOWER),
    (150.0, Command.NEXT),
    (170.0, Command.TIME_LEFT),
    (200.0, Command.REPEAT),
    (260.0, Command.FASTER),
    (262.0, Command.FASTER),
    (300.0, Command.HELP),
    (330.0, Command.WHATS_NEXT),
    (400.0, Command.BACK),
    (420.0, Command.STOP),
    (430.0, Command.RESUME),
    (500.0, Command.SKIP),
    (520.0, Command.FIRMER),
    (600.0, Command.QUIETER),
    (700.0, Command.STOP),
    (705.0, Command.END),
]


def test_back_massage_transcript_matches_golden(back_massage: Routine) -> None:
    lines = [json.dumps(e.to_dict()) for e in simulate(back_massage, SCRIPT)]
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text("\n".join(lines) + "\n")
    expected = GOLDEN.read_text().splitlines()
    for i, (got, want) in enumerate(zip(lines, expected, strict=False)):
        assert got == want, f"event {i} differs"
    assert len(lines) == len(expected)
