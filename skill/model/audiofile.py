"""Any audio file, read as the microphone hears: 16 kHz mono 16-bit PCM, block by block.

Recordings come at 44.1 or 48 kHz, in stereo, in 24-bit or float WAV, FLAC or MP3; the
recognizer takes what the live microphone gives it (16 kHz mono int16). ``soundfile``
(libsndfile) reads every common format, the channels are averaged, and ``soxr`` resamples
as a stream, so a long recording never sits in memory whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile
import soxr

from skill.model.manifest import ModelError
from skill.model.recognizer import SAMPLE_RATE

#: seconds of audio read at a time
BLOCK_SECONDS = 10.0


def _as_int16(x: np.ndarray) -> bytes:
    """Float samples (full scale 1.0) as little-endian int16 PCM, clipped."""
    return np.clip(np.round(x * 32768.0), -32768, 32767).astype("<i2").tobytes()


def pcm_blocks(path: Path) -> Iterator[bytes]:
    """16 kHz mono int16 PCM of ``path``, in blocks of ``BLOCK_SECONDS``; a file that cannot
    be read raises :class:`ModelError` saying why. A 16 kHz mono 16-bit file comes out
    sample for sample as it is stored."""
    try:
        f = soundfile.SoundFile(str(path))
    except (OSError, RuntimeError) as e:  # soundfile.LibsndfileError is a RuntimeError
        raise ModelError(
            f"{path}: not a readable audio file ({e}); WAV, FLAC, OGG and MP3 are read, at "
            f"any sample rate (convert others with: sox IN -r 16000 -c 1 -b 16 OUT.wav)"
        ) from e
    with f:
        resampler = (
            None
            if f.samplerate == SAMPLE_RATE
            else soxr.ResampleStream(f.samplerate, SAMPLE_RATE, 1, dtype="float32")
        )
        blocks = f.blocks(
            max(1, int(f.samplerate * BLOCK_SECONDS)), dtype="float32", always_2d=True
        )
        try:
            for block in blocks:
                mono = block.mean(axis=1, dtype=np.float32)
                if resampler is not None:
                    mono = resampler.resample_chunk(mono)
                yield _as_int16(mono)
        except RuntimeError as e:
            raise ModelError(f"{path}: the audio breaks off or is damaged ({e})") from e
        if resampler is not None:  # what the resampler still holds
            yield _as_int16(resampler.resample_chunk(np.zeros(0, np.float32), last=True))
