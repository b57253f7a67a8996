"""Mixing a session's timed events into one track (with a tone TTS)."""

from __future__ import annotations

import numpy as np

from skill.events import CommandHeard, Cue, PaceChanged, Paused, Say, SessionEnded, VolumeChanged
from skill.speech.fake import FakeTts
from skill.speech.render import TAIL_SECONDS, render_events
from skill.speech.settings import VoiceSettings

RATE = 16000
S = VoiceSettings(samplerate=RATE, rate=120, volume=1.0)  # 120 wpm: 0.5 s per word


def loud(track: np.ndarray, start: float, end: float) -> bool:
    seg = track[int(start * RATE) : int(end * RATE)]
    return bool(np.abs(seg).max() > 1000)


def test_lines_start_at_their_event_times() -> None:
    events = [Say(0.0, "one two"), Say(3.0, "three"), SessionEnded(5.0, True, 1, 1, 5.0)]
    done = render_events(events, FakeTts(), S)
    x = done.pcm.samples
    assert done.pcm.seconds == 5.0 + TAIL_SECONDS
    assert loud(x, 0.0, 0.95) and not loud(x, 1.05, 2.95)
    assert loud(x, 3.0, 3.45) and not loud(x, 3.55, 5.5)
    assert done.lines == 2 and done.max_drift == 0.0


def test_a_late_line_waits_for_the_one_before_and_drift_is_reported() -> None:
    done = render_events([Say(0.0, "a b c d"), Say(1.0, "e")], FakeTts(), S)
    assert abs(done.max_drift - 1.0) < 1e-6  # "a b c d" lasts 2 s
    assert loud(done.pcm.samples, 2.0, 2.45)


def test_cues_on_the_beat_and_dropped_over_speech() -> None:
    events = [Say(0.0, "a b"), Cue(0.5, "up", 1, 1), Cue(1.5, "down", 2, 1)]
    tts = FakeTts()
    done = render_events(events, tts, S)
    assert (done.cues, done.cues_skipped) == (1, 1)
    assert [c[0] for c in tts.calls] == ["a b", "down"]


def test_tick_style_needs_no_speech() -> None:
    tts = FakeTts()
    done = render_events([Cue(0.0, "up", 1, 1)], tts, S.model_copy(update={"cue_style": "tick"}))
    assert tts.calls == [] and done.cues == 1 and loud(done.pcm.samples, 0.0, 0.02)


def test_pace_volume_and_pause() -> None:
    tts = FakeTts()
    events = [
        PaceChanged(0.0, 4.0),
        VolumeChanged(0.0, 0.5),
        Say(0.0, "a b c d"),
        Paused(0.5),
    ]
    done = render_events(events, tts, S)
    assert tts.calls == [("a b c d", 240)]  # 120 wpm * sqrt(4)
    x = done.pcm.samples
    assert 3000 < np.abs(x[: RATE // 4]).max() <= 4001  # half of the tone's 8000
    assert not loud(x, 0.5, 1.0)  # cut at the pause, though the line lasts 1 s


def test_progress_reports_every_event() -> None:
    seen: list[tuple[int, int]] = []
    render_events([Say(0.0, "a"), Say(1.0, "b")], FakeTts(), S, lambda i, n: seen.append((i, n)))
    assert seen == [(1, 2), (2, 2)]


def test_a_command_cuts_the_line_like_the_live_voice() -> None:
    events = [Say(0.0, "a b c d"), CommandHeard(0.5, "next", "next"), Say(0.5, "e")]
    done = render_events(events, FakeTts(), S)
    assert done.max_drift == 0.0  # "e" starts at 0.5 s, not after "a b c d" (2 s)
    assert not loud(done.pcm.samples, 1.05, 2.0)
