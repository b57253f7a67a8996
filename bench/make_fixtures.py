"""Write the small held-out test sample used by tests/model (committed, so CI needs no TTS).

One clip per command and held-out voice (phrase chosen round-robin), plus one talk clip.
usage: python bench/make_fixtures.py tests/model/data
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import heldout

from skill.commands import PHRASES, Command
from skill.train import augment as A


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    for k, c in enumerate(Command):
        for j, voice in enumerate(heldout.VOICES[:2]):
            phrase = PHRASES[c][(k + j) % len(PHRASES[c])]
            y = A.pad(heldout.synth(voice, phrase), 0.5, 0.8)
            y = A.mix(y, rng.normal(size=len(y)), 50)
            name = f"{c.value}__{phrase.replace(' ', '_').replace(chr(39), '')}__{j}.wav"
            heldout.write_wav(out / name, A.to_int16(y, 0.5))
    talk = [
        ln
        for ln in (Path(__file__).parent / "talk.txt").read_text().splitlines()
        if ln and not ln.startswith("#")
    ]
    parts = []
    for line in talk[::8]:
        parts += [heldout.synth(heldout.VOICES[0], line).astype(np.float64), np.zeros(8000)]
    y = np.concatenate(parts)
    heldout.write_wav(out / "talk__joe.wav", A.to_int16(A.mix(y, rng.normal(size=len(y)), 50), 0.5))
    return 0


if __name__ == "__main__":
    sys.exit(main())
