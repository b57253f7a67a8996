from __future__ import annotations

from pathlib import Path

import pytest

from skill.speech.errors import SpeechError
from skill.speech.settings import SettingsError, VoiceSettings, config_path, load_settings


def test_defaults_when_there_is_no_config(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml") == VoiceSettings()


def test_config_file_then_flags_on_top(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('[voice]\nvoice = "gmw/en-gb-x-rp"\nrate = 140\ncue_style = "tick"\n')
    s = load_settings(cfg, rate=180, volume=None)
    assert (s.voice, s.rate, s.cue_style, s.volume) == ("gmw/en-gb-x-rp", 180, "tick", 0.8)


def test_bad_values_are_one_clear_error(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('[voice]\nvolume = 3\ncue_style = "beeps"\n')
    with pytest.raises(SettingsError) as err:
        load_settings(cfg)
    assert "volume" in str(err.value) and "cue_style" in str(err.value)
    assert isinstance(err.value, SpeechError)


def test_unreadable_toml(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text("[voice\n")
    with pytest.raises(SettingsError, match="cannot read config"):
        load_settings(cfg)


def test_settings_are_frozen() -> None:
    with pytest.raises(ValueError):
        VoiceSettings().rate = 100  # type: ignore[misc]


def test_config_path_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MASSAGE_COACH_CONFIG", str(tmp_path / "c.toml"))
    assert config_path() == tmp_path / "c.toml"
