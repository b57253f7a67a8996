"""Each file in fixtures/bad-routines states the error it must produce in its header."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.errors import RoutineError
from skill.loading import load_routine

BAD = sorted((Path(__file__).parent.parent / "fixtures" / "bad-routines").glob("*.yaml"))


def _expected(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if line.startswith("# expect"):
            key, _, value = line[2:].partition(":")
            out[key] = value.strip()
    return out


def test_there_are_bad_routine_fixtures() -> None:
    assert len(BAD) >= 8


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_routine_names_file_line_field_and_fix(path: Path) -> None:
    expected = _expected(path)
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    problem = caught.value.problems[0]
    assert problem.file == str(path)
    assert problem.line == int(expected["expect-line"])
    assert problem.field == expected["expect-field"]
    assert expected["expect"] in f"{problem.message}. Fix: {problem.fix}"
    assert problem.fix
    assert str(problem).startswith(f"{path}:{problem.line}:")


def test_all_problems_of_a_file_are_reported_at_once(tmp_path: Path) -> None:
    bad = tmp_path / "two.yaml"
    bad.write_text("id: two\ntitle: T\nsummary: S\nsafety: []\nsteps: []\ncolour: red\n")
    with pytest.raises(RoutineError) as caught:
        load_routine(bad)
    fields = {p.field for p in caught.value.problems}
    assert fields == {"safety", "steps", "colour"}


def test_unknown_routine_name_lists_the_known_ones() -> None:
    with pytest.raises(RoutineError, match="use one of: back-massage"):
        load_routine("full-body")
