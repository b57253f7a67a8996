"""Recordings in other formats are heard as the microphone hears: 16 kHz mono int16."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile
import soxr
from typer.testing import CliRunner

from skill.model import audiofile
from skill.model.manifest import ModelError

from .conftest import DATA, pcm
from .test_cli import app

CLIP = DATA / "next__next__0.wav"


def samples(path: Path) -> np.ndarray:
    return np.frombuffer(pcm(path), dtype="<i2").astype(np.float64) / 32768.0


def heard(path: Path) -> bytes:
    return b"".join(audiofile.pcm_blocks(path))


def test_a_16k_mono_16_bit_file_comes_out_as_stored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audiofile, "BLOCK_SECONDS", 0.25)  # several blocks
    assert len(pcm(CLIP)) > 4 * 16000 * 2 * 0.25
    assert heard(CLIP) == pcm(CLIP)


@pytest.mark.parametrize(
    ("rate", "subtype", "suffix"),
    [(44100, "FLOAT", ".wav"), (48000, "PCM_24", ".flac"), (8000, "PCM_16", ".wav")],
)
def test_other_rates_channels_and_formats_are_converted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rate: int, subtype: str, suffix: str
) -> None:
    monkeypatch.setattr(audiofile, "BLOCK_SECONDS", 0.25)  # the resampler carries across blocks
    x = samples(CLIP)
    y = soxr.resample(x, 16000, rate)
    stereo = np.stack([y, 0.5 * y], axis=1)  # channels averaged: 0.75 of the clip
    path = tmp_path / f"clip{suffix}"
    soundfile.write(str(path), stereo, rate, subtype=subtype)
    got = np.frombuffer(heard(path), dtype="<i2") / 32768.0
    assert abs(len(got) - len(x)) <= 2
    n = min(len(got), len(x))
    # below 8 kHz's Nyquist the round trip keeps the waveform; above it, 8 kHz loses it
    ref = soxr.resample(soxr.resample(x, 16000, 8000), 8000, 16000)[:n] if rate < 16000 else x
    err = got[:n] - 0.75 * ref[:n]
    assert np.sqrt(np.mean(err**2)) < 0.05 * np.sqrt(np.mean((0.75 * ref[:n]) ** 2))


def test_a_48k_stereo_recording_is_transcribed_like_the_16k_file(
    model_dir: Path, tmp_path: Path
) -> None:
    y = soxr.resample(samples(CLIP), 16000, 48000)
    path = tmp_path / "next48k.wav"
    soundfile.write(str(path), np.stack([y, y], axis=1), 48000, subtype="PCM_24")
    r = CliRunner().invoke(
        app(), ["transcribe", str(CLIP), str(path), "--json", "--model", str(model_dir)]
    )
    assert r.exit_code == 0, r.output
    a, b = (json.loads(x) for x in r.stdout.splitlines())
    assert a["command"] == b["command"] == "next"
    # Vosk dithers its input with one random sequence through all a process decodes, so two
    # decodes of the same audio may put a word's edge a frame (30 ms) or two apart (measured:
    # "next"'s end at 1.00 and 1.04 s in one CI run); a wrong rate would be off by far more
    assert abs(a["start"] - b["start"]) <= 0.06 and abs(a["end"] - b["end"]) <= 0.06


def test_unreadable_files_are_reported_and_the_others_still_transcribed(
    model_dir: Path, tmp_path: Path
) -> None:
    text = tmp_path / "notes.wav"
    text.write_text("not audio\n")
    missing = tmp_path / "missing.wav"
    r = CliRunner().invoke(
        app(),
        ["transcribe", str(text), str(missing), str(CLIP), "--json", "--model", str(model_dir)],
    )
    assert r.exit_code == 2
    assert [json.loads(x)["command"] for x in r.stdout.splitlines()] == ["next"]
    assert f"{text}: not a readable audio file" in r.stderr
    assert f"{missing}: not a readable audio file" in r.stderr


def test_a_cut_off_file_gives_what_it_has(tmp_path: Path) -> None:
    whole = CLIP.read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole[: len(whole) // 2])  # the header still promises all of it
    got = heard(cut)
    assert 0 < len(got) <= len(whole) // 2
    assert got == pcm(CLIP)[: len(got)]


def test_an_empty_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.touch()
    with pytest.raises(ModelError, match=r"empty\.wav: not a readable audio file"):
        heard(empty)
