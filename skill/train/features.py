"""MFCC features that match the exported ``conf/mfcc.conf`` (kaldi-native-fbank)."""

from __future__ import annotations

from multiprocessing import Pool

import numpy as np

#: Written verbatim to conf/mfcc.conf; :func:`mfcc` computes the same features.
MFCC_CONF: dict[str, str] = {
    "sample-frequency": "16000",
    "use-energy": "false",
    "num-mel-bins": "40",
    "num-ceps": "40",
    "low-freq": "20",
    "high-freq": "7600",
    "dither": "1.0",
}
DIM = 40
#: Kaldi's online mean normalization (OnlineCmvn, its defaults), which Vosk puts in front of
#: the network when the model has ``am/global_cmvn.stats``: each frame minus the mean of the
#: last CMN_WINDOW frames, topped up with CMN_GLOBAL_FRAMES frames of the global mean
CMN_WINDOW = 600
CMN_GLOBAL_FRAMES = 200


def mfcc(samples: np.ndarray, seed: int) -> np.ndarray:
    """MFCC frames (T, 40) of int16 ``samples``; dither is added here, seeded (deterministic)."""
    import kaldi_native_fbank as knf

    o = knf.MfccOptions()
    o.frame_opts.samp_freq = 16000
    o.frame_opts.dither = 0.0
    o.frame_opts.snip_edges = True
    o.mel_opts.num_bins = 40
    o.mel_opts.low_freq = 20
    o.mel_opts.high_freq = 7600
    o.num_ceps = DIM
    o.use_energy = False
    m = knf.OnlineMfcc(o)
    x = samples.astype(np.float32) + np.random.default_rng(seed).normal(size=len(samples)).astype(
        np.float32
    )
    m.accept_waveform(16000, x.tolist())  # int16 magnitudes, like Kaldi / Vosk
    m.input_finished()
    n = m.num_frames_ready
    return np.array([m.get_frame(i) for i in range(n)], dtype=np.float32).reshape(n, DIM)


def online_cmn(feats: np.ndarray, global_mean: np.ndarray) -> np.ndarray:
    """``feats`` (T, 40) as Vosk's feature pipeline normalizes them from a fresh start (a new
    recognizer, a new grammar or a final result): frame t minus the mean of frames
    max(0, t - 599) .. t and, while fewer than 600 are there, of up to 200 frames of
    ``global_mean`` (Kaldi's ``OnlineCmvn::ComputeStatsForFrame`` and
    ``SmoothOnlineCmvnStats`` with no speaker statistics)."""
    t = np.arange(len(feats))
    sums = np.concatenate([np.zeros((1, feats.shape[1])), np.cumsum(feats, 0, dtype=np.float64)])
    first = np.maximum(0, t - CMN_WINDOW + 1)
    count = t + 1 - first
    borrowed = np.minimum(CMN_GLOBAL_FRAMES, CMN_WINDOW - count)
    mean = (sums[t + 1] - sums[first] + borrowed[:, None] * global_mean[None, :]) / (
        count + borrowed
    )[:, None]
    return np.asarray(feats - mean, dtype=np.float32)


def _job(args: tuple[np.ndarray, int]) -> np.ndarray:
    return mfcc(*args)


def mfcc_all(audio: list[np.ndarray], seed: int, workers: int = 2) -> list[np.ndarray]:
    """Features of every clip (``workers`` processes)."""
    with Pool(workers) as pool:
        return pool.map(_job, [(a, seed + i) for i, a in enumerate(audio)], chunksize=16)
