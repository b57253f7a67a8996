"""Write a Vosk model directory: am/final.mdl (Kaldi binary), conf/, graph/ (no Kaldi binaries)."""

from __future__ import annotations

import struct
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from skill.model.graph import Lang, UnkCosts, num_positional, pdf_of, write_graph
from skill.train.features import MFCC_CONF
from skill.train.nnet import DILATIONS, SPLICE, SUB, context


class KaldiWriter:
    """Kaldi's own writing rules (base/io-funcs, matrix Write), in binary or text form.

    Binary is what ships: a float is 4 bytes instead of about 11 characters, so the model is
    about 2.5 times smaller and loads faster. Text is for reading a model by eye; every float
    is written in full (``%.9g``), so both forms hold the same numbers."""

    def __init__(self, binary: bool) -> None:
        self.binary = binary
        self._parts: list[bytes] = [b"\0B"] if binary else []

    def raw(self, text: str) -> None:
        self._parts.append(text.encode())

    def token(self, token: str) -> None:
        self.raw(token + " ")

    def text_newline(self) -> None:
        if not self.binary:
            self.raw("\n")

    def int32(self, v: int) -> None:
        if self.binary:
            self._parts.append(b"\x04" + struct.pack("<i", v))
        else:
            self.raw(f"{v} ")

    def float32(self, v: float) -> None:
        if self.binary:
            self._parts.append(b"\x04" + struct.pack("<f", v))
        else:
            self.raw(f"{v:.9g} ")

    def float64(self, v: float) -> None:
        if self.binary:
            self._parts.append(b"\x08" + struct.pack("<d", v))
        else:
            self.raw(f"{v:.17g} ")

    def int_vector(self, v: list[int]) -> None:
        if self.binary:
            self._parts.append(b"\x04" + struct.pack(f"<i{len(v)}i", len(v), *v))
        else:
            self.raw("[ " + "".join(f"{x} " for x in v) + "]\n")

    def vector(self, v: np.ndarray) -> None:
        a = np.ascontiguousarray(v, dtype="<f4").ravel()
        if self.binary:
            self.token("FV")
            self.int32(len(a))
            self._parts.append(a.tobytes())
        else:
            self.raw(" [ " + "".join(f"{x:.9g} " for x in a) + "]\n")

    def matrix(self, m: np.ndarray) -> None:
        a = np.ascontiguousarray(m, dtype="<f4")
        if self.binary:
            self.token("FM")
            self.int32(a.shape[0])
            self.int32(a.shape[1])
            self._parts.append(a.tobytes())
        else:
            rows = "".join("\n  " + "".join(f"{x:.9g} " for x in r) for r in a)
            self.raw(" [" + rows + "]\n")

    def data(self) -> bytes:
        return b"".join(self._parts)


def transition_model(out: KaldiWriter, num_phones: int) -> None:
    """TransitionModel with one 1-state topology (self-loop + exit) shared by all graph phones
    (silence + 4 word-position copies of each speech phone, sharing its pdf)."""
    num_phones = num_positional(num_phones)
    phones = list(range(1, num_phones + 1))
    out.token("<TransitionModel>")
    out.text_newline()
    out.token("<Topology>")
    # the entry's two states: (pdf class, [(to state, probability)])
    states = [(0, [(0, 0.5), (1, 0.5)]), (-1, [])]
    if out.binary:
        out.int_vector(phones)
        out.int_vector([-1] + [0] * num_phones)  # phone -> entry
        out.int32(1)  # entries
        out.int32(len(states))
        for pdf_class, arcs in states:
            out.int32(pdf_class)
            out.int32(len(arcs))
            for to, prob in arcs:
                out.int32(to)
                out.float32(prob)
    else:
        out.raw("\n<TopologyEntry> \n<ForPhones> \n" + "".join(f"{p} " for p in phones))
        out.raw("\n</ForPhones> \n")
        for i, (pdf_class, arcs) in enumerate(states):
            out.raw(f"<State> {i} " + (f"<PdfClass> {pdf_class} " if pdf_class >= 0 else ""))
            out.raw("".join(f"<Transition> {to} {prob} " for to, prob in arcs) + "</State> \n")
        out.raw("</TopologyEntry> \n")
    out.token("</Topology>")
    out.text_newline()
    out.token("<Triples>")
    out.int32(num_phones)
    out.text_newline()
    for p in phones:
        for v in (p, 0, pdf_of(p)):
            out.int32(v)
        out.text_newline()
    out.token("</Triples>")
    out.text_newline()
    out.token("<LogProbs>")
    out.text_newline()
    out.vector(np.array([0.0] + [np.log(0.5)] * (2 * num_phones)))
    out.token("</LogProbs>")
    out.text_newline()
    out.token("</TransitionModel>")
    out.text_newline()


