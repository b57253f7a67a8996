from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pytest

from skill.speech import quiet
from skill.speech.fake import FakeTts as ToneTts
from skill.speech.pcm import Pcm, read_wav, write_wav
from skill.speech.tts import CachedTts, cache_key


def test_memory_cache_renders_each_line_once(tone_tts: ToneTts) -> None:
    tts = CachedTts(tone_tts, None)
    a = tts.render("up and down", 160)
    b = tts.render("up and down", 160)
    assert a is b and tone_tts.calls == [("up and down", 160)]
    assert tts.cached("up and down", 160) is a and tts.cached("up", 160) is None


def test_key_covers_text_voice_and_rate() -> None:
    keys = {
        cache_key("up", "v1", 160),
        cache_key("up", "v2", 160),
        cache_key("up", "v1", 200),
        cache_key("down", "v1", 160),
    }
    assert len(keys) == 4


def test_disk_cache_survives_a_new_process(tmp_path: Path, tone_tts: ToneTts) -> None:
    first = CachedTts(tone_tts, tmp_path).render("slowly now", 120)
    again = ToneTts()
    second = CachedTts(again, tmp_path)
    got = second.render("slowly now", 120)
    assert again.calls == [] and second.disk_hits == 1
    assert got.rate == first.rate and np.array_equal(got.samples, first.samples)
    assert not list(tmp_path.glob("*.part"))


def test_memory_cache_is_bounded(tone_tts: ToneTts) -> None:
    tts = CachedTts(tone_tts, None, max_items=2)
    for w in ("a", "b", "c"):
        tts.render(w, 160)
    assert tts.cached("a", 160) is None and tts.cached("c", 160) is not None


def test_wav_keeps_the_real_rate(tmp_path: Path) -> None:
    pcm = Pcm(np.arange(-500, 500, dtype=np.int16), 16000)
    write_wav(tmp_path / "x.wav", pcm)
    back = read_wav(tmp_path / "x.wav")
    assert back.rate == 16000 and np.array_equal(back.samples, pcm.samples)
    assert read_wav(tmp_path / "x.wav", rate=22050).rate == 22050  # header override


def test_resample_keeps_duration_and_shape() -> None:
    t = np.arange(16000) / 16000
    pcm = Pcm((10000 * np.sin(2 * np.pi * 200 * t)).astype(np.int16), 16000)
    up = pcm.resampled(22050)
    assert up.rate == 22050 and abs(up.seconds - 1.0) < 1e-3
    ref = (10000 * np.sin(2 * np.pi * 200 * np.arange(22050) / 22050)).astype(np.int16)
    assert np.abs(up.samples.astype(int) - ref)[:-2].max() < 100  # last: no sample after


def test_saved_lines_of_our_files_are_hidden_others_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buf)
    quiet.hide_saved_lines("/tmp/ours-")
    print("Audio saved to /tmp/ours-1/u1.wav")
    print("Audio saved to /elsewhere/x.wav")
    print("step 1: warm up")
    assert buf.getvalue() == "Audio saved to /elsewhere/x.wav\nstep 1: warm up\n"


def test_resampled_tts_keeps_its_own_cache_entries(tone_tts: ToneTts) -> None:
    from skill.speech.tts import Resampled

    r = Resampled(tone_tts, 8000)
    assert r.voice == "fake@8000" and r.render("a b", 120).rate == 8000
