"""Fixtures for the model tests: the shipped model and the held-out audio sample."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "coach-commands"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def model_dir() -> Path:
    return MODEL


@pytest.fixture()
def model_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "model"
    shutil.copytree(MODEL, dst)
    return dst


def command_clips() -> list[Path]:
    return sorted(p for p in DATA.glob("*.wav") if not p.name.startswith("talk"))


def pcm(path: Path) -> bytes:
    with wave.open(str(path), "rb") as w:
        return w.readframes(w.getnframes())
