"""End to end through real audio: the coach runs back-massage with real streams, and a
held-out voice speaks commands into the same PulseAudio room, some over the coach.

The coach's own speech goes into the room too (the null sink's monitor is the
microphone), so every command fired must be one the test spoke.

Marked ``e2e`` (``bin/test -m e2e`` runs it alone; about a minute). Why it failed before
the fifth session of 2026-11-26, and the two fixes, are in the README (Benchmarks,
hands-free control). The first pause comes 8 s into the intro: until the canceller has
learnt the room, commands over the coach are not obeyed. The model never hears
``stop__stop__0.wav`` as "stop", even clean, so the second clip always plays.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from skill.speech.loopback import pulse_reachable

WHY_NOT = pulse_reachable()  # before anything imports sounddevice
MODEL = Path(__file__).resolve().parents[2] / "models" / "coach-commands"
CLIPS = Path(__file__).resolve().parents[1] / "model" / "data"
pytestmark = [
    pytest.mark.audio,
    pytest.mark.e2e,
    # run up to twice more if it fails (pytest-rerunfailures; the report says "1 rerun"):
    # through the real loop it failed 6 of 18 runs in the ninth session, mostly when the
    # coach's own word was obeyed in the first seconds ("lower" as "louder"); 0 of 18 in the
    # tenth, after the fix, but a command over the coach can still go unheard (README,
    # hands-free control)
    pytest.mark.flaky(reruns=2),
    pytest.mark.skipif(WHY_NOT is not None, reason=str(WHY_NOT)),
    pytest.mark.skipif(not MODEL.is_dir(), reason="no shipped model in models/"),
]

from skill.events import Event  # noqa: E402
from skill.listen.aec import Reference, SpeexEcho  # noqa: E402
from skill.listen.hearing import Hangover, Hearing, Listening  # noqa: E402
from skill.listen.listener import Listener  # noqa: E402
from skill.listen.mic import Microphone  # noqa: E402
from skill.loading import load_routine  # noqa: E402
from skill.model.recognizer import CommandRecognizer  # noqa: E402
from skill.runner import Runner  # noqa: E402
from skill.speech.live import open_voice  # noqa: E402
from skill.speech.settings import VoiceSettings  # noqa: E402


class Room:
    """The coach, listening and speaking, with a log of its events."""

    def __init__(self, tmp: Path) -> None:
        routine = load_routine("back-massage")
        self.events: list[Event] = []
        self.runner = Runner(routine, tmp / "session.json")
        reference = Reference()
        self.voice = open_voice(VoiceSettings(cache=False), routine, on_block=reference.push)
        recognizer = CommandRecognizer(MODEL)
        hangover = Hangover()
        speaker = self.voice.speaker

        def context() -> Listening:
            talking = hangover(speaker.speaking, time.monotonic())
            return Listening(self.runner.session.mode, talking, speaker.now_saying)

        hearing = Hearing(
            recognizer, context, SpeexEcho(reference), recognizer.listening_settings()
        )
        mic = Microphone()
        mic.open()
        self.listener = Listener(mic, hearing, self.runner.inbox.put)
        self.runner.add_sink(self.events.append)
        self.runner.add_sink(self.voice.handle)
        self.thread = threading.Thread(target=self.runner.run, daemon=True)
        self.began = time.monotonic()
        #: what was played and heard when, shown when the test fails
        self.log: list[str] = []

    def commands(self) -> list[str]:
        return [str(e.to_dict()["command"]) for e in self.events if e.type == "command"]

    def wait(self, check: Callable[[], bool], seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if check():
                return True
            time.sleep(0.05)
        return False

    def quiet_gap(self, seconds: float = 0.6, within: float = 30.0) -> None:
        """Wait until the coach has been silent for ``seconds``."""
        deadline = time.monotonic() + within
        since = time.monotonic()
        while time.monotonic() < deadline:
            if self.voice.speaker.speaking:
                since = time.monotonic()
            elif time.monotonic() - since >= seconds:
                return
            time.sleep(0.02)
        raise AssertionError("the coach never fell silent")

    def say(self, command: str, clips: list[str], expect: str) -> None:
        """Speak a command (a second clip if the first is not understood, as people do)."""
        before = len(self.commands())
        for clip in clips:
            speaking = self.voice.speaker.speaking
            subprocess.run(["paplay", str(CLIPS / clip)], check=True, timeout=10)
            ended = time.monotonic()
            heard = self.wait(lambda: len(self.commands()) > before, 3.0)
            self.log.append(
                f"{ended - self.began:6.2f} s {clip} ended (coach speaking at its start: "
                f"{speaking}); heard {self.commands()[before:]} "
                + (f"{time.monotonic() - ended:.2f} s later" if heard else "within 3 s")
            )
            if heard:
                break
        assert self.commands()[before:] == [command], (command, self.commands(), self.log)
        assert self.wait(lambda: any(e.type == expect for e in self.events[-12:]), 3.0), self.log


#: how much of the listener's log a failure's message carries
LOG_LINES = 120


def test_hands_free_session_through_the_room(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="skill.listen")  # what was heard and rejected
    try:
        _session(tmp_path)
    except AssertionError as failed:
        # a rerun's traceback is all a CI log shows of it (--rerun-show-tracebacks), so the
        # listener's last words go into the message
        heard = "\n".join(caplog.text.splitlines()[-LOG_LINES:])
        raise AssertionError(f"{failed}\n--- the listener's log, last lines ---\n{heard}") from None


def _session(tmp_path: Path) -> None:
    room = Room(tmp_path)
    room.thread.start()
    room.listener.start()
    try:
        assert room.wait(lambda: room.voice.speaker.speaking, 10.0)
        # the intro is mid-sentence; the echo canceller has had its first seconds of the
        # coach's voice to learn the room (README: commands over the coach count after that)
        time.sleep(8.0)
        room.say("pause", ["pause__hold_on__0.wav", "pause__pause__1.wav"], "paused")
        room.quiet_gap()
        room.say("next", ["next__next__0.wav", "next__next_stroke__1.wav"], "step_started")
        time.sleep(2.0)  # the first step's instruction is mid-sentence
        room.say("pause", ["pause__hold_on__0.wav", "pause__pause__1.wav"], "paused")
        room.quiet_gap()
        room.say("resume", ["resume__resume__0.wav", "resume__continue__1.wav"], "resumed")
        assert room.wait(lambda: room.runner.session.mode.value == "stroking", 30.0)
        room.quiet_gap(0.5)
        room.say("slower", ["slower__slow_down__0.wav", "slower__slower__1.wav"], "pace_changed")
        room.say("stop", ["stop__stop__0.wav", "stop__stop__1.wav"], "mode_changed")
        room.quiet_gap()
        room.say("end", ["end__end_session__0.wav", "end__finish_session__1.wav"], "session_ended")
        room.thread.join(timeout=10)
    finally:
        room.listener.stop()
        room.voice.close()
    assert room.commands() == ["pause", "next", "pause", "resume", "slower", "stop", "end"]
