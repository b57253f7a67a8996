"""Shared fixtures for the speech tests."""

from __future__ import annotations

import pytest

from skill.speech.fake import FakeTts


@pytest.fixture
def tone_tts() -> FakeTts:
    return FakeTts()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "audio: plays and records through a PulseAudio loop")
    config.addinivalue_line("markers", "tts: renders with the real pyttsx3/espeak-ng engine")
