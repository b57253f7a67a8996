"""The tuning loop on the real recognizer: a tiny development set, two [unk] costs."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from skill.model.graph import Lang, UnkCosts, write_graph
from skill.train.data import Utt
from skill.train.tune import Streams, hear_costs, over_babble, over_music, talk_stream, tune

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


def dev_streams(model_dir: Path) -> Streams:
    """The tiny development set as the streams each cost's decode hears."""
    utts = dev_utts()
    return Streams(
        model_dir,
        Lang.load(model_dir / "graph" / "lang.json"),
        utts[:2],
        utts[2:3],
        talk_stream(utts, 0),
        over_babble(utts, 0),
        over_music(utts, 0),
    )


#: more costs than the two workers of the tests below
THREE_COSTS = [UnkCosts(per_frame=f, command_phone=0.1) for f in (1.0, 0.8, 0.6)]


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


def test_the_costs_decoded_in_parallel_hear_what_one_process_hears(model_copy: Path) -> None:
    # Vosk dithers its input from one random sequence per process, so the same stream may be
    # heard a little differently after other streams (a word more in babble); without the
    # dither the decode depends on nothing but the audio and the graph
    conf = model_copy / "conf" / "mfcc.conf"
    conf.write_text(conf.read_text().replace("--dither=1.0", "--dither=0.0"))
    streams = dev_streams(model_copy)
    costs = [UnkCosts(per_frame=1.0, command_phone=0.1), UnkCosts(per_frame=0.5)]
    alone = hear_costs(streams, costs, workers=1)
    assert alone[0].talk != alone[1].talk  # two costs, two graphs: the talk is heard differently
    assert sum(len(finals) for finals in (alone[0].talk, alone[0].talk_babble)) > 5
    assert hear_costs(streams, costs, workers=2) == alone


def test_each_cost_is_heard_the_same_wherever_it_falls_among_the_workers(model_copy: Path) -> None:
    # with the model's dither on, a worker that decoded one cost would hear the next one from
    # further along its random sequence; each cost gets a fresh worker, forked from this process
    streams = dev_streams(model_copy)
    forward = hear_costs(streams, THREE_COSTS, workers=2)
    backward = hear_costs(streams, THREE_COSTS[::-1], workers=2)
    assert forward == backward[::-1]


def test_one_cpu_hears_each_cost_as_two_cpus_do(model_copy: Path) -> None:
    # with the model's dither on, one process decoding the costs one after the other would
    # hear the second from further along its random sequence than a second CPU's worker does:
    # a machine's number of CPUs would change the tuned model
    streams = dev_streams(model_copy)
    one, two = (hear_costs(streams, THREE_COSTS, workers=w) for w in (1, 2))
    assert one == two
