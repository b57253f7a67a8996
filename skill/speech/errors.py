"""The speech package's small error hierarchy."""

from __future__ import annotations

from ..errors import CoachError


class SpeechError(CoachError):
    """Base class of every error the coach's voice reports."""


class AudioUnavailable(SpeechError):
    """No usable sound output (no sound card, no PulseAudio, PortAudio missing).

    The runner catches this and carries on in text.
    """


class TtsError(SpeechError):
    """The text-to-speech engine could not render a line."""
