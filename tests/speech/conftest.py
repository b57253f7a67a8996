"""Shared fixtures for the speech tests."""

from __future__ import annotations

import pytest

from skill.speech.fake import FakeTts


@pytest.fixture
def tone_tts() -> FakeTts:
    return FakeTts()
