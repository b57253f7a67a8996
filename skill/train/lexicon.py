"""Pronunciations from espeak-ng (``-x`` phoneme mnemonics), the phone set and the lexicon.

Two kinds of phones: generic ones (``t``), used for every word of ordinary talk and by the
``[unk]`` filler, and command-specific ones (``stop:t``), used only for the words of a command
phrase spoken as a command. The network learns to tell "stop" said as a command from the same
sounds inside a sentence (labelled generic), and the filler, made of generic phones only, cannot
imitate a command the network recognizes as one.
"""

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


def specific(word: str, phone: str) -> str:
    """The command-specific phone of ``phone`` in command word ``word``."""
    return f"{word}:{phone}"


def is_specific(phone: str) -> bool:
    return ":" in phone


def as_command(text: str, phones: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """A command phrase's phones (one tuple per word) as command-specific phones."""
    return tuple(
        tuple(specific(w, p) for p in ps) for w, ps in zip(text.split(), phones, strict=True)
    )


def phone_set(transcripts: list[tuple[tuple[str, ...], ...]]) -> list[str]:
    """Phone symbols by id: index 0 is ``<eps>``, 1 is silence, then the sorted generic speech
    phones, then the sorted command-specific ones (so the generic ones are ids 1..n_generic)."""
    phones = sorted({p for t in transcripts for w in t for p in w})
    return ["<eps>", SIL, *(p for p in phones if not is_specific(p)), *filter(is_specific, phones)]


def num_generic(phones: list[str]) -> int:
    """Silence plus the generic speech phones: base phone ids 1..this (the ``[unk]`` filler's)."""
    return sum(1 for p in phones[1:] if not is_specific(p))


def lexicon(
    words: list[str],
    phones: list[str],
    phrases: tuple[str, ...] = (),
    voices: tuple[str, ...] = ("en-us", "en-gb"),
) -> dict[str, list[list[int]]]:
    """word -> distinct pronunciations (phone ids): as each phrase of ``phrases`` is said (the
    training transcripts), then each word alone in several espeak accents. A word that has
    command-specific phones gets only pronunciations made of them."""
    pid = {p: i for i, p in enumerate(phones)}
    said: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        for w, pron in zip(phrase.split(), phonemize(phrase, "en-us"), strict=True):
            said.setdefault(w, []).append(pron)
    lex: dict[str, list[list[int]]] = {}
    for w in words:
        own = any(p.startswith(specific(w, "")) for p in pid)
        prons: list[list[int]] = []
        for pron in [*said.get(w, []), *(q for v in voices for q in phonemize(w, v)[:1])]:
            ids = [pid.get(specific(w, p) if own else p, 0) for p in pron]
            if ids and all(ids) and ids not in prons:
                prons.append(ids)
        if not prons:
            raise ValueError(f"no pronunciation for {w!r}")
        lex[w] = prons
    return lex
