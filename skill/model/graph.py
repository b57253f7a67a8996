"""Decoding graphs for Vosk's runtime grammars: graph/HCLr.fst, Gr.fst, words.txt, disambig_tid.int.

HCLr accepts silence and ``[unk]`` (a phone loop whose per-frame cost controls rejection) around at
most one whole command phrase. Vosk composes it at runtime with the grammar the recognizer is given.
Phones use a 1-state topology (self-loop + forward transition) with frame subsampling 3.
Every speech phone has four word-position copies (begin, end, internal, singleton) that share one
pdf, so Vosk can word-align lattices (graph/phones/word_boundary.int) and report word times that
exclude the silence before a word.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

from skill.model.fst import Fst

SIL_PHONE = 1
UNK = "[unk]"
POSITIONS = ("begin", "end", "internal", "singleton")


def positional(base: int, position: str) -> int:
    """Graph phone id of speech phone ``base`` (>= 2) at a word ``position``."""
    return 2 + 4 * (base - 2) + POSITIONS.index(position)


def num_positional(num_phones: int) -> int:
    """How many graph phones ``num_phones`` base phones (silence included) become."""
    return 1 + 4 * (num_phones - 1)


def pdf_of(phone: int) -> int:
    """The acoustic model output (pdf) of graph phone ``phone``."""
    return 0 if phone == SIL_PHONE else (phone - 2) // 4 + 1


def word_boundary(num_phones: int) -> str:
    """Contents of graph/phones/word_boundary.int."""
    lines = [f"{SIL_PHONE} nonword"]
    lines += [f"{p} {POSITIONS[(p - 2) % 4]}" for p in range(2, num_positional(num_phones) + 1)]
    return "\n".join(lines) + "\n"


def word_phones(pron: list[int]) -> list[int]:
    """Base phones of one pronunciation -> position-dependent graph phones."""
    if len(pron) == 1:
        return [positional(pron[0], "singleton")]
    inner = [positional(p, "internal") for p in pron[1:-1]]
    return [positional(pron[0], "begin"), *inner, positional(pron[-1], "end")]


def tid_self(phone: int) -> int:
    """Transition-id of ``phone``'s self-loop (1-state topology)."""
    return 2 * phone - 1


def tid_forward(phone: int) -> int:
    """Transition-id of ``phone``'s forward (exit) transition."""
    return 2 * phone


@dataclass(frozen=True)
class Lang:
    """Words, lexicon and phone count of a model (``graph/lang.json``)."""

    words: list[str]  #: index = word id; words[0] == "<eps>", words[1] == "[unk]"
    lexicon: dict[str, list[list[int]]]  #: word -> pronunciations (base phone ids)
    num_phones: int  #: base phones 1..num_phones; 1 is silence
    phrases: list[str]  #: every phrase the graph can recognize
    #: base phones 2..filler_phones make up the ``[unk]`` filler (0: all of them); the others
    #: are command-specific phones, only ever heard in a command
    filler_phones: int = 0

    @staticmethod
    def load(path: Path) -> Lang:
        d = json.loads(path.read_text())
        return Lang(
            d["words"],
            d["lexicon"],
            int(d["num_phones"]),
            d["phrases"],
            int(d.get("filler_phones", 0)),
        )

    def save(self, path: Path) -> None:
        path.write_text(
            json.dumps(
                {
                    "words": self.words,
                    "lexicon": self.lexicon,
                    "num_phones": self.num_phones,
                    "phrases": self.phrases,
                    "filler_phones": self.filler_phones,
                }
            )
        )


@dataclass(frozen=True)
class UnkCosts:
    """Costs of the ``[unk]`` garbage path (tuned on the development set)."""

    entry: float = 0.0  #: once per [unk] word
    per_phone: float = 1.0  #: per phone inside [unk]
    per_frame: float = 0.5  #: per (subsampled) frame inside [unk]
    #: extra per-frame cost of a command-specific phone inside [unk] (None: [unk] never uses
    #: them); lets a word that only sounds like a command fall into [unk]
    command_phone: float | None = None
    #: with ``command_phone``: a cost paid once by an [unk] that uses any command-specific
    #: phone (None: none; the generic phones alone never pay it)
    command_entry: float | None = None


def _phone(
    f: Fst, src: int, phone: int, dst: int | None = None, cost: float = 0.0, frame_cost: float = 0.0
) -> int:
    """One phone from ``src`` (to ``dst`` or a new state), in Kaldi's "reordered" layout: the
    forward transition first, then the self-loop (what Vosk's lattice word alignment expects)."""
    m = f.add_state()
    f.add_arc(src, tid_forward(phone), 0, cost + frame_cost, m)
    f.add_arc(m, tid_self(phone), 0, frame_cost, m)
    nxt = f.add_state() if dst is None else dst
    f.add_arc(m, 0, 0, 0.0, nxt)
    return nxt


