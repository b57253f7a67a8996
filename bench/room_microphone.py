"""Diagnostic (not a column of ``model_accuracy.py``): the held-out clips in the benchmark's
reverberant room (RT60 0.5 s), then through its coloured microphones in turn, as a real user
is heard; models/README.md, "Rooms".

usage: python bench/room_microphone.py MODEL_DIR...
"""

from __future__ import annotations

import sys
from pathlib import Path

import heldout
import model_accuracy as M
import numpy as np

from skill.commands import all_phrases, parse
from skill.model.recognizer import CommandRecognizer
from skill.train import augment as A


def main(models: list[str]) -> int:
    phrases = all_phrases()
    rng = np.random.default_rng(21)
    said = [(v, ph) for v in heldout.VOICES for ph in phrases]
    clips = []
    for i, (v, ph) in enumerate(said):
        x = M.condition(heldout.synth(v, ph), "reverb RT60 0.5 s", rng, [], [])
        y = M.sox(x, M.MICROPHONES[i % len(M.MICROPHONES)])
        clips.append((ph, A.to_int16(y.astype(np.float64), 0.5)))
    for model in models:
        rec = CommandRecognizer(Path(model))
        rec.set_phrases(phrases)
        ok = sum(M.decode(rec, x) == [parse(ph)] for ph, x in clips)
        print(f"{model}: room and microphone {100 * ok / len(clips):.1f}% of {len(clips)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
