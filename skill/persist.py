"""Atomic save and load of the session state (a small JSON file in the user's state dir)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import platformdirs
from pydantic import ValidationError

from skill.errors import StateError
from skill.state import SessionState


def default_state_file() -> Path:
    """$MASSAGE_COACH_STATE, else ``session.json`` in the user's state dir."""
    override = os.environ.get("MASSAGE_COACH_STATE")
    if override:
        return Path(override)
    return Path(platformdirs.user_state_dir("massage-coach")) / "session.json"


def save(state: SessionState, path: Path) -> None:
    """Write ``state`` so that a crash at any moment leaves the old or the new file, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".session-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(state.model_dump_json(indent=1))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path) -> SessionState | None:
    """The saved state, None if there is none; :class:`StateError` if it is unusable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateError(f"{path}: cannot read the saved session ({exc}).") from None
    try:
        return SessionState.model_validate(json.loads(text))
    except (ValueError, ValidationError) as exc:
        raise StateError(
            f"{path}: the saved session is damaged ({str(exc).splitlines()[0]}). "
            f"Fix: delete it and start again with 'massage-coach run ROUTINE'."
        ) from None


def clear(path: Path) -> None:
    """Forget the saved session (it ended)."""
    path.unlink(missing_ok=True)
