"""The voice as a sink of the real runner, heard through the PulseAudio loop: the intro
plays, "next" cuts it off, and the step's instruction follows."""

from __future__ import annotations

import threading
import time

import pytest

from skill.speech.loopback import Recorder, best_correlation, pulse_reachable

WHY_NOT = pulse_reachable()  # before anything imports sounddevice
pytestmark = [pytest.mark.audio, pytest.mark.skipif(WHY_NOT is not None, reason=str(WHY_NOT))]

from skill.commands import Command  # noqa: E402
from skill.routine import Routine  # noqa: E402
from skill.runner import Heard, Runner  # noqa: E402
from skill.speech.live import open_voice  # noqa: E402
from skill.speech.settings import VoiceSettings  # noqa: E402

RATE = 16000


def test_runner_speaks_and_next_cuts_the_intro(tiny: Routine) -> None:
    settings = VoiceSettings(cache=False, volume=1.0, samplerate=RATE)
    voice = open_voice(settings, tiny)
    rec = Recorder(RATE)
    runner = Runner(tiny, None)
    runner.add_sink(voice.handle)

    def user() -> None:
        time.sleep(2.5)
        runner.inbox.put(Heard(Command.NEXT))
        time.sleep(2.5)
        runner.inbox.put(Heard(Command.END))
        time.sleep(0.3)
        runner.inbox.put(Heard(Command.END))

    threading.Thread(target=user, daemon=True).start()
    runner.run()
    voice.close(wait=5)
    _, heard = rec.take()
    rec.close()

    def played(text: str, start: float, seconds: float) -> float:
        pcm = voice.speaker.tts.render(text, settings.rate).resampled(RATE)  # type: ignore[attr-defined]
        return best_correlation(
            heard, pcm.samples[int(start * RATE) : int((start + seconds) * RATE)]
        )

    assert played(tiny.intro, 0.0, 1.0) > 0.8  # the intro began
    assert played(tiny.intro, 4.0, 2.0) < 0.5  # ... and was cut off by "next" at 2.5 s
    assert played(tiny.steps[0].instruction, 0.0, 1.0) > 0.8  # the step's line followed
