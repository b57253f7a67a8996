"""Without any sound output the real speaker says so clearly (AudioUnavailable)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from skill.speech.errors import AudioUnavailable, SpeechError

CARDS = Path("/proc/asound/cards")


def test_audio_unavailable_is_a_speech_error() -> None:
    assert issubclass(AudioUnavailable, SpeechError)


@pytest.mark.skipif(
    CARDS.exists() and "no soundcards" not in CARDS.read_text(),
    reason="this machine has a sound card: cannot take all audio away",
)
def test_no_pulseaudio_and_no_card_raises_audio_unavailable(tmp_path: Path) -> None:
    # A fresh process (PortAudio lists devices once, at import), pointed at no server.
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path), "PULSE_SERVER": "unix:/nonexistent"}
    code = (
        "from skill.speech.errors import AudioUnavailable\n"
        "from skill.speech.live import open_voice\n"
        "from skill.speech.settings import VoiceSettings\n"
        "try:\n"
        "    open_voice(VoiceSettings(cache=False))\n"
        "except AudioUnavailable as err:\n"
        "    print('UNAVAILABLE:', err)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert "UNAVAILABLE: no audio output device" in out.stdout, out.stdout + out.stderr
    assert "text" in out.stdout  # the message says the session goes on in text


@pytest.mark.skipif(
    not Path("/usr/lib/x86_64-linux-gnu/libasound.so.2").exists()
    and not Path("/usr/lib/aarch64-linux-gnu/libasound.so.2").exists(),
    reason="alsa-lib not installed",
)
def test_alsa_lib_messages_stay_off_the_terminal() -> None:
    code = (
        "import ctypes, ctypes.util, sys\n"
        "from skill.speech.player import quiet_alsa\n"
        "if sys.argv[1] == 'quiet': quiet_alsa()\n"
        "lib = ctypes.CDLL(ctypes.util.find_library('asound'))\n"
        "lib.snd_pcm_open(ctypes.byref(ctypes.c_void_p()), b'no-such-pcm', 0, 0)\n"
    )

    def stderr(mode: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", code, mode], capture_output=True, text=True, timeout=60
        ).stderr

    assert "Unknown PCM no-such-pcm" in stderr("loud")  # what users would otherwise see
    assert "ALSA lib" not in stderr("quiet")
