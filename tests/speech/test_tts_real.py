"""The real pyttsx3 + espeak-ng renderer (no sound device needed)."""

from __future__ import annotations

import gc
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

from skill.speech.errors import TtsError
from skill.speech.tts import CachedTts, Pyttsx3Tts

pytestmark = [
    pytest.mark.tts,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed"),
]
LINE = "Slide your palms up along the spine with gentle pressure."


@pytest.fixture(scope="module")
def tts() -> Pyttsx3Tts:
    return Pyttsx3Tts("gmw/en-us")


def test_renders_speech_and_keeps_the_saved_line_off_stdout(
    tts: Pyttsx3Tts, capfd: pytest.CaptureFixture[str]
) -> None:
    pcm = tts.render(LINE, 160)
    out = capfd.readouterr().out
    assert "Audio saved to" not in out
    assert pcm.rate == 22050 and 2.0 < pcm.seconds < 6.0
    assert np.abs(pcm.samples).max() > 5000


def test_rate_changes_apply_to_the_very_next_line(tts: Pyttsx3Tts) -> None:
    # Through pyttsx3's queue alone the rate sometimes lands one line late.
    rates = [80, 300, 160, 240, 80, 160, 300, 120] * 3
    durations: dict[int, set[float]] = {}
    for r in rates:
        durations.setdefault(r, set()).add(round(tts.render("Knead the shoulders.", r).seconds, 1))
    assert all(len(d) == 1 for d in durations.values()), durations
    assert durations[80].pop() > 2 * durations[300].pop()


def test_many_renders_in_a_row_never_come_back_empty(tts: Pyttsx3Tts) -> None:
    for i in range(150):
        assert len(tts.render(f"Stroke {i}.", 200).samples) > 1000


def test_mbrola_voice_reports_its_real_rate() -> None:
    if not Path("/usr/share/mbrola/us1/us1").exists():
        pytest.skip("MBROLA us1 not installed (contrib: mbrola mbrola-us1)")
    espeak_pcm = Pyttsx3Tts("gmw/en-us").render("Hello there.", 160)
    mb = Pyttsx3Tts("mb/mb-us1").render("Hello there.", 160)
    assert mb.rate == 16000  # pyttsx3's header says 22050
    assert 0.5 * espeak_pcm.seconds < mb.seconds < 2 * espeak_pcm.seconds


def test_disk_cache_returns_the_same_audio(tts: Pyttsx3Tts, tmp_path: Path) -> None:
    a = CachedTts(tts, tmp_path).render("Breathe in.", 160)
    b = CachedTts(tts, tmp_path)
    again = b.render("Breathe in.", 160)
    assert b.disk_hits == 1 and np.array_equal(a.samples, again.samples)


def test_unknown_voice_fails_at_once_with_a_hint() -> None:
    with pytest.raises(TtsError, match="massage-coach voices"):
        Pyttsx3Tts("no-such-voice")


def test_its_scratch_folder_goes_when_closed_dropped_or_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # it was left behind unless close() was called, and nothing called it: a folder a run
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    closed = Pyttsx3Tts("gmw/en-us")
    assert len(list(tmp_path.iterdir())) == 1
    closed.close()
    closed.close()  # twice is harmless
    dropped = Pyttsx3Tts("gmw/en-us")
    dropped.render("Hello there.", 160)
    del dropped
    gc.collect()
    with pytest.raises(TtsError):
        Pyttsx3Tts("no-such-voice")
    gc.collect()
    assert list(tmp_path.iterdir()) == []


def test_a_short_alias_works_and_keeps_its_voice(tts: Pyttsx3Tts) -> None:
    from pyttsx3.drivers import _espeak

    def current() -> str:
        return str(_espeak.GetCurrentVoice().contents.identifier.decode())

    alias = Pyttsx3Tts("en-gb-x-rp")
    alias.render("Hello there.", 160)
    assert current() == "gmw/en-GB-x-rp"
    tts.render("Hello there.", 160)  # another voice in between
    assert current() == "gmw/en-US"
    alias.render("Hello there.", 160)
    assert current() == "gmw/en-GB-x-rp"
