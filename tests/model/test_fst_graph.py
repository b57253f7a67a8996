"""The pure-Python FST writer and the runtime-grammar graph."""

from __future__ import annotations

import json
import struct
from dataclasses import replace
from pathlib import Path

from skill.commands import vocabulary
from skill.model.fst import Fst, read_header
from skill.model.graph import (
    Lang,
    UnkCosts,
    hcl,
    pdf_of,
    positional,
    tid_forward,
    tid_self,
    word_boundary,
    word_phones,
    write_graph,
)


def test_vector_fst_layout() -> None:
    f = Fst()
    a, b = f.add_state(), f.add_state()
    f.start = a
    f.add_arc(a, 3, 1, 0.5, b)
    f.set_final(b, 0.25)
    data = f.to_bytes()
    assert read_header(data) == (0, 2, 1)
    assert data.endswith(struct.pack("<fq", 0.25, 0))


def test_transition_ids_are_distinct() -> None:
    ids = {t for p in range(1, 40) for t in (tid_self(p), tid_forward(p))}
    assert len(ids) == 78 and min(ids) == 1


def test_graph_files(model_dir: Path, tmp_path: Path) -> None:
    lang = Lang.load(model_dir / "graph" / "lang.json")
    assert set(vocabulary()) <= set(lang.words)
    write_graph(tmp_path, lang, UnkCosts())
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["Gr.fst", "HCLr.fst", "disambig_tid.int", "lang.json", "phones", "words.txt"]
    assert (tmp_path / "words.txt").read_text().splitlines()[1] == "[unk] 1"
    f = hcl(lang, UnkCosts())
    heavier = hcl(lang, UnkCosts(per_frame=2.0))
    assert f.num_states == heavier.num_states
    assert read_header((tmp_path / "HCLr.fst").read_bytes())[1] == f.num_states


def test_word_position_phones_share_a_pdf() -> None:
    assert [pdf_of(positional(5, p)) for p in ("begin", "end", "internal", "singleton")] == [4] * 4
    assert pdf_of(1) == 0
    assert word_phones([3]) == [positional(3, "singleton")]
    assert word_phones([3, 4, 5]) == [
        positional(3, "begin"),
        positional(4, "internal"),
        positional(5, "end"),
    ]
    lines = word_boundary(3).splitlines()
    assert lines[0] == "1 nonword" and len(lines) == 9 and lines[-1] == "9 singleton"


def test_one_phrase_per_utterance(model_dir: Path) -> None:
    lang = Lang.load(model_dir / "graph" / "lang.json")
    f = hcl(lang, UnkCosts())
    wid = {w: i for i, w in enumerate(lang.words)}
    entries = {a.olabel for a in f.arcs[f.start] if a.olabel}
    assert wid["next"] in entries and wid["[unk]"] in entries
    after = {a.olabel for a in f.arcs[1] if a.olabel}  # state 1: after a phrase
    assert after == {wid["[unk]"]}


def _phones_in(f: Fst) -> set[int]:
    """Graph phones on any arc (a transition-id belongs to phone (tid + 1) // 2)."""
    return {(a.ilabel + 1) // 2 for arcs in f.arcs for a in arcs if a.ilabel}


def test_filler_is_made_of_generic_phones_only(tmp_path: Path) -> None:
    # base phones: 1 silence, 2-3 generic, 4-5 the command word's own
    lang = Lang(["<eps>", "[unk]", "stop"], {"stop": [[4, 5]]}, 5, ["stop"], filler_phones=3)
    seen = _phones_in(hcl(lang, UnkCosts()))
    assert {positional(b, p) for b in (2, 3) for p in ("begin", "singleton")} <= seen
    assert positional(4, "singleton") not in seen and positional(5, "begin") not in seen
    assert {positional(4, "begin"), positional(5, "end")} <= seen  # the word itself
    everything = _phones_in(hcl(replace(lang, filler_phones=0), UnkCosts()))
    assert positional(4, "singleton") in everything
    lang.save(tmp_path / "lang.json")
    assert Lang.load(tmp_path / "lang.json") == lang


def test_filler_may_use_command_phones_at_an_extra_cost() -> None:
    lang = Lang(["<eps>", "[unk]", "stop"], {"stop": [[4, 5]]}, 5, ["stop"], filler_phones=3)
    f = hcl(lang, UnkCosts(per_frame=0.5, command_phone=2.0))

    def self_loop_costs(base: int) -> set[float]:
        tid = tid_self(positional(base, "singleton"))
        return {a.weight for arcs in f.arcs for a in arcs if a.ilabel == tid}

    assert self_loop_costs(2) == {0.5}
    assert self_loop_costs(4) == {2.5}  # a command phone, only inside [unk]
    assert positional(4, "singleton") not in _phones_in(hcl(lang, UnkCosts(per_frame=0.5)))


def test_command_phones_in_the_filler_may_cost_once_instead() -> None:
    lang = Lang(["<eps>", "[unk]", "stop"], {"stop": [[4, 5]]}, 5, ["stop"], filler_phones=3)
    plain = hcl(lang, UnkCosts(per_frame=0.5, command_phone=0.0))
    once = hcl(lang, UnkCosts(per_frame=0.5, command_phone=0.0, command_entry=3.0))
    eps = [a.weight for arcs in once.arcs for a in arcs if a.ilabel == 0 and a.olabel == 0]
    assert 3.0 in eps and 3.0 not in [
        a.weight for arcs in plain.arcs for a in arcs if a.ilabel == 0 and a.olabel == 0
    ]
    # the generic phones keep a path that never pays it
    assert once.num_states > plain.num_states
    assert positional(4, "singleton") in _phones_in(once)


def test_lang_without_filler_field_uses_every_phone(tmp_path: Path) -> None:
    path = tmp_path / "lang.json"
    path.write_text(json.dumps({"words": ["<eps>"], "lexicon": {}, "num_phones": 3, "phrases": []}))
    assert Lang.load(path).filler_phones == 0
