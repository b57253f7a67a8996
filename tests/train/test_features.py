"""The online mean normalization the network is trained with is the one Vosk applies."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from skill.train import export
from skill.train.features import CMN_GLOBAL_FRAMES, CMN_WINDOW, online_cmn

MODEL = Path(__file__).resolve().parents[2] / "models" / "coach-commands"


def kaldi_online_cmn(feats: np.ndarray, global_mean: np.ndarray) -> np.ndarray:
    """Kaldi's ``OnlineCmvn::GetFrame`` frame by frame, as its code reads: a sliding sum of
    the last ``cmn_window`` frames, then ``SmoothOnlineCmvnStats`` with no speaker
    statistics and global statistics of count 1, then the mean subtracted."""
    dim = feats.shape[1]
    window_sum, count = np.zeros(dim), 0.0
    out = []
    for t, frame in enumerate(feats.astype(np.float64)):
        window_sum += frame
        count += 1
        if t - CMN_WINDOW >= 0:
            window_sum -= feats[t - CMN_WINDOW]
            count -= 1
        stats_sum, stats_count = window_sum.copy(), count
        if stats_count < CMN_WINDOW:
            from_global = min(CMN_WINDOW - stats_count, CMN_GLOBAL_FRAMES)
            stats_sum += from_global * global_mean
            stats_count += from_global
        out.append(frame - stats_sum / stats_count)
    return np.array(out)


def test_online_cmn_is_kaldis_sliding_window_with_the_global_mean_at_first() -> None:
    rng = np.random.default_rng(0)
    feats = (rng.normal(size=(1500, 5)) * 4 + np.linspace(0, 30, 1500)[:, None]).astype(np.float32)
    global_mean = rng.normal(size=5) * 10
    got = online_cmn(feats, global_mean)
    np.testing.assert_allclose(got, kaldi_online_cmn(feats, global_mean), atol=2e-4)
    # the first frame is mostly normalized by the global mean, a late one by its window alone
    np.testing.assert_allclose(
        got[0], (feats[0] - global_mean) * CMN_GLOBAL_FRAMES / (CMN_GLOBAL_FRAMES + 1), atol=1e-4
    )
    np.testing.assert_allclose(got[-1], feats[-1] - feats[-CMN_WINDOW:].mean(0), atol=2e-4)


CLIP = sorted((Path(__file__).resolve().parents[1] / "model" / "data").glob("*__0.wav"))[0]


def _vosk(model: Path) -> subprocess.CompletedProcess[str]:
    """Load ``model`` and decode one clip in a subprocess (Kaldi aborts on a bad matrix)."""
    code = (
        "import sys, vosk\n"
        "vosk.SetLogLevel(0)\n"
        "r = vosk.KaldiRecognizer(vosk.Model(sys.argv[1]), 16000)\n"
        "r.AcceptWaveform(open(sys.argv[2], 'rb').read()[44:])\n"
        "print(r.FinalResult())\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(model), str(CLIP)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_vosk_normalizes_with_the_exported_statistics(tmp_path: Path) -> None:
    """With ``am/global_cmvn.stats`` Vosk puts Kaldi's online normalization in front of the
    network: it says so, and it uses the matrix there (one of the wrong width aborts it in
    ``SmoothOnlineCmvnStats``, where the global mean tops up the window)."""
    model = tmp_path / "model"
    shutil.copytree(MODEL, model)
    stats = model / "am" / "global_cmvn.stats"
    stats.write_bytes(export.global_cmvn_stats(np.arange(40.0)))
    done = _vosk(model)
    assert done.returncode == 0, done.stderr
    assert f"Reading CMVN stats from {stats}" in done.stderr
    assert '"text"' in done.stdout
    stats.write_bytes(export.global_cmvn_stats(np.arange(39.0)))
    done = _vosk(model)
    assert done.returncode != 0
    assert "SmoothOnlineCmvnStats" in done.stderr
