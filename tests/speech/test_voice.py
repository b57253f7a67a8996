"""Session events -> speaker calls, through the FakeSpeaker."""

from __future__ import annotations

import pytest

from skill.events import (
    CommandHeard,
    Cue,
    ModeChanged,
    PaceChanged,
    Paused,
    PressureChanged,
    Resumed,
    Say,
    SessionEnded,
    StepStarted,
    VolumeChanged,
)
from skill.routine import Routine
from skill.speech.fake import FakeSpeaker
from skill.speech.settings import VoiceSettings
from skill.speech.speaker import Speaker
from skill.speech.voice import Voice, rate_for_pace


def make(**settings: object) -> tuple[Voice, FakeSpeaker]:
    fake = FakeSpeaker()
    voice = Voice(fake, VoiceSettings(**settings))  # type: ignore[arg-type]
    fake.calls.clear()
    return voice, fake


def test_fake_speaker_implements_the_interface() -> None:
    assert isinstance(FakeSpeaker(), Speaker)


def test_voice_starts_at_the_configured_rate_and_volume() -> None:
    fake = FakeSpeaker()
    Voice(fake, VoiceSettings(rate=150, volume=0.6))
    assert fake.calls == [("rate", 150), ("volume", 0.6)]


def test_say_is_spoken_with_its_kind() -> None:
    voice, fake = make()
    voice.handle(Say(0.0, "Warm up the back.", "instruction"))
    assert fake.calls == [("say", "Warm up the back.", "instruction")]


def test_cue_words_or_tick_depending_on_settings() -> None:
    words, fw = make(cue_style="words")
    tick, ft = make(cue_style="tick")
    for v in (words, tick):
        v.handle(Cue(1.0, "up", 1, 1))
    assert fw.calls == [("say", "up", "cue")]
    assert ft.calls == [("tick",)]


def test_cue_is_dropped_while_speech_still_plays() -> None:
    voice, fake = make()
    fake.speaking = True
    voice.handle(Cue(1.0, "up", 1, 1))
    assert fake.calls == [] and voice.cues_skipped == 1
    fake.speaking = False
    voice.handle(Cue(2.0, "down", 2, 1))
    assert fake.said == ["down"]


def test_pause_stops_at_once() -> None:
    voice, fake = make()
    voice.handle(Say(0.0, "long line"))
    voice.handle(Paused(0.5))
    assert fake.calls[-1] == ("stop",)


def test_pace_sets_a_gentler_voice_rate_and_prerenders_cue_words() -> None:
    voice, fake = make(rate=160)
    voice.handle(Cue(0.0, "up", 1, 1))
    voice.handle(Cue(1.0, "and down", 2, 1))
    fake.calls.clear()
    voice.handle(PaceChanged(2.0, 2.0))
    assert fake.calls == [("rate", 226), ("prefetch", ("up", "and down"))]
    voice.handle(PaceChanged(3.0, 0.5))
    assert fake.calls[2] == ("rate", 113)


@pytest.mark.parametrize(
    ("pace", "wpm"), [(1.0, 160), (1.25, 179), (0.64, 128), (4.0, 320), (100.0, 400)]
)
def test_rate_for_pace(pace: float, wpm: int) -> None:
    assert rate_for_pace(160, pace) == wpm


def test_volume_changes_reach_the_speaker() -> None:
    voice, fake = make()
    voice.handle(VolumeChanged(0.0, 0.35))
    assert fake.calls == [("volume", 0.35)]


def test_a_command_cuts_off_what_was_being_said_a_step_by_itself_does_not() -> None:
    voice, fake = make()
    voice.handle(CommandHeard(1.0, "next", "next"))
    assert fake.calls == [("stop",)]
    fake.calls.clear()
    voice.handle(StepStarted(1.0, "s2", 1, "Knead"))
    assert fake.calls == []


def test_events_without_sound_do_nothing() -> None:
    voice, fake = make()
    for ev in (
        Resumed(0.0),
        ModeChanged(0.0, "stroking"),
        PressureChanged(0.0, 1),
        SessionEnded(9.0, True, 3, 3, 9.0),
    ):
        voice.handle(ev)
    assert fake.calls == []


def test_prefetch_skips_blank_lines_and_close_closes() -> None:
    voice, fake = make()
    voice.prefetch(["Next: shoulders.", " ", "Knead gently."])
    voice.close()
    assert fake.calls == [("prefetch", ("Next: shoulders.", "Knead gently.")), ("close",)]
    assert fake.closed


def test_with_a_routine_the_next_steps_lines_are_prerendered(tiny: Routine) -> None:
    fake = FakeSpeaker()
    Voice(fake, VoiceSettings(), tiny).handle(StepStarted(5.0, "glide", 0, "Glide"))
    prefetched = [c[1] for c in fake.calls if c[0] == "prefetch"]
    assert prefetched == [
        (tiny.intro, "Glide up the back.", "up", "down"),
        ("Circle either side of the spine.", "circle"),
    ]


def test_last_step_has_nothing_after_it(tiny: Routine) -> None:
    fake = FakeSpeaker()
    voice = Voice(fake, VoiceSettings(), tiny)
    fake.calls.clear()
    voice.handle(StepStarted(9.0, "circles", 1, "Circles"))
    assert fake.calls == []


def test_close_lets_the_last_line_finish_up_to_a_limit() -> None:
    voice, fake = make()
    fake.speaking = True
    now = iter([0.0, 0.5, 1.0, 1.5, 2.1])
    naps: list[float] = []
    voice.close(wait=2.0, clock=lambda: next(now), sleep=naps.append)  # gives up at the limit
    assert len(naps) == 3
    assert fake.closed
    voice2, fake2 = make()
    voice2.close(wait=60.0, clock=lambda: 0.0, sleep=naps.append)  # silent: closes at once
    assert len(naps) == 3
    assert fake2.closed
