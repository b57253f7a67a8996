"""Mix a session's timed events into one audio track (``massage-coach render``).

Each ``Say`` starts at its event time, or right after the line before it if that one is
still playing (the lateness is reported as drift). A ``Cue`` that would land while speech
is still playing is left out, as the live voice does. ``Paused`` and any command cut
speech off (the live voice yields to the user).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..events import CommandHeard, Cue, Event, PaceChanged, Paused, Say, SessionEnded, VolumeChanged
from .pcm import Pcm, soft_tick
from .settings import VoiceSettings
from .tts import Tts
from .voice import rate_for_pace

Progress = Callable[[int, int], None]
TAIL_SECONDS = 0.5


@dataclass(frozen=True)
class Rendered:
    """The mixed track and what it took to fit the lines on the session's timeline."""

    pcm: Pcm
    lines: int
    cues: int
    cues_skipped: int
    max_drift: float  # the latest any line started after its event time, seconds
    session_seconds: float  # the last event's time


def render_events(
    events: Sequence[Event],
    tts: Tts,
    settings: VoiceSettings,
    progress: Progress | None = None,
) -> Rendered:
    rate = settings.samplerate
    tick = soft_tick(rate)
    clips: list[tuple[int, np.ndarray]] = []
    cursor = lines = cues = skipped = 0
    pace, volume, max_drift, end_t = 1.0, settings.volume, 0.0, 0.0
    for i, ev in enumerate(events):
        at = round(ev.t * rate)
        end_t = max(end_t, ev.t)
        if isinstance(ev, Say) or (isinstance(ev, Cue) and at >= cursor):
            if isinstance(ev, Cue) and (settings.cue_style == "tick" or not ev.text.strip()):
                samples = tick.samples
            else:
                wpm = rate_for_pace(settings.rate, pace)
                samples = tts.render(ev.text, wpm).resampled(rate).samples
            start = max(at, cursor)
            max_drift = max(max_drift, (start - at) / rate)
            clips.append((start, (samples * volume).astype(np.int16)))
            cursor = start + len(samples)
            lines += isinstance(ev, Say)
            cues += isinstance(ev, Cue)
        elif isinstance(ev, Cue):
            skipped += 1
        elif isinstance(ev, Paused | CommandHeard) and clips and cursor > at:
            start, samples = clips[-1]
            clips[-1] = (start, samples[: max(0, at - start)])
            cursor = at
        elif isinstance(ev, PaceChanged):
            pace = ev.pace
        elif isinstance(ev, VolumeChanged):
            volume = ev.volume
        elif isinstance(ev, SessionEnded):
            end_t = max(end_t, ev.t)
        if progress is not None:
            progress(i + 1, len(events))
    total = max(cursor, round(end_t * rate)) + round(TAIL_SECONDS * rate)
    mix = np.zeros(total, dtype=np.int32)
    for start, samples in clips:
        mix[start : start + len(samples)] += samples
    track = Pcm(np.clip(mix, -32768, 32767).astype(np.int16), rate)
    return Rendered(track, lines, cues, skipped, max_drift, end_t)