def _nonlinear(out: KaldiWriter, kind: str, dim: int) -> None:
    out.token(f"<{kind}>")
    out.token("<Dim>")
    out.int32(dim)
    for stat in ("<ValueAvg>", "<DerivAvg>"):
        out.token(stat)
        out.vector(np.zeros(0))
    out.token("<Count>")
    out.float64(0.0)
    out.token(f"</{kind}>")


def nnet3(
    out: KaldiWriter,
    dim: int,
    layers: list[tuple[np.ndarray, np.ndarray]],
    priors: np.ndarray,
    dilations: tuple[int, ...] = DILATIONS,
) -> None:
    """AmNnetSimple: spliced affine + ReLU, TDNN affines over (-3d, 0, 3d) for each layer's
    dilation d, LogSoftmax output."""
    cfg = [f"input-node name=input dim={dim}"]
    comps: list[tuple[str, Callable[[], None]]] = []
    prev = (
        "Append("
        + ", ".join(f"Offset(input, {o})" if o else "input" for o in range(-SPLICE, SPLICE + 1))
        + ")"
    )

    def affine(w: np.ndarray, b: np.ndarray) -> None:
        out.token("<AffineComponent>")
        out.token("<LearningRate>")
        out.float32(0.001)
        out.token("<LinearParams>")
        out.matrix(w)
        out.token("<BiasParams>")
        out.vector(b)
        out.token("</AffineComponent>")

    for i, (w, b) in enumerate(layers):
        name = f"affine{i}"
        cfg.append(f"component-node name={name} component={name} input={prev}")
        comps.append((name, partial(affine, w, b)))
        prev = name
        if i < len(layers) - 1:
            relu = f"relu{i}"
            cfg.append(f"component-node name={relu} component={relu} input={prev}")
            comps.append((relu, partial(_nonlinear, out, "RectifiedLinearComponent", w.shape[0])))
            if i < len(dilations):
                o = SUB * dilations[i]
                prev = f"Append(Offset({relu}, -{o}), {relu}, Offset({relu}, {o}))"
            else:
                prev = relu
    out_dim = layers[-1][0].shape[0]
    cfg.append(f"component-node name=log_softmax component=log_softmax input={prev}")
    comps.append(("log_softmax", partial(_nonlinear, out, "LogSoftmaxComponent", out_dim)))
    cfg.append("output-node name=output input=log_softmax objective=linear")
    out.token("<Nnet3>")
    out.raw("\n" + "\n".join(cfg) + "\n\n")  # the config lines are text in both forms
    out.token("<NumComponents>")
    out.int32(len(comps))
    out.text_newline()
    for name, write in comps:
        out.token("<ComponentName>")
        out.token(name)
        write()
        out.text_newline()
    out.token("</Nnet3>")
    out.text_newline()
    out.token("<LeftContext>")
    out.int32(context(dilations))
    out.token("<RightContext>")
    out.int32(context(dilations))
    out.token("<Priors>")
    out.vector(priors)


def final_mdl(
    num_phones: int,
    dim: int,
    layers: list[tuple[np.ndarray, np.ndarray]],
    priors: np.ndarray,
    binary: bool = True,
    dilations: tuple[int, ...] = DILATIONS,
) -> bytes:
    """``am/final.mdl``: the TransitionModel, then the network and its priors."""
    out = KaldiWriter(binary)
    transition_model(out, num_phones)
    nnet3(out, dim, layers, priors, dilations)
    return out.data()


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


def global_cmvn_stats(mean: np.ndarray) -> bytes:
    """``am/global_cmvn.stats``: with it, Vosk normalizes the network's input features online
    (``features.online_cmn``). Kaldi's stats matrix holds sums and the count, but only their
    ratio counts, so the mean is written with a count of 1 (float32 holds it exactly enough).
    Its second row, the sums of squares, is unused: Vosk leaves variance normalization off."""
    out = KaldiWriter(binary=True)
    out.matrix(np.array([[*mean, 1.0], [0.0] * (len(mean) + 1)]))
    return out.data()


def write_model(
    out: Path,
    lang: Lang,
    dim: int,
    layers: list[tuple[np.ndarray, np.ndarray]],
    priors: np.ndarray,
    unk: UnkCosts,
    cmn_mean: np.ndarray | None = None,
    dilations: tuple[int, ...] = DILATIONS,
) -> None:
    """Write the whole model directory ``out`` (no manifest); with ``cmn_mean``, the features'
    global mean, Vosk normalizes features online (:func:`global_cmvn_stats`)."""
    (out / "am").mkdir(parents=True, exist_ok=True)
    mdl = final_mdl(lang.num_phones, dim, layers, priors, dilations=dilations)
    (out / "am" / "final.mdl").write_bytes(mdl)
    if cmn_mean is not None:
        (out / "am" / "global_cmvn.stats").write_bytes(global_cmvn_stats(cmn_mean))
    write_conf(out / "conf")
    write_graph(out / "graph", lang, unk)
