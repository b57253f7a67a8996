"""The tuning loop on the real recognizer: a tiny development set, two [unk] costs."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from skill.model.graph import Lang, UnkCosts, write_graph
from skill.train.data import Utt
from skill.train.tune import tune

from .conftest import DATA, pcm


def utt(kind: str, name: str, text: str) -> Utt:
    audio = np.frombuffer(pcm(DATA / name), dtype=np.int16)
    return Utt(name, 0, kind, text, "test", audio)


def test_tune_keeps_the_best_cost_and_writes_its_graph(model_copy: Path, tmp_path: Path) -> None:
    utts = [
        utt("cmd", "pause__pause__1.wav", "pause"),
        utt("cmd", "slower__slow_down__0.wav", "slow down"),
        utt("word", "talk__joe.wav", ""),
        utt("talk", "talk__joe.wav", ""),
    ]
    lang = Lang.load(model_copy / "graph" / "lang.json")
    costs = [UnkCosts(per_frame=1.0, command_phone=0.1), UnkCosts(per_frame=1.0)]
    best = tune(model_copy, lang, utts, costs)
    assert best.unk in costs
    assert 0.0 <= best.accuracy <= 1.0 and 0.0 <= best.words_accepted <= 1.0
    assert best.false_accepts_per_hour >= 0.0
    # the graph left behind is the chosen cost's, not the last one tried
    write_graph(tmp_path, lang, best.unk)
    left = (model_copy / "graph" / "HCLr.fst").read_bytes()
    assert left == (tmp_path / "HCLr.fst").read_bytes()
