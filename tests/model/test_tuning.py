"""The tuning loop on the real recognizer: a tiny development set, two [unk] costs."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from skill.model.graph import Lang, UnkCosts, write_graph
from skill.train.data import Utt
from skill.train.tune import Heard, Streams, hear_costs, over_babble, talk_stream, tune

from .conftest import DATA, pcm


def utt(kind: str, name: str, text: str) -> Utt:
    audio = np.frombuffer(pcm(DATA / name), dtype=np.int16)
    return Utt(name, 0, kind, text, "test", audio)


def dev_utts() -> list[Utt]:
    """A tiny development set: two commands, a word and talk."""
    return [
        utt("cmd", "pause__pause__1.wav", "pause"),
        utt("cmd", "slower__slow_down__0.wav", "slow down"),
        utt("word", "talk__joe.wav", ""),
        utt("talk", "talk__joe.wav", ""),
    ]


def test_tune_keeps_the_best_cost_and_writes_its_graph(model_copy: Path, tmp_path: Path) -> None:
    utts = dev_utts()
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


def heard_words(heard: Heard) -> list[list[tuple[str, float, float]]]:
    """Every stream's final results as (the words heard but [unk], their start and end)."""
    streams = [finals for _, finals in heard.commands] + heard.words
    streams += [heard.talk, heard.talk_babble]
    known = [[(h.text.replace("[unk]", "").split(), h) for h, _ in finals] for finals in streams]
    return [[(" ".join(w), h.start, h.end) for w, h in finals if w] for finals in known]


def test_the_costs_decoded_in_parallel_hear_what_one_process_hears(model_copy: Path) -> None:
    utts = dev_utts()
    streams = Streams(
        model_copy,
        Lang.load(model_copy / "graph" / "lang.json"),
        utts[:2],
        utts[2:3],
        talk_stream(utts, 0),
        over_babble(utts, 0),
    )
    costs = [UnkCosts(per_frame=1.0, command_phone=0.1), UnkCosts(per_frame=0.5)]
    alone = [heard_words(h) for h in hear_costs(streams, costs, workers=1)]
    apart = [heard_words(h) for h in hear_costs(streams, costs, workers=2)]
    # (Vosk's dither goes on through everything a process decodes: it moves the last digits
    # of times and may move the [unk] around a phrase, not the known words or their times)
    assert alone[0] != alone[1]  # two costs, two graphs: the talk is heard differently
    assert sum(len(finals) for finals in alone[0]) > 5
    for one, other in zip(alone, apart, strict=True):
        assert [[w for w, _, _ in f] for f in one] == [[w for w, _, _ in f] for f in other]
        times = [(a, b) for f, g in zip(one, other, strict=True) for a, b in zip(f, g, strict=True)]
        assert all(abs(a[1] - b[1]) < 0.05 and abs(a[2] - b[2]) < 0.05 for a, b in times)
