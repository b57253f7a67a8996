"""The training recipe: synthesize, features, flat start, (train, realign) x N, export, tune."""

from __future__ import annotations

import logging
import platform
import random
import shutil
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from skill.commands import all_phrases, vocabulary
from skill.model import manifest
from skill.model.graph import UNK, Lang, UnkCosts
from skill.train import align, data, export, nnet
from skill.train.features import DIM, mfcc_all, online_cmn
from skill.train.lexicon import lexicon, num_generic, phone_set
from skill.train.specaug import LogMelAugment, noise_bank
from skill.train.synth import DEV_VOICES, training_voices
from skill.train.tune import UNK_COSTS, parse_costs, retune

log = logging.getLogger(__name__)
VERSION = "1.0.0"


@dataclass(frozen=True)
class Settings:
    """Everything that determines the model (recorded in the manifest)."""

    seed: int = 1  #: seeds data synthesis, augmentation, dither and training
    scale: float = 1.0  #: size of the synthetic data set
    hidden: int = 384  #: TDNN width (256 until the seventeenth session; models/README.md)
    #: each TDNN layer's dilation (``nnet.DILATIONS``: 1, 1, 1, 1, a context of 16 frames each
    #: side); models/README.md, "Wider context"
    dilations: tuple[int, ...] = nnet.DILATIONS
    #: epochs per alignment pass (realign between); 3,3,3,7 until the twentieth session
    epochs: tuple[int, ...] = (3, 3, 3, 9)
    lr: float = 2e-3  #: peak learning rate (one-cycle)
    #: training chunks per step (``nnet.train``); 16 tried in the twenty-first session, not
    #: kept (models/README.md, "Batches of 16")
    batch: int = 8
    specaug: bool = True  #: log-mel warping + masking during training (after the flat start)
    #: with ``specaug``: share of the training chunks that hear noise or a babble of other
    #: chunks mixed in on the fly, 0-20 dB below them (``specaug.LogMelAugment``); tried at
    #: 0.5 in the ninth and twenty-fourth sessions and not kept (models/README.md): 0, none
    noise_mix: float = 0.0
    #: command clips labelled with command-specific phones; the [unk] filler is made of the
    #: generic ones and may use the command phones at an extra cost (see models/README.md)
    command_phones: bool = True
    #: drawn-out ends, short talk, bits of talk and words said alone by more voices, in the
    #: training and the development set (see models/README.md)
    said_alone: bool = True
    unk_costs: str = UNK_COSTS  #: [unk] costs tried (``tune.parse_costs``)
    #: the network hears features normalized online by their recent mean, as Vosk does when
    #: the model ships ``am/global_cmvn.stats`` (``features.online_cmn``; models/README.md)
    cmn: bool = True
    #: half the training clips coloured by a random microphone's response, not a tilt
    #: (``augment.microphone``; models/README.md)
    microphones: bool = True
    #: every clip gets one more copy, said in a room (``data.ROOM_SHARE``; models/README.md)
    rooms: bool = True
    #: some copies heard through a narrowband channel (``data.NARROW_SHARE``; models/README.md,
    #: "Narrowband copies")
    narrowband: bool = True
    #: some copies clipped by an overdriven microphone (``data.OVERDRIVE_SHARE``): tried in the
    #: twenty-fifth session, not kept (models/README.md, "Clipped speech")
    overdrive: bool = False
    #: some copies at a quiet microphone's level, their peak at -50 to -30 dBFS
    #: (``data.QUIET_SHARE``): shipped since the twenty-ninth session, whose development set
    #: scored it 0.166 against 0.128 (models/README.md, "Quiet microphones")
    quiet: bool = True
    #: some copies with music playing in the room, and clips of music alone
    #: (``data.MUSIC_SHARE``, ``music.py``): tried in the thirty-second session, not kept
    #: (models/README.md, "Music in the room"): off
    music: bool = False
    #: the network's forward pass in training runs in bfloat16 (``nnet.train``): a rebuild 7
    #: minutes shorter on a CPU with AVX512-BF16, the exported network float32 as before; off
    #: in the nineteenth session (its two trainings scored lower on the development set), on
    #: since the twentieth, with ``command_talk`` (models/README.md, "Training in bfloat16")
    bf16: bool = True
    #: ordinary sentences with command words inside them in the training talk
    #: (``text.TALK_COMMAND_WORDS``; models/README.md, "Training talk with command words
    #: inside"; shipped since the twentieth session)
    command_talk: bool = True
    #: some training commands, words and talk start with a faint breath (``data.BREATH``; the
    #: development set always has them); tried in the seventeenth session and not kept
    #: (models/README.md): off
    breaths: bool = False
    #: accented speakers (``synth.ACCENTED``: MBROLA voices of other languages speaking
    #: English) say commands, words and talk; a tie on the development set in the
    #: twenty-sixth session, shipped since the twenty-seventh, when the development set got
    #: an accented voice (models/README.md, "Accented speakers", "An accented development
    #: voice")
    accents: bool = True
    #: the alignment passes (all but the last of ``epochs``) train on each base utterance's
    #: first copy only, the light copy they align (about a third of the chunks, so a third
    #: of those passes' time); the last pass trains on every copy. Tried in the thirty-first
    #: session, not kept: two trainings scored lower on the development set
    #: (models/README.md, "Aligning on the first copies"): off
    align_first_copies: bool = False