def _unk(f: Fst, src: int, dst: int, lang: Lang, unk: UnkCosts, label: int) -> None:
    """[unk] from ``src`` to ``dst``: one singleton phone, or begin (internal)* end; made of
    the generic phones, or (at ``command_entry`` more, once) of any phone."""
    u, mid, u2 = f.add_state(), f.add_state(), f.add_state()
    f.add_arc(src, 0, label, unk.entry, u)
    generic = lang.filler_phones or lang.num_phones
    free = unk.command_phone is not None and unk.command_entry is None
    _phone_loop(f, (u, mid, u2), lang.num_phones if free else generic, generic, unk)
    if unk.command_phone is not None and unk.command_entry is not None:
        any_phone, any_mid = f.add_state(), f.add_state()
        f.add_arc(u, 0, 0, unk.command_entry, any_phone)
        _phone_loop(f, (any_phone, any_mid, u2), lang.num_phones, generic, unk)
    f.add_arc(u2, 0, 0, 0.0, dst)


def _phone_loop(
    f: Fst, states: tuple[int, int, int], last: int, generic: int, unk: UnkCosts
) -> None:
    """One word of phones 2..``last`` through ``states`` (start, inside, end); phones above
    ``generic`` cost ``unk.command_phone`` more per frame."""
    u, mid, u2 = states
    extra = unk.command_phone or 0.0
    for b in range(SIL_PHONE + 1, last + 1):
        frame = unk.per_frame + (extra if b > generic else 0.0)
        _phone(f, u, positional(b, "singleton"), u2, 0.0, frame)
        _phone(f, u, positional(b, "begin"), mid, 0.0, frame)
        _phone(f, mid, positional(b, "internal"), mid, unk.per_phone, frame)
        _phone(f, mid, positional(b, "end"), u2, unk.per_phone, frame)


def hcl(lang: Lang, unk: UnkCosts) -> Fst:
    """One utterance: (silence | [unk])* then at most one whole phrase, then (silence | [unk])*.

    Vosk's runtime grammar is a loop over phrases, so a loop over words here would let the
    decoder end an utterance inside a second phrase ("quieter end..."); allowing one whole
    phrase per utterance (utterances are split by endpointing) rules that out.
    """
    f = Fst()
    s, t = f.add_state(), f.add_state()
    f.start = s
    wid = {w: i for i, w in enumerate(lang.words)}
    for state in (s, t):
        f.set_final(state, 0.0)
        _phone(f, state, SIL_PHONE, state)
        _unk(f, state, state, lang, unk, wid[UNK])
    for phrase in lang.phrases:
        for prons in itertools.product(*(lang.lexicon[w] for w in phrase.split())):
            cur = s
            for k, (w, pron) in enumerate(zip(phrase.split(), prons, strict=True)):
                nxt = f.add_state()
                f.add_arc(cur, 0, wid[w], 0.0, nxt)
                if k:  # an optional short pause between the words of a phrase
                    _phone(f, cur, SIL_PHONE, nxt, 1.0)
                cur = nxt
                for p in word_phones(pron):
                    cur = _phone(f, cur, p)
            f.add_arc(cur, 0, 0, 0.0, t)
    return f


def word_loop(num_words: int, cost: float = 2.0) -> Fst:
    """Default G (used when no grammar is given): a free loop over every word."""
    g = Fst()
    s = g.add_state()
    g.start = s
    g.set_final(s, 0.0)
    for i in range(1, num_words):
        g.add_arc(s, i, i, cost, s)
    return g


def write_graph(graph_dir: Path, lang: Lang, unk: UnkCosts) -> None:
    """Write HCLr.fst, Gr.fst, words.txt, disambig_tid.int, phones/word_boundary.int and
    lang.json into ``graph_dir``."""
    graph_dir.mkdir(parents=True, exist_ok=True)
    f = hcl(lang, unk)
    f.sort("olabel")
    f.write(graph_dir / "HCLr.fst")
    g = word_loop(len(lang.words))
    g.sort("ilabel")
    g.write(graph_dir / "Gr.fst")
    (graph_dir / "disambig_tid.int").write_text("")
    (graph_dir / "phones").mkdir(exist_ok=True)
    (graph_dir / "phones" / "word_boundary.int").write_text(word_boundary(lang.num_phones))
    (graph_dir / "words.txt").write_text("".join(f"{w} {i}\n" for i, w in enumerate(lang.words)))
    lang.save(graph_dir / "lang.json")
