"""Alignments at the subsampled frame rate: flat start from energy, then Viterbi forced alignment.

A label is a pdf id (= phone id - 1; 0 is silence). One label per 3 input frames; it is repeated
to the full frame rate for training with random subsampling phases.
"""

from __future__ import annotations

import numpy as np

from skill.train.nnet import SUB, n_out

SIL_PDF = 0


def states(words: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Left-to-right state sequence (pdf ids) with optional silences; and which are optional."""
    pdfs, opt = [SIL_PDF], [True]
    for k, w in enumerate(words):
        if k:
            pdfs.append(SIL_PDF)
            opt.append(True)
        pdfs += [p - 1 for p in w]
        opt += [False] * len(w)
    pdfs.append(SIL_PDF)
    opt.append(True)
    return np.array(pdfs), np.array(opt)


def energy(samples: np.ndarray, frames: int) -> np.ndarray:
    """Log energy (dB) per output frame (30 ms hop)."""
    hop = 160 * SUB
    x = samples.astype(np.float64)
    e = [
        np.mean(x[i * hop : i * hop + 400] ** 2) if i * hop < len(x) else 0.0 for i in range(frames)
    ]
    return 10 * np.log10(np.array(e) + 1.0)


def flat(words: list[list[int]], samples: np.ndarray, t_in: int) -> np.ndarray:
    """Uniform segmentation of the phones over the energetic region."""
    t = n_out(t_in)
    ali = np.full(t, SIL_PDF)
    phones = [p - 1 for w in words for p in w]
    if not phones:
        return ali
    e = energy(samples, t)
    loud = np.where(e > max(e.max() - 30.0, np.percentile(e, 10) + 6.0))[0]
    a, b = (int(loud[0]), int(loud[-1]) + 1) if len(loud) else (t // 4, 3 * t // 4)
    if b - a < len(phones):
        a, b = max(0, a - len(phones)), min(t, b + len(phones))
    edges = np.linspace(a, b, len(phones) + 1).round().astype(int)
    for k, p in enumerate(phones):
        ali[edges[k] : edges[k + 1]] = p
    return ali


def viterbi(logp: np.ndarray, words: list[list[int]], priors: np.ndarray) -> np.ndarray | None:
    """Forced alignment of ``words`` to (T, pdfs) log posteriors; None if it cannot fit."""
    pdfs, opt = states(words)
    ll = logp[:, pdfs] - np.log(priors[pdfs])[None, :]
    t_len, s_len = ll.shape
    if t_len < int((~opt).sum()):
        return None
    neg = -1e30
    d = np.full(s_len, neg)
    d[0] = ll[0, 0]
    if opt[0]:
        d[1] = ll[0, 1]
    bp = np.zeros((t_len, s_len), dtype=np.int8)
    skip_ok = np.concatenate([[False, False], opt[1:-1]])  # i-2 -> i allowed if i-1 optional
    for t in range(1, t_len):
        one = np.concatenate([[neg], d[:-1]])
        two = np.where(skip_ok, np.concatenate([[neg, neg], d[:-2]]), neg)
        best = np.maximum(d, np.maximum(one, two))
        bp[t] = np.where(best == d, 0, np.where(best == one, 1, 2))
        d = best + ll[t]
    s = s_len - 1 if not opt[-1] or d[-1] >= d[-2] else s_len - 2
    path = np.empty(t_len, dtype=np.int64)
    for t in range(t_len - 1, -1, -1):
        path[t] = s
        s -= int(bp[t, s])
    return pdfs[path]


def full_rate(ali: np.ndarray, t_in: int) -> np.ndarray:
    """Repeat each output-rate label over its 3 input frames."""
    return np.repeat(ali, SUB)[:t_in]
