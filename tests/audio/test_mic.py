"""The real microphone adapter through the PulseAudio loop (null sink monitor as the mic)."""

from __future__ import annotations

import os
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from skill.listen.mic import RATE, Microphone

os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp/massage-coach-xdg")

pytestmark = pytest.mark.skipif(
    shutil.which("pactl") is None
    or subprocess.run(["pactl", "info"], capture_output=True, check=False).returncode != 0,
    reason="no PulseAudio server (start it with .ci/start_pulse.sh)",
)


def tone_wav(path: Path, seconds: float = 0.6) -> Path:
    t = np.arange(int(RATE * seconds)) / RATE
    pcm = (0.5 * 32767 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    return path


def test_microphone_delivers_30ms_chunks_and_hears_what_is_played(tmp_path: Path) -> None:
    mic = Microphone()
    mic.open()
    try:
        quiet = [mic.read(timeout=1.0) for _ in range(10)]
        assert all(c is not None and len(c.pcm) == 960 for c in quiet)
        player = subprocess.Popen(["paplay", str(tone_wav(tmp_path / "tone.wav"))])
        levels = []
        for _ in range(60):
            chunk = mic.read(timeout=1.0)
            assert chunk is not None
            levels.append(chunk.level_db)
        player.wait(timeout=5)
    finally:
        mic.close()
    assert max(levels) > -20, f"the tone never reached the microphone: {max(levels):.1f} dBFS"
    assert min(levels) < -50, "the loop is never quiet"
