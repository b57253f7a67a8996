"""The pure-Python FST writer and the runtime-grammar graph."""

from __future__ import annotations

import struct
from pathlib import Path

from skill.commands import vocabulary
from skill.model.fst import Fst, read_header
from skill.model.graph import Lang, UnkCosts, hcl, tid_forward, tid_self, write_graph


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
    assert names == ["Gr.fst", "HCLr.fst", "disambig_tid.int", "lang.json", "words.txt"]
    assert (tmp_path / "words.txt").read_text().splitlines()[1] == "[unk] 1"
    f = hcl(lang, UnkCosts())
    heavier = hcl(lang, UnkCosts(per_frame=2.0))
    assert f.num_states == heavier.num_states
    assert read_header((tmp_path / "HCLr.fst").read_bytes())[1] == f.num_states
