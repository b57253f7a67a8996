"""Rebuild the command model from scratch: ``python -m skill.train --seed N --out models/NAME``."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import time
from pathlib import Path

from skill.train.pipeline import Settings, finish, run

#: the recipe's on/off settings (``Settings`` fields), each a --NAME / --no-NAME flag
SWITCHES = {
    "command_phones": "command-specific phones for command clips",
    "said_alone": "drawn-out ends, more words and bits of talk said alone",
    "cmn": "features normalized online by their recent mean, as Vosk does",
    "microphones": "half the clips coloured by a random microphone's response",
    "rooms": "every clip gets one more copy, said in a room",
    "narrowband": "some copies heard through a narrowband channel (a Bluetooth headset)",
    "overdrive": "some copies clipped by an overdriven microphone",
    "quiet": "some copies at a quiet microphone's level (peak -50 to -30 dBFS)",
    "music": "some copies with music playing in the room, and clips of music alone",
    "breaths": "some commands, words and talk start with a faint breath",
    "command_talk": "ordinary sentences with command words inside them in the training talk",
    "accents": "accented speakers (MBROLA voices of other languages) in the training data",
    "align_first_copies": "the alignment passes train on the first copy of each clip only",
    "bf16": "the network's forward pass in training in bfloat16 (faster, same model format)",
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m skill.train", description=__doc__)
    d = Settings()
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--scale", type=float, default=d.scale, help="data size (1.0 = full recipe)")
    p.add_argument("--hidden", type=int, default=d.hidden)
    p.add_argument(
        "--epochs", type=str, default=",".join(map(str, d.epochs)), help="epochs per alignment pass"
    )
    for name, text in SWITCHES.items():
        p.add_argument(
            f"--{name.replace('_', '-')}",
            action=argparse.BooleanOptionalAction,
            default=getattr(d, name),
            help=f"{text} (models/README.md)",
        )
    p.add_argument(
        "--noise-mix",
        type=float,
        default=d.noise_mix,
        help="share of training chunks with noise or babble mixed in on the fly (0: none)",
    )
    p.add_argument(
        "--dilations",
        type=str,
        default=",".join(map(str, d.dilations)),
        help="each TDNN layer's dilation (1,1,1,1: 16 frames of context each side)",
    )
    p.add_argument("--lr", type=float, default=d.lr, help="peak learning rate")
    p.add_argument("--batch", type=int, default=d.batch, help="training chunks per step")
    p.add_argument("--work", type=Path, default=None, help="scratch dir (default OUT.work)")
    p.add_argument("--keep-work", action="store_true", help="keep the scratch dir")
    p.add_argument(
        "--export-only",
        action="store_true",
        help="skip training: export + tune from WORK/net.pt of an earlier run",
    )
    a = p.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stdout
    )
    t0 = time.time()
    work = a.work or a.out.with_name(a.out.name + ".work")
    s = Settings(
        seed=a.seed,
        scale=a.scale,
        hidden=a.hidden,
        epochs=tuple(int(e) for e in a.epochs.split(",")),
        dilations=tuple(int(d) for d in a.dilations.split(",")),
        lr=a.lr,
        batch=a.batch,
        noise_mix=a.noise_mix,
        **{name: getattr(a, name) for name in SWITCHES},
    )
    if a.export_only:
        finish(s, a.out, work)
    else:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        run(s, a.out, work)
    if not a.keep_work:
        shutil.rmtree(work, ignore_errors=True)
    logging.info("model written to %s in %.0f s", a.out, time.time() - t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
