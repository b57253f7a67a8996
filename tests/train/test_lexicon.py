"""Generic and command-specific phones: the transcripts, the phone set and the lexicon."""

from __future__ import annotations

import numpy as np

from skill.train.data import Utt, transcript
from skill.train.lexicon import as_command, lexicon, num_generic, phone_set, phonemize


def test_a_command_clip_is_transcribed_in_its_own_phones() -> None:
    silent = np.zeros(160, dtype=np.int16)
    clip = Utt("cmd1c0", 1, "cmd", "go back", "espeak:en-us", silent)
    said = transcript(clip, command_phones=True)
    talk = transcript(Utt("talk2c0", 2, "talk", "go back", "espeak:en-us", silent), True)
    assert talk == phonemize("go back") == transcript(clip)  # the experiment is off by default
    assert said == tuple(
        tuple(f"{w}:{p}" for p in ps) for w, ps in zip(("go", "back"), talk, strict=True)
    )
    assert transcript(Utt("noise3c0", 3, "noise", "", "-", silent)) == ()


def test_generic_phones_come_first() -> None:
    phones = phone_set([(("t", "s"),), as_command("stop", (("s", "t"),)), (("a",),)])
    assert phones == ["<eps>", "SIL", "a", "s", "t", "stop:s", "stop:t"]
    assert num_generic(phones) == 4  # silence, a, s, t: the [unk] filler's phones


def test_command_words_get_only_their_own_phones() -> None:
    trans = [as_command("stop", phonemize("stop")), phonemize("soft stop")]
    phones = phone_set(trans)
    lex = lexicon(["stop", "soft"], phones, ("stop",))
    assert lex["stop"] and all(phones[i].startswith("stop:") for pron in lex["stop"] for i in pron)
    assert all(":" not in phones[i] for pron in lex["soft"] for i in pron)
