"""Pronunciations from espeak-ng (``-x`` phoneme mnemonics), the phone set and the lexicon."""

from __future__ import annotations

import functools
import subprocess

SIL = "SIL"
_STRIP = str.maketrans("", "", "',%=;:")


def _norm(phone: str) -> str:
    """Merge espeak's allophone variants (``t#``, ``t2``, ``I2``, ``i@3``) into their base phone."""
    p = phone.translate(_STRIP)
    while len(p) > 1 and p[-1] in "0123456789#":
        p = p[:-1]
    return p


def _clean(token: str) -> list[str]:
    return [q for q in (_norm(p) for p in token.split("_")) if q]


@functools.cache
def phonemize(text: str, voice: str = "en-us") -> tuple[tuple[str, ...], ...]:
    """The phones of every word of ``text`` (one tuple per word) as espeak-ng ``voice`` says them.

    Falls back to word-by-word when espeak merges or splits words.
    """
    out = subprocess.run(
        ["espeak-ng", "-q", "-x", "--sep=_", "-v", voice, text],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = [tuple(_clean(t)) for t in out.split()]
    words = [w for w in words if w]
    if len(words) == len(text.split()):
        return tuple(words)
    return tuple(p for w in text.split() for p in phonemize(w, voice))


def phone_set(transcripts: list[tuple[tuple[str, ...], ...]]) -> list[str]:
    """Phone symbols by id: index 0 is ``<eps>``, 1 is silence, then sorted speech phones."""
    phones = sorted({p for t in transcripts for w in t for p in w})
    return ["<eps>", SIL, *phones]


def lexicon(
    words: list[str], phones: list[str], voices: tuple[str, ...] = ("en-us", "en-gb")
) -> dict[str, list[list[int]]]:
    """word -> distinct pronunciations (phone ids) from several espeak accents."""
    pid = {p: i for i, p in enumerate(phones)}
    lex: dict[str, list[list[int]]] = {}
    for w in words:
        prons: list[list[int]] = []
        for v in voices:
            (pron,) = phonemize(w, v)[:1] or ((),)
            ids = [pid[p] for p in pron if p in pid]
            if ids and len(ids) == len(pron) and ids not in prons:
                prons.append(ids)
        if not prons:
            raise ValueError(f"no pronunciation for {w!r}")
        lex[w] = prons
    return lex
