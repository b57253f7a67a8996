"""Text to 16 kHz int16 speech with the TRAINING voices: espeak-ng, MBROLA, flite, festival,
RHVoice and SVOX Pico.

The held-out test voices (piper joe, flite slt, festival cmu_us_slt_arctic_hts) are refused here,
and so is RHVoice's slt: the same speaker (CMU ARCTIC slt) as two of them, and the accented
speakers held out for the benchmark (``HELD_OUT_ACCENTED``).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

import numpy as np

SR = 16000


@dataclass(frozen=True)
class Voice:
    """One training voice."""

    engine: str  #: espeak | mbrola | flite | festival | rhvoice | pico
    name: str  #: engine-specific voice name

    @property
    def key(self) -> str:
        return f"{self.engine}:{self.name}"


def _accented(*names: str) -> tuple[Voice, ...]:
    return tuple(Voice("mbrola", f"mb-{n}-en") for n in names)


#: English said by MBROLA voices recorded for other languages, through espeak-ng's English
#: (``mb-XX-en``): real speakers with an Afrikaans, German, Greek, Dutch, Romanian or Swedish
#: accent, four of them women (models/README.md, "Accented speakers")
ACCENTED = _accented(
    "af1", "de1", "de2", "de3", "de4", "de5", "de6", "gr2", "nl2", "ro1", "sw1", "sw2"
)
#: accented speakers never trained on: the benchmark's "accented" column (two French, a Polish
#: woman; the fourth, a Hungarian man, is a development voice since the twenty-seventh session)
HELD_OUT_ACCENTED = _accented("fr1", "fr4", "pl1")
HELD_OUT = frozenset(
    {"piper:en_US-joe-medium", "flite:slt", "festival:cmu_us_slt_arctic_hts", "rhvoice:slt"}
    | {v.key for v in HELD_OUT_ACCENTED}
)

_ESPEAK_BASES = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-gb-x-gbclan")
_ESPEAK_VARIANTS = (
    "",
    "m1",
    "m2",
    "m3",
    "m4",
    "m5",
    "m6",
    "m8",
    "f1",
    "f2",
    "f3",
    "f4",
    "klatt",
    "klatt2",
    "klatt4",
    "Alex",
    "Annie",
    "Michael",
    "linda",
    "steph",
    "max",
    "grandma",
    "edward",
    "iven",
)


def training_voices(accents: bool = False) -> list[Voice]:
    """Every training voice (held-out voices excluded by construction); with ``accents``, the
    ``ACCENTED`` speakers too."""
    voices = [Voice("mbrola", v) for v in ("mb-us1", "mb-us2", "mb-us3", "mb-en1")]
    voices += [Voice("flite", v) for v in ("kal", "kal16", "awb")]
    voices += [
        Voice("festival", v)
        for v in (
            "kal_diphone",
            "ked_diphone",
            "rab_diphone",
            "us1_mbrola",
            "us2_mbrola",
            "us3_mbrola",
        )
    ]
    voices += [Voice("rhvoice", v) for v in ("alan", "bdl", "clb", "evgeniy-eng")]
    voices += [Voice("pico", "en-US")]
    voices += [
        Voice("espeak", b + (f"+{v}" if v else "")) for b in _ESPEAK_BASES for v in _ESPEAK_VARIANTS
    ]
    voices += ACCENTED if accents else ()
    assert not {v.key for v in voices} & (HELD_OUT | {v.key for v in DEV_VOICES})
    return voices


#: The coach's own voices (its default, espeak-ng en-us, and the MBROLA US voices a user may
#: pick): they speak the routines' lines under the user's commands in training.
COACH_VOICES = (
    Voice("espeak", "en-us"),
    Voice("espeak", "en-us+m3"),
    Voice("espeak", "en-us+f2"),
    Voice("mbrola", "mb-us1"),
    Voice("mbrola", "mb-us2"),
)

#: Voices kept out of training and used only as the development set (tuning of ``[unk]`` and
#: the listening rules, and the choice between networks): flite rms, Pico en-GB, RHVoice lyubov
#: and a Hungarian man speaking English (MBROLA hu1; no training voice has his accent), so that
#: what is chosen on them holds for voices the model never heard, not for one voice, and an
#: accent counts in the choice.
DEV_VOICES = (
    Voice("flite", "rms"),
    Voice("pico", "en-GB"),
    Voice("rhvoice", "lyubov"),
    Voice("mbrola", "mb-hu1-en"),
)


def native_command(voice: Voice, text: str, rate: float, pitch: int, path: str) -> list[str]:
    """The engine's command that writes ``text`` by ``voice`` to the WAV file ``path``
    (festival and RHVoice read its last item on stdin)."""
    if voice.engine in ("espeak", "mbrola"):
        cmd = ["espeak-ng", "-v", voice.name, "-s", str(int(165 * rate)), "-w", path]
        if voice.engine == "espeak":
            cmd += ["-p", str(pitch)]
        return [*cmd, text]
    if voice.engine == "flite":
        return [
            "flite",
            "-voice",
            voice.name,
            "--setf",
            f"duration_stretch={1 / rate:.3f}",
            "-t",
            text,
            "-o",
            path,
        ]
    if voice.engine == "festival":
        scm = (
            f"(voice_{voice.name})(Parameter.set 'Duration_Stretch {1 / rate:.3f})"
            f'(utt.save.wave (utt.synth (Utterance Text "{text}")) "{path}")'
        )
        return ["festival", "--pipe", scm]
    # RHVoice and Pico take rate and pitch in percent of the voice's own: espeak's pitch
    # 25..85 (50 its default) becomes 79..121%
    pct_rate, pct_pitch = str(round(100 * rate)), str(round(100 + 0.6 * (pitch - 50)))
    if voice.engine == "rhvoice":  # reads the text on stdin
        return ["RHVoice-test", "-p", voice.name, "-r", pct_rate, "-t", pct_pitch, "-o", path, text]
    if voice.engine == "pico":
        said = escape(text)  # the text goes inside Pico's markup
        markup = f'<speed level="{pct_rate}"><pitch level="{pct_pitch}">{said}</pitch></speed>'
        return ["pico2wave", "-l", voice.name, "-w", path, markup]
    raise ValueError(f"unknown engine {voice.engine}")


def synthesize(
    voice: Voice, text: str, rate: float = 1.0, pitch: int = 50, effects: tuple[str, ...] = ()
) -> np.ndarray:
    """``text`` by ``voice`` at ``rate`` (1.0 = normal), through sox ``effects``, as int16."""
    if voice.key in HELD_OUT:
        raise ValueError(f"{voice.key} is a held-out test voice")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.wav")
        cmd = native_command(voice, text, rate, pitch, path)
        stdin = cmd.pop() if voice.engine in ("festival", "rhvoice") else None
        subprocess.run(cmd, input=stdin, capture_output=True, check=True, timeout=60, text=True)
        return to_16k(path, effects)


def to_16k(path: str, effects: tuple[str, ...] = ()) -> np.ndarray:
    """Read any wav through sox as 16 kHz mono int16, applying sox ``effects``."""
    out = subprocess.run(
        [
            "sox",
            "-R",  # repeatable
            "-D",  # no random dither: the rebuild must be deterministic
            path,
            "-t",
            "raw",
            "-r",
            str(SR),
            "-c",
            "1",
            "-b",
            "16",
            "-e",
            "signed-integer",
            "-",
            *effects,
            "rate",
            str(SR),
        ],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    return np.frombuffer(out, dtype=np.int16).copy()
