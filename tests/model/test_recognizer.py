"""Real Vosk on real audio: held-out voices (piper joe, flite slt) the model never heard."""

from __future__ import annotations

import time
import wave
from pathlib import Path

import numpy as np
import pytest

from skill.commands import Command, Mode, grammar
from skill.listen.decide import Detection
from skill.model.recognizer import CommandRecognizer
from skill.model.transcribe import recognizer, stream, transcribe

from .conftest import DATA, command_clips, pcm

#: Floor for the quick held-out sample (34 clean clips, piper joe + flite slt). The shipped model
#: scores 1.00 here with its dev-tuned listening rules (manifest "decision"; the twenty-ninth
#: session's 0.97, the first models 0.82 and 0.74); a regression below the floor fails CI. The
#: full benchmark is bench/model_accuracy.py.
FLOOR = 0.88
#: a grammar with a phrase of every command (resume's too, which stroking lacks)
EVERY_COMMAND = [*grammar(Mode.STROKING), "resume", "continue", "carry on"]


@pytest.fixture(scope="module")
def rec(model_dir: Path) -> CommandRecognizer:
    return CommandRecognizer(model_dir)


def run(rec: CommandRecognizer, clip: Path | bytes) -> list[Detection]:
    """What the live path finds in one clip (a file, or its 16 kHz int16 audio), heard as a
    fresh stream."""
    rec.reset()
    return list(stream(rec, (pcm(clip) if isinstance(clip, Path) else clip,)))


def test_heldout_accuracy_floor(rec: CommandRecognizer) -> None:
    rec.set_phrases(EVERY_COMMAND)
    clips = command_clips()
    assert len(clips) == 2 * len(Command)
    wrong = []
    for p in clips:
        got = [d.command.value for d in run(rec, p)]
        if got != [p.name.split("__")[0]]:
            wrong.append((p.name, got))
    accuracy = 1 - len(wrong) / len(clips)
    assert accuracy >= FLOOR, f"held-out accuracy {accuracy:.2f} < {FLOOR}: {wrong}"


def test_word_times_are_inside_the_clip(rec: CommandRecognizer) -> None:
    rec.set_phrases(grammar(Mode.STROKING))
    for p in command_clips()[:6]:
        seconds = len(pcm(p)) / 32000
        for d in run(rec, p):
            # every clip has 0.5 s of silence before the phrase and 0.8 s after it
            assert 0.2 <= d.start < d.end <= seconds - 0.4, (p.name, d)
            assert 0.0 <= d.confidence <= 1.0


def test_files_cut_tight_to_the_speech(model_dir: Path, tmp_path: Path) -> None:
    """A file whose first word starts at its first sample (and ends at its last) is heard as
    if the microphone had been open before and after it; times stay the file's own."""
    cut = []
    for p in command_clips():
        x = np.frombuffer(pcm(p), dtype=np.int16)
        loud = np.flatnonzero(np.abs(x.astype(np.int32)) > 300)
        out = tmp_path / p.name
        with wave.open(str(out), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(x[loud[0] : loud[-1] + 1].tobytes())
        cut.append((out, (loud[-1] + 1 - loud[0]) / 16000))
    listener = recognizer(model_dir)
    right = 0
    for path, seconds in cut:
        found = list(transcribe(listener, path))
        right += [f.detection.command.value for f in found] == [path.name.split("__")[0]]
        for f in found:
            assert 0.0 <= f.detection.start < f.detection.end <= seconds, (path.name, f)
    # measured: 31 of the 34 (29 with the twenty-ninth session's network); 25 when a file's
    # first sample started the recognizer's stream
    assert right >= 27, f"{right} of {len(cut)} commands heard in files cut tight"


def test_a_microphone_turned_down_50_db(rec: CommandRecognizer) -> None:
    """The held-out sample with its peaks at -56 dBFS instead of -6 (a microphone turned
    down, or far away): most of it sits under the listener's usual silence level (-65 dBFS),
    which then follows the microphone down (``EndOfSpeech.silence``)."""
    rec.set_phrases(EVERY_COMMAND)
    right = 0
    for p in command_clips():
        x = np.frombuffer(pcm(p), dtype=np.int16) * 10 ** (-50 / 20)
        got = run(rec, np.round(x).astype(np.int16).tobytes())
        right += [d.command.value for d in got] == [p.name.split("__")[0]]
    # measured: 26 of the 34 with the shipped network (34 at their own level); the
    # twenty-ninth session's network 29, and 14 with the silence level fixed at -65 dBFS
    assert right >= 22, f"{right} of 34 commands heard 50 dB down"


def test_grammar_restricts_commands(rec: CommandRecognizer) -> None:
    rec.set_phrases(grammar(Mode.CONFIRMING_END))
    got = [d.command for d in run(rec, DATA / "next__next__0.wav")]
    assert Command.NEXT not in got
    rec.set_phrases(["next"])
    assert [d.command for d in run(rec, DATA / "next__next__0.wav")] == [Command.NEXT]


def test_silence_and_talk_give_no_commands(rec: CommandRecognizer) -> None:
    rec.set_phrases(grammar(Mode.STROKING))
    rec.reset()
    assert list(stream(rec, (bytes(16000 * 2 * 3),))) == []
    talk = run(rec, DATA / "talk__joe.wav")
    assert len(talk) <= 1, talk


def test_a_burst_of_noise_is_heard_faster_than_it_lasts(rec: CommandRecognizer) -> None:
    """3 s of loud steady noise after quiet (water running, a towel rubbed near the
    microphone): the model calls it silence, but its lattice held so many [unk] phone
    sequences that Vosk's first, phone-level determinization took 11-24 s for it, and the
    live listener fell that far behind (models/README, "Noise bursts"). It now takes about
    0.1 s; the bound is real time, 50 times that."""
    rec.set_phrases(grammar(Mode.STROKING))
    rec.reset()
    noise = np.random.default_rng(0).normal(0.0, 0.05 * 32767, 16000 * 3)
    audio = np.concatenate([np.zeros(16000), noise, np.zeros(16000)]).astype(np.int16)
    began = time.process_time()
    assert list(stream(rec, (audio.tobytes(),))) == []
    assert time.process_time() - began < len(audio) / 16000
