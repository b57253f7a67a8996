"""The exported nnet3 layers compute exactly what the torch model computes (needs torch)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from skill.model.graph import Lang  # noqa: E402
from skill.train import export, nnet  # noqa: E402

MODEL = Path(__file__).resolve().parents[2] / "models" / "coach-commands"
#: four clean held-out command clips
CLIPS = sorted((Path(__file__).resolve().parents[1] / "model" / "data").glob("*__0.wav"))[:4]


def nnet3_forward(
    layers: list[tuple[np.ndarray, np.ndarray]],
    feats: np.ndarray,
    dilations: tuple[int, ...] = nnet.DILATIONS,
) -> np.ndarray:
    """What Kaldi computes for output frames 0, 3, 6, ... with edge frames repeated."""
    t_len = len(feats)

    def inp(t: int) -> np.ndarray:
        return feats[min(max(t, 0), t_len - 1)]

    def layer(i: int, t: int) -> np.ndarray:
        w, b = layers[i]
        if i == 0:
            x = np.concatenate([inp(t + o) for o in range(-nnet.SPLICE, nnet.SPLICE + 1)])
        elif i < len(layers) - 1:
            o = nnet.SUB * dilations[i - 1]
            x = np.concatenate([layer(i - 1, t + d) for d in (-o, 0, o)])
        else:
            x = layer(i - 1, t)
        y = w @ x + b
        return y if i == len(layers) - 1 else np.maximum(y, 0)

    out = np.stack([layer(len(layers) - 1, t) for t in range(0, t_len, nnet.SUB)])
    return out - np.log(np.exp(out).sum(1, keepdims=True))


@pytest.mark.parametrize("dilations", [nnet.DILATIONS, (1, 2, 1, 3)])
def test_export_matches_torch(dilations: tuple[int, ...]) -> None:
    torch.manual_seed(0)
    net = nnet.Tdnn(6, 8, 5, dilations=dilations)
    for norm in net.norms:  # non-trivial batch-norm statistics
        norm.running_mean.uniform_(-1, 1)
        norm.running_var.uniform_(0.5, 2)
        norm.weight.data.uniform_(0.5, 2)
        norm.bias.data.uniform_(-1, 1)
    net.eval()
    rng = np.random.default_rng(0)
    feats = rng.normal(size=(20, 6)).astype(np.float32) * 3 + 1
    mean, std = np.full(6, 1.0), np.full(6, 3.0)
    want = nnet.log_posteriors(net, (feats - mean) / std)
    got = nnet3_forward(nnet.export_layers(net, mean, std), feats.astype(np.float64), dilations)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=1e-4)


def _decode(model: Path, clips: list[Path]) -> list[str]:
    """Vosk's final results with word times and its 5 best paths' scores (as a subprocess:
    a crash there must not take the test run with it)."""
    code = (
        "import json, sys, vosk\n"
        "vosk.SetLogLevel(-1)\n"
        "m = vosk.Model(sys.argv[1])\n"
        "out = []\n"
        "for clip in sys.argv[2:]:\n"
        "    r = vosk.KaldiRecognizer(m, 16000)\n"
        "    r.SetWords(True)\n"
        "    r.SetMaxAlternatives(5)\n"
        "    r.AcceptWaveform(open(clip, 'rb').read()[44:])\n"
        "    out.append(r.FinalResult())\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(model), *map(str, clips)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    results: list[str] = json.loads(done.stdout)
    return results


def test_binary_and_text_forms_decode_alike_in_vosk(tmp_path: Path) -> None:
    """The shipped binary form is read by the real Vosk exactly as the text form: same words,
    times and path scores, from a random network whose every weight moves the scores."""
    lang = Lang.load(MODEL / "graph" / "lang.json")
    rng = np.random.default_rng(1)
    # moderate activations (raw MFCCs reach +-50), so every weight moves the scores
    width = 24
    tdnn = len(nnet.DILATIONS)
    scales = [0.002] + [1 / np.sqrt(3 * width)] * tdnn + [3 / np.sqrt(width)]
    ins = [40 * (2 * nnet.SPLICE + 1)] + [3 * width] * tdnn + [width]
    outs = [width] * (tdnn + 1) + [lang.num_phones]
    layers = [
        (rng.normal(0, scale, (o, i)), rng.normal(0, 0.5, o))
        for scale, i, o in zip(scales, ins, outs, strict=True)
    ]
    priors = rng.dirichlet(np.ones(lang.num_phones))
    sizes, results = {}, {}
    for form in ("binary", "text"):
        model = tmp_path / form
        shutil.copytree(MODEL, model)
        mdl = export.final_mdl(lang.num_phones, 40, layers, priors, binary=form == "binary")
        (model / "am" / "final.mdl").write_bytes(mdl)
        sizes[form] = len(mdl)
        results[form] = _decode(model, CLIPS)
    assert results["binary"] == results["text"]
    assert any('"word"' in r for r in results["binary"]), "the random network recognized nothing"
    assert sizes["binary"] < sizes["text"] / 2