def _labels(
    utts: list[data.Utt],
    words: list[list[list[int]]],
    feats: list[np.ndarray],
    per_base: dict[int, np.ndarray],
) -> list[np.ndarray]:
    return [
        align.full_rate(per_base[u.base], len(f))
        if u.base in per_base
        else np.zeros(len(f), dtype=np.int64)
        for u, f in zip(utts, feats, strict=True)
    ]


def pass_order(s: Settings, it: int, n: int, first: np.ndarray) -> np.ndarray:
    """The utterances (indices of ``n``) that pass ``it`` of ``s.epochs`` trains on, shuffled
    from the seed: all of them, or with ``s.align_first_copies`` in the alignment passes (all
    but the last) only ``first``, the first copies."""
    shuffle = np.random.default_rng([s.seed, it])
    if s.align_first_copies and it < len(s.epochs) - 1:
        return shuffle.permutation(first)
    return shuffle.permutation(n)


def run(s: Settings, out: Path, work: Path) -> dict[str, Any]:
    t0 = time.time()
    random.seed(s.seed)
    np.random.seed(s.seed)
    torch.manual_seed(s.seed)
    torch.set_num_threads(2)
    train = data.training_set(
        s.seed,
        s.scale,
        s.said_alone,
        data.Acoustics(s.microphones, s.rooms, s.narrowband, s.overdrive, s.quiet, s.music),
        s.breaths,
        s.command_talk,
        s.accents,
    )
    dev = data.dev_set(s.seed, s.said_alone)
    log.info("data: %d train, %d dev utterances (%.0f s)", len(train), len(dev), time.time() - t0)
    _fit(s, train, work, t0)
    # the training data, its features and chunks die with ``_fit``, before the tuning forks
    # its decoders from this process (``tune.hear_costs``): the rebuild's peak RSS 11.9 GB,
    # 13.7 before; not faster (models/README.md, "Rebuild from scratch")
    del train
    return finish(s, out, work, dev)


