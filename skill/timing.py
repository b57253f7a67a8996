"""Pace arithmetic shared by the session, the speaker and the duration estimates.

Pace is a speed multiplier: 1.0 is the routine's own rhythm, 2.0 twice as fast,
0.5 half as fast. "slower"/"faster" move it by a factor of 1.25 within 0.5-2.0.
The voice follows the pace more gently (square root) so it stays natural.
"""

from __future__ import annotations

import math

PACE_STEP = 1.25
PACE_MIN = 0.5
PACE_MAX = 2.0

#: Words per minute of the coach's voice at pace 1.0 (calm, slower than chat).
WORDS_PER_MINUTE = 160.0
#: Silence the coach leaves after each line before going on.
GAP_SECONDS = 0.4

VOLUME_STEP = 0.15
VOLUME_MIN = 0.1
VOLUME_MAX = 1.0


def faster(pace: float) -> float:
    """The pace after one "faster"."""
    return round(min(PACE_MAX, pace * PACE_STEP), 4)


def slower(pace: float) -> float:
    """The pace after one "slower"."""
    return round(max(PACE_MIN, pace / PACE_STEP), 4)


def voice_rate(pace: float) -> float:
    """Speech-rate multiplier for a rhythm pace (gentler than the rhythm itself)."""
    return round(math.sqrt(pace), 4)


def speech_seconds(text: str, pace: float = 1.0) -> float:
    """Estimated time to speak ``text`` at ``pace``, including the gap after it."""
    words = len(text.split())
    if words == 0:
        return 0.0
    return words * 60.0 / (WORDS_PER_MINUTE * voice_rate(pace)) + GAP_SECONDS


def louder(volume: float) -> float:
    return round(min(VOLUME_MAX, volume + VOLUME_STEP), 3)


def quieter(volume: float) -> float:
    return round(max(VOLUME_MIN, volume - VOLUME_STEP), 3)


def spoken_duration(seconds: float) -> str:
    """Say a duration the way a person would: "about 40 seconds", "about 12 minutes"."""
    if seconds < 50:
        return f"about {max(10, round(seconds / 10) * 10)} seconds"
    minutes = max(1, round(seconds / 60))
    return "about 1 minute" if minutes == 1 else f"about {minutes} minutes"
