"""Tune the [unk] per-frame cost and the decision rule on the development set (real Vosk)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.commands import parse
from skill.model.graph import Lang, UnkCosts, write_graph
from skill.model.recognizer import CommandRecognizer, Decision
from skill.train.data import Utt

log = logging.getLogger(__name__)
CHUNK_BYTES = 3200  # 0.1 s, like the microphone path


@dataclass(frozen=True)
class Score:
    unk: UnkCosts
    decision: Decision
    accuracy: float  #: command utterances recognized as the right command
    false_accepts: float  #: share of non-command utterances that gave a command

    @property
    def value(self) -> float:
        return self.accuracy - 3.0 * self.false_accepts


def decode(model_dir: Path, utts: list[Utt]) -> list[list[dict[str, Any]]]:
    """Raw Vosk results of every utterance, streamed in 0.1 s chunks with the full grammar."""
    rec = CommandRecognizer(model_dir, Decision(), verify=False, keep_results=True)
    out = []
    for u in utts:
        rec.results = []
        pcm = u.audio.tobytes()
        for i in range(0, len(pcm), CHUNK_BYTES):
            rec.accept(pcm[i : i + CHUNK_BYTES])
        rec.flush()
        rec.reset()
        out.append(rec.results)
    return out


def score(
    rec_results: list[list[dict[str, Any]]],
    utts: list[Utt],
    unk: UnkCosts,
    decision: Decision,
    model_dir: Path,
) -> Score:
    rec = CommandRecognizer(model_dir, decision, verify=False)
    ok = n_cmd = fa = n_neg = 0
    for u, results in zip(utts, rec_results, strict=True):
        got = [d.command for r in results for d in rec.detections(r)]
        if u.kind == "cmd":
            n_cmd += 1
            ok += got == [parse(u.text)]
        else:
            n_neg += 1
            fa += bool(got)
    return Score(unk, decision, ok / max(1, n_cmd), fa / max(1, n_neg))


def tune(model_dir: Path, lang: Lang, utts: list[Utt], frame_costs: list[float]) -> Score:
    """Try each per-frame [unk] cost and decision rule; write and return the best."""
    best: Score | None = None
    for fc in frame_costs:
        unk = UnkCosts(per_frame=fc)
        write_graph(model_dir / "graph", lang, unk)
        results = decode(model_dir, utts)
        for reject_unk in (True, False):
            for conf in (0.0, 0.5, 0.7, 0.85):
                s = score(results, utts, unk, Decision(conf, reject_unk), model_dir)
                log.info(
                    "dev: frame cost %.2f reject_unk %s min_conf %.2f -> acc %.3f FA %.3f",
                    fc,
                    reject_unk,
                    conf,
                    s.accuracy,
                    s.false_accepts,
                )
                if best is None or s.value > best.value:
                    best = s
    assert best is not None
    write_graph(model_dir / "graph", lang, best.unk)
    return best