def _fit(s: Settings, train: list[data.Utt], work: Path, t0: float) -> None:
    """Features, flat start, (train, realign) x ``s.epochs``; the network to ``work/net.pt``."""
    trans = [data.transcript(u, s.command_phones) for u in train]
    phones = phone_set(list(trans))
    pid = {p: i for i, p in enumerate(phones)}
    words = [[[pid[p] for p in w] for w in t] for t in trans]
    feats = mfcc_all([u.audio for u in train], s.seed)
    cmn_mean = np.concatenate(feats).mean(0) if s.cmn else None
    if cmn_mean is not None:
        feats = [online_cmn(f, cmn_mean) for f in feats]
    allf = np.concatenate(feats)
    mean, std = allf.mean(0), allf.std(0) + 1e-5
    normed = [((f - mean) / std).astype(np.float16) for f in feats]
    log.info(
        "features: %d frames, %d phones (%.0f s)", len(allf), len(phones) - 1, time.time() - t0
    )
    reps = {u.base: i for i, u in enumerate(train) if u.uid.endswith("c0")}
    first = np.array(sorted(reps.values()))
    per_base = {b: align.flat(words[i], train[i].audio, len(feats[i])) for b, i in reps.items()}
    npdf = len(phones) - 1
    net = nnet.Tdnn(DIM, s.hidden, npdf, dilations=s.dilations)
    gen = torch.Generator().manual_seed(s.seed)
    priors = np.ones(npdf) / npdf
    acc = 0.0
    bank = noise_bank(s.seed) if s.specaug and s.noise_mix > 0 else None
    for it, epochs in enumerate(s.epochs):
        labels = _labels(train, words, feats, per_base)
        counts = np.bincount(np.concatenate(labels), minlength=npdf) + 1.0
        priors = counts / counts.sum()
        x, y = nnet.chunks(normed, labels, pass_order(s, it, len(normed), first), net.context)
        log.info("pass %d: %d chunks (%.0f s)", it, len(x), time.time() - t0)
        aug = (
            LogMelAugment(mean, std, gen, noise=bank, mix=s.noise_mix)
            if s.specaug and it > 0
            else None
        )
        acc = nnet.train(
            net,
            x,
            y,
            epochs,
            s.lr if it == 0 else s.lr / 2,
            gen,
            batch=s.batch,
            augment=aug,
            bf16=s.bf16,
        )
        if it == len(s.epochs) - 1:
            break
        changed = total = 0
        for b, i in reps.items():
            new = align.viterbi(nnet.log_posteriors(net, (feats[i] - mean) / std), words[i], priors)
            if new is not None:
                changed += int((new != per_base[b]).sum())
                total += len(new)
                per_base[b] = new
        log.info(
            "realigned: %.3f of frames changed (%.0f s)", changed / max(1, total), time.time() - t0
        )
    stats = {
        "utterances": len(train),
        "hours": round(sum(len(u.audio) for u in train) / 16000 / 3600, 2),
        "final_frame_accuracy": round(acc, 3),
        "training_seconds": round(time.time() - t0),
    }
    torch.save(
        {
            "net": net.state_dict(),
            "mean": mean,
            "std": std,
            "priors": priors,
            "cmn_mean": cmn_mean,
            "phones": phones,
            "dilations": s.dilations,
            "stats": stats,
        },
        work / "net.pt",
    )


def finish(s: Settings, out: Path, work: Path, dev: list[data.Utt] | None = None) -> dict[str, Any]:
    """Export ``work/net.pt`` to ``out``, tune rejection on the dev set, write the manifest."""
    t0 = time.time()
    ck = torch.load(work / "net.pt", weights_only=False)
    # the network's own dilations: with other ones its weights load all the same, and export wrong
    s = replace(s, dilations=tuple(ck.get("dilations", nnet.DILATIONS)))
    phones: list[str] = ck["phones"]
    npdf = len(phones) - 1
    net = nnet.Tdnn(DIM, s.hidden, npdf, dilations=s.dilations)
    net.load_state_dict(ck["net"])
    net.eval()
    dev = dev if dev is not None else data.dev_set(s.seed, s.said_alone)
    lang = Lang(
        ["<eps>", UNK, *vocabulary()],
        lexicon(vocabulary(), phones, tuple(all_phrases()) if s.command_phones else ()),
        npdf,
        all_phrases(),
        num_generic(phones) if s.command_phones else 0,
    )
    shutil.rmtree(out, ignore_errors=True)
    layers = nnet.export_layers(net, ck["mean"], ck["std"])
    export.write_model(
        out, lang, DIM, layers, ck["priors"], UnkCosts(), ck.get("cmn_mean"), s.dilations
    )
    info = {
        "name": out.name,
        "version": VERSION,
        "format": "vosk (kaldi nnet3 binary, runtime grammar)",
        "rebuild": f"python -m skill.train --seed {s.seed} --out models/{out.name}",
        "training": {
            **asdict(s),
            **ck.get("stats", {}),
            "torch": torch.__version__,
            "python": platform.python_version(),
            "phones": phones[1:],
        },
        "voices": sorted({v.key for v in training_voices(s.accents)}),
    }
    manifest.write(out, info)
    tuned = retune(out, s.seed, parse_costs(s.unk_costs), dev)
    log.info(
        "tuned on dev (%s): %s (%.0f s)",
        ", ".join(v.key for v in DEV_VOICES),
        tuned["dev"],
        time.time() - t0,
    )
    return tuned
