"""The voice's settings, in one place: defaults < config file < command-line flags.

The config file is TOML, ``<user config dir>/massage-coach/config.toml`` (platformdirs),
or the path in ``$MASSAGE_COACH_CONFIG``; its ``[voice]`` table holds these fields::

    [voice]
    voice = "gmw/en-us"   # a pyttsx3/espeak-ng voice id (see `massage-coach voices`)
    rate = 160            # words per minute at pace 1.0
    volume = 0.8          # 0.1 - 1.0
    cue_style = "words"   # "words" speaks the stroke's cue words, "tick" a soft tick
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import SpeechError

APP = "massage-coach"


class SettingsError(SpeechError):
    """The config file or a flag holds a value the voice cannot use."""


class VoiceSettings(BaseModel):
    """How the coach sounds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    voice: str = Field(default="gmw/en-us", description="pyttsx3/espeak-ng voice id")
    rate: int = Field(default=160, ge=60, le=400, description="words per minute at pace 1.0")
    volume: float = Field(default=0.8, ge=0.1, le=1.0, description="output volume, 0.1-1.0")
    cue_style: Literal["words", "tick"] = Field(
        default="words", description='rhythm cues as spoken "words" or a soft "tick"'
    )
    samplerate: int = Field(
        default=16000, description="output stream Hz (16 kHz: the echo canceller's rate)"
    )
    cache: bool = Field(default=True, description="keep rendered lines on disk between sessions")


def config_path() -> Path:
    env = os.environ.get("MASSAGE_COACH_CONFIG")
    return Path(env) if env else Path(platformdirs.user_config_dir(APP)) / "config.toml"


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP)) / "speech"


def load_settings(path: Path | None = None, **overrides: Any) -> VoiceSettings:
    """Settings from the config file (if it exists) with non-None ``overrides`` on top."""
    path = path or config_path()
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = dict(tomllib.loads(path.read_text(encoding="utf-8")).get("voice", {}))
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise SettingsError(f"{path}: cannot read config: {err}") from err
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return VoiceSettings(**data)
    except ValidationError as err:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors()
        )
        raise SettingsError(f"voice settings ({path} and flags): {problems}") from err
