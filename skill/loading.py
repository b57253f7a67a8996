"""Find routine files, parse their YAML and validate them, with file:line errors.

Every problem names the file, the line, the field (``steps[2].rhythm.cycle_seconds``)
and says how to fix it. All problems of a file are reported at once.
"""

from __future__ import annotations

import os
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from skill.commands import BARGE_IN, contains_phrase, phrases_for
from skill.errors import Problem, RoutineError
from skill.routine import Routine

Loc = tuple[str | int, ...]

#: Where the shipped routines live (a checkout or an editable install).
BUNDLED_DIR = Path(__file__).resolve().parent.parent / "routines"


def routine_dirs() -> list[Path]:
    """Folders searched for ``NAME.yaml``: $MASSAGE_COACH_ROUTINES (``:``-separated), bundled."""
    extra = os.environ.get("MASSAGE_COACH_ROUTINES", "")
    return [Path(p) for p in extra.split(os.pathsep) if p] + [BUNDLED_DIR]


def routine_files() -> list[Path]:
    """Every routine file found, first folder wins for a repeated name."""
    found: dict[str, Path] = {}
    for folder in routine_dirs():
        for path in sorted(folder.glob("*.yaml")):
            found.setdefault(path.stem, path)
    return sorted(found.values(), key=lambda p: p.stem)


def find_routine(name_or_path: str) -> Path:
    """Resolve a routine name (``back-massage``) or a file path."""
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        if not path.is_file():
            raise RoutineError([Problem(str(path), None, "", "no such file", "check the path")])
        return path
    for folder in routine_dirs():
        candidate = folder / f"{name_or_path}.yaml"
        if candidate.is_file():
            return candidate
    names = ", ".join(p.stem for p in routine_files()) or "none"
    raise RoutineError(
        [Problem(name_or_path, None, "", "no routine of that name", f"use one of: {names}")]
    )


def load_routine(name_or_path: str | Path) -> Routine:
    """Load and validate a routine by name or path; raise :class:`RoutineError` if invalid."""
    path = find_routine(str(name_or_path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RoutineError(
            [Problem(str(path), None, "", f"cannot read: {exc}", "check the file")]
        ) from None
    return parse_routine(text, str(path))


def parse_routine(text: str, filename: str) -> Routine:
    """Validate routine YAML ``text``; errors are reported against ``filename``."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc)
        fix = "check the indentation and quoting on this line and the one above"
        raise RoutineError([Problem(filename, line, "", f"broken YAML: {what}", fix)]) from None
    if not isinstance(data, dict):
        fix = "start the file with 'id:', 'title:', 'summary:', 'safety:' and 'steps:'"
        got = "the file is empty" if data is None else f"found {type(data).__name__}"
        raise RoutineError([Problem(filename, 1, "", f"expected a routine mapping, {got}", fix)])
    lines = _line_map(node)
    try:
        routine = Routine.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(err, filename, lines, data) for err in exc.errors()]
        raise RoutineError(problems) from None
    problems = _self_triggers(data, filename, lines)
    if problems:
        raise RoutineError(problems)
    return routine


def _spoken_texts(data: Any, loc: Loc = ()) -> list[tuple[Loc, str]]:
    """Every string the coach may speak, with its path (ids are never spoken)."""
    if isinstance(data, str):
        return [(loc, data)]
    if isinstance(data, dict):
        pairs = [(k, v) for k, v in data.items() if k not in {"id", "cycle_seconds"}]
        return [t for k, v in pairs for t in _spoken_texts(v, (*loc, str(k)))]
    if isinstance(data, list):
        return [t for i, v in enumerate(data) for t in _spoken_texts(v, (*loc, i))]
    return []


def _self_triggers(data: Any, filename: str, lines: dict[Loc, int]) -> list[Problem]:
    """Routine text must not contain a phrase that interrupts the coach while it speaks."""
    barge_in = phrases_for(BARGE_IN)
    problems = []
    for loc, text in _spoken_texts(data):
        for phrase in contains_phrase(text, barge_in):
            problems.append(
                Problem(
                    filename,
                    lines.get(loc),
                    _field_name(loc, data),
                    f"says '{phrase}', which interrupts the coach while it is speaking",
                    f"reword it without '{phrase}' (the coach would pause itself)",
                )
            )
    return problems


def _line_map(node: yaml.Node | None, loc: Loc = ()) -> dict[Loc, int]:
    """1-based line of every mapping value and sequence item, by its path."""
    if node is None:
        return {}
    lines: dict[Loc, int] = {loc: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*loc, str(key.value))
            lines.update(_line_map(value, child))
            lines[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_line_map(item, (*loc, index)))
    return lines


def _problem(err: ErrorDetails, filename: str, lines: dict[Loc, int], data: Any) -> Problem:
    loc: Loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
    line = next((lines[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in lines), None)
    return Problem(filename, line, _field_name(loc, data), _message(err), _fix(err, loc))


def _field_name(loc: Loc, data: Any) -> str:
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f" (id {node['id']})"
        else:
            out += f".{part}" if out else part
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _message(err: ErrorDetails) -> str:
    msg = err["msg"].removeprefix("Value error, ").split(". Fix: ")[0]
    if err["type"] in {"missing", "extra_forbidden"}:
        return msg.lower()
    got = err.get("input")
    if isinstance(got, dict | list) or err["type"] == "value_error":
        return msg
    return f"{msg} (got {got!r})"


def _fix(err: ErrorDetails, loc: Loc) -> str:
    kind, ctx = err["type"], err.get("ctx", {})
    if ". Fix: " in err["msg"]:
        return err["msg"].split(". Fix: ", 1)[1]
    name = str(loc[-1]) if loc else ""
    if kind == "missing":
        return f"add '{name}:' here"
    if kind == "extra_forbidden":
        allowed = ", ".join(_allowed_fields(loc[:-1]))
        return f"remove '{name}' or correct its spelling; allowed here: {allowed}"
    if kind in {"greater_than", "greater_than_equal"}:
        return f"use a number above {ctx.get('gt', ctx.get('ge'))}"
    if kind in {"less_than_equal", "less_than"}:
        return f"use a number up to {ctx.get('le', ctx.get('lt'))}"
    if kind in {"too_short", "string_too_short"}:
        return "give at least one item" if kind == "too_short" else "write some text here"
    if kind == "string_pattern_mismatch":
        return "use lower-case letters and digits joined by '-', e.g. 'shoulder-kneading'"
    if kind.endswith(("_type", "_parsing")):
        return f"write {_KINDS.get(kind.split('_')[0], 'a value of the right type')} here"
    return "see the routine format in README.md and routines/schema.json"


_KINDS = {
    "float": "a number",
    "int": "a whole number",
    "string": "text",
    "dict": "a mapping (key: value lines)",
    "list": "a list (lines starting with '- ')",
    "bool": "true or false",
}


def _allowed_fields(loc: Loc) -> list[str]:
    model: Any = Routine
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if _is_model(model) else None
        if field is None:
            return []
        model = _inner_model(field.annotation)
    return list(model.model_fields) if _is_model(model) else []


def _is_model(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, BaseModel)


def _inner_model(annotation: Any) -> Any:
    if _is_model(annotation):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def schema() -> dict[str, Any]:
    """The JSON Schema of a routine file (published as ``routines/schema.json``)."""
    out = Routine.model_json_schema()
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["title"] = "massage-coach routine"
    return out
