"""Write a Vosk model directory: am/final.mdl (Kaldi text), conf/, graph/ (no Kaldi binaries)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from skill.model.graph import Lang, UnkCosts, num_positional, pdf_of, write_graph
from skill.train.features import MFCC_CONF
from skill.train.nnet import CONTEXT, SPLICE, SUB


def _mat(m: np.ndarray) -> str:
    rows = ["  " + " ".join(f"{v:.5g}" for v in r) for r in np.asarray(m, dtype=np.float32)]
    return "[\n" + "\n".join(rows) + " ]"


def _vec(v: np.ndarray) -> str:
    return "[ " + " ".join(f"{x:.6g}" for x in np.asarray(v, dtype=np.float32).ravel()) + " ]"


def transition_model(num_phones: int) -> str:
    """TransitionModel with one 1-state topology (self-loop + exit) shared by all graph phones
    (silence + 4 word-position copies of each speech phone, sharing its pdf)."""
    num_phones = num_positional(num_phones)
    phones = " ".join(str(p) for p in range(1, num_phones + 1))
    s = [
        "<TransitionModel>",
        "<Topology>",
        "<TopologyEntry>",
        "<ForPhones>",
        phones,
        "</ForPhones>",
        "<State> 0 <PdfClass> 0 <Transition> 0 0.5 <Transition> 1 0.5 </State>",
        "<State> 1 </State>",
        "</TopologyEntry>",
        "</Topology>",
        f"<Triples> {num_phones}",
    ]
    s += [f"{p} 0 {pdf_of(p)}" for p in range(1, num_phones + 1)]
    logp = [0.0] + [float(np.log(0.5))] * (2 * num_phones)
    s += [
        "</Triples>",
        "<LogProbs>",
        " [ " + " ".join(f"{v:.6f}" for v in logp) + " ]",
        "</LogProbs>",
        "</TransitionModel>",
    ]
    return "\n".join(s) + "\n"


def nnet3(dim: int, layers: list[tuple[np.ndarray, np.ndarray]], priors: np.ndarray) -> str:
    """nnet3 text: spliced affine + ReLU, TDNN affines over (-3, 0, 3), LogSoftmax output."""
    cfg = [f"input-node name=input dim={dim}"]
    comps = []
    prev = (
        "Append("
        + ", ".join(f"Offset(input, {o})" if o else "input" for o in range(-SPLICE, SPLICE + 1))
        + ")"
    )
    for i, (w, b) in enumerate(layers):
        name = f"affine{i}"
        cfg.append(f"component-node name={name} component={name} input={prev}")
        comps.append(
            f"<ComponentName> {name} <AffineComponent> <MaxChange> 0.75 <LearningRate> "
            f"0.001 <LinearParams> {_mat(w)}\n<BiasParams> {_vec(b)}\n"
            "<OrthonormalConstraint> 0 </AffineComponent>"
        )
        prev = name
        if i < len(layers) - 1:
            relu = f"relu{i}"
            cfg.append(f"component-node name={relu} component={relu} input={prev}")
            comps.append(
                f"<ComponentName> {relu} <RectifiedLinearComponent> <Dim> {w.shape[0]} "
                "<ValueAvg> [ ] <DerivAvg> [ ] <Count> 0 </RectifiedLinearComponent>"
            )
            prev = f"Append(Offset({relu}, -{SUB}), {relu}, Offset({relu}, {SUB}))"
            if i == len(layers) - 2:
                prev = relu
    out_dim = layers[-1][0].shape[0]
    cfg.append(f"component-node name=log_softmax component=log_softmax input={prev}")
    comps.append(
        f"<ComponentName> log_softmax <LogSoftmaxComponent> <Dim> {out_dim} "
        "<ValueAvg> [ ] <DerivAvg> [ ] <Count> 0 </LogSoftmaxComponent>"
    )
    cfg.append("output-node name=output input=log_softmax objective=linear")
    s = "<Nnet3> \n" + "\n".join(cfg) + "\n\n"
    s += f"<NumComponents> {len(comps)} \n" + "\n".join(comps) + "\n</Nnet3> \n"
    s += f"<LeftContext> {CONTEXT} <RightContext> {CONTEXT} <Priors> {_vec(priors)}\n"
    return s


def write_conf(conf: Path, beam: float = 10.0, max_active: int = 1000) -> None:
    """Vosk's feature and decoder settings. ``--phone-determinize=false``: Vosk's decoder
    determinizes the lattice as it goes, by default first on phones, then on words. On
    noise the model calls silence, the ``[unk]`` phone loop leaves a great many phone
    sequences within the lattice beam, and that first pass took 11-24 s for a 3 s burst
    (its 50 MB cap hit). Without it, the same burst takes under 0.1 s; on the development
    set, every command clip's and single word's result was identical and the talk's
    differed in 3 of 470 (models/README, "Noise bursts")."""
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "mfcc.conf").write_text("".join(f"--{k}={v}\n" for k, v in MFCC_CONF.items()))
    (conf / "model.conf").write_text(
        f"--min-active=200\n--max-active={max_active}\n--beam={beam}\n--lattice-beam=2.0\n"
        f"--acoustic-scale=1.0\n--frame-subsampling-factor={SUB}\n--endpoint.silence-phones=1\n"
        "--endpoint.rule2.min-trailing-silence=0.5\n--endpoint.rule3.min-trailing-silence=0.75\n"
        "--endpoint.rule4.min-trailing-silence=1.0\n--phone-determinize=false\n"
    )


def write_model(
    out: Path,
    lang: Lang,
    dim: int,
    layers: list[tuple[np.ndarray, np.ndarray]],
    priors: np.ndarray,
    unk: UnkCosts,
) -> None:
    """Write the whole model directory ``out`` (no manifest)."""
    (out / "am").mkdir(parents=True, exist_ok=True)
    (out / "am" / "final.mdl").write_text(
        transition_model(lang.num_phones) + nnet3(dim, layers, priors)
    )
    write_conf(out / "conf")
    write_graph(out / "graph", lang, unk)
