"""``manifest.json`` of a model directory: checksums of every file, training settings, results.

:func:`verify` is called whenever the app loads a model; any missing, extra or altered file
raises :class:`ModelError` naming the file and how to fix it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
_FIX = (
    "reinstall the model (git checkout models/, `massage-coach models install NAME`, "
    "or rebuild it with `python -m skill.train`)"
)


class ModelError(Exception):
    """A model directory is missing, incomplete or does not match its manifest."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def model_files(model_dir: Path) -> list[str]:
    """Every file under ``model_dir`` except the manifest, as sorted POSIX relative paths."""
    return sorted(
        p.relative_to(model_dir).as_posix()
        for p in model_dir.rglob("*")
        if p.is_file() and p.name != MANIFEST
    )


def write(model_dir: Path, info: dict[str, Any]) -> dict[str, Any]:
    """Write ``manifest.json`` = ``info`` + the sha256 and size of every file; returns it."""
    files = {
        f: {"sha256": sha256(model_dir / f), "bytes": (model_dir / f).stat().st_size}
        for f in model_files(model_dir)
    }
    manifest = {**info, "files": files}
    (model_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def load(model_dir: Path) -> dict[str, Any]:
    """The manifest of ``model_dir`` (not verified)."""
    path = model_dir / MANIFEST
    if not model_dir.is_dir():
        raise ModelError(f"model directory {model_dir} does not exist; {_FIX}")
    if not path.is_file():
        raise ModelError(f"{path} is missing, so the model cannot be verified; {_FIX}")
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise ModelError(f"{path} is not valid JSON ({e}); {_FIX}") from e
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise ModelError(f"{path} has no 'files' table; {_FIX}")
    return data


def verify(model_dir: Path) -> dict[str, Any]:
    """Check every file of ``model_dir`` against its manifest; return the manifest."""
    manifest = load(model_dir)
    files: dict[str, Any] = manifest["files"]
    for name, entry in sorted(files.items()):
        path = model_dir / name
        if not path.is_file():
            raise ModelError(f"model file {path} is missing; {_FIX}")
        if path.stat().st_size != entry.get("bytes", path.stat().st_size):
            raise ModelError(
                f"model file {path} has {path.stat().st_size} bytes, the manifest "
                f"says {entry['bytes']} (truncated or altered); {_FIX}"
            )
        if sha256(path) != entry["sha256"]:
            raise ModelError(
                f"model file {path} does not match its sha256 in {MANIFEST} "
                f"(corrupted or altered); {_FIX}"
            )
    extra = sorted(set(model_files(model_dir)) - set(files))
    if extra:
        raise ModelError(
            f"{model_dir} has files not in its manifest: {', '.join(extra)}; remove them or {_FIX}"
        )
    return manifest
