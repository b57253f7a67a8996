"""The listener thread's logic with a fake input stream and a fake recognizer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from skill.commands import Command, Mode
from skill.listen.decide import Hypothesis
from skill.listen.hearing import Hearing, Listening
from skill.listen.listener import Listener
from skill.listen.mic import Chunk, Microphone, MicUnavailable
from skill.runner import Heard, Notice

SILENCE = bytes(960)


class FakeStream:
    samplerate = 16000.0

    def __init__(self, callback: Callable[..., None]) -> None:
        self.callback = callback
        self.started = False

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.started = False

    def close(self) -> None:
        pass

    def send(self, pcm: bytes = SILENCE) -> None:
        self.callback(pcm, len(pcm) // 2, None, 0)


class FakeDevice:
    """Hands out streams; can be 'unplugged' so that opening fails."""

    def __init__(self) -> None:
        self.plugged = True
        self.streams: list[FakeStream] = []

    def __call__(self, callback: Callable[..., None], device: Any) -> FakeStream:
        if not self.plugged:
            raise MicUnavailable("no input device")
        self.streams.append(FakeStream(callback))
        return self.streams[-1]


class ScriptedRecognizer:
    def __init__(self, script: list[Hypothesis | None]) -> None:
        self.script = list(script)
        self.grammars: list[tuple[str, ...]] = []
        self.finished = 0
        self.last_partial = "pause"
        self.heard = False

    def set_phrases(self, phrases: Sequence[str]) -> None:
        self.grammars.append(tuple(phrases))

    def feed(self, pcm: bytes) -> Hypothesis | None:
        self.heard = self.heard or any(pcm)  # the script starts at the first sound
        return self.script.pop(0) if self.script and self.heard else None

    def finish(self) -> Hypothesis:
        self.finished += 1
        self.script = []  # the utterance is over: nothing more to say about it
        return Hypothesis(self.last_partial, final=True, confidence=0.95)


def make(script: list[Hypothesis | None], state: list[Listening]):  # type: ignore[no-untyped-def]
    device = FakeDevice()
    got: list[Heard | Notice] = []
    recognizer = ScriptedRecognizer(script)
    listener = Listener(
        Microphone(factory=device),
        Hearing(recognizer, lambda: state[0]),
        got.append,
        lost_after=0.01,
        retry_every=0.0,
        start_timeout=0.0,
    )
    return listener, device, recognizer, got


LOUD = b"\x00\x20" * 480


def test_a_command_is_finished_early_after_a_short_quiet_and_reaches_the_runner_once() -> None:
    state = [Listening(Mode.STROKING, speaking=False)]
    partials = [Hypothesis("pause", final=False)] * 12 + [Hypothesis("pause", True, 0.99)]
    listener, device, recognizer, got = make(partials, state)
    listener.turn()  # opens the stream
    for pcm in [SILENCE] * 20 + [LOUD] * 5 + [SILENCE] * 8:
        device.streams[-1].send(pcm)
        listener.turn()
    assert [g for g in got if isinstance(g, Heard)] == [Heard(Command.PAUSE, "pause")]
    assert recognizer.finished == 1, "finished by the quiet, before the recognizer's end-point"


def test_the_grammar_follows_the_coach_speaking_or_not() -> None:
    state = [Listening(Mode.STROKING, speaking=True, spoken="Say help to hear what you can say.")]
    listener, device, recognizer, _ = make([], state)
    listener.turn()
    device.streams[-1].send()
    listener.turn()
    state[0] = Listening(Mode.STROKING, speaking=False)
    device.streams[-1].send()
    listener.turn()
    assert set(recognizer.grammars[0]) == {
        "pause",
        "wait",
        "hold on",
        "stop",
        "louder",
        "speak up",
        "quieter",
        "too loud",
    }
    assert "next" in recognizer.grammars[1] and "end session" in recognizer.grammars[1]


def test_unplugged_microphone_is_reported_once_and_found_again() -> None:
    state = [Listening(Mode.STROKING, speaking=False)]
    listener, device, _, got = make([], state)
    listener.turn()
    device.streams[-1].send()
    listener.turn()
    device.plugged = False
    for _ in range(3):
        listener.turn()  # no sound, then opening fails, again and again
    assert got == [Notice("mic_lost", "the microphone stopped sending sound")]
    device.plugged = True
    listener.turn()
    assert got[-1] == Notice("mic_back")


def test_chunk_level_is_measured() -> None:
    loud = b"\x00\x40" * 480
    assert Chunk(loud, 0.0).level_db == pytest.approx(-6.02, abs=0.1)
    assert Chunk(SILENCE, 0.0).level_db == -120.0


def test_speaking_lasts_a_little_past_the_end_of_playback() -> None:
    from skill.listen.hearing import Hangover

    hang = Hangover(0.35)
    assert not hang(False, 0.0)
    assert hang(True, 1.0)
    assert hang(False, 1.2)
    assert not hang(False, 1.4)
