"""A microphone that refuses 16 kHz is opened at its own rate and resampled (fakes, no device)."""

from __future__ import annotations

import itertools
import sys
import types
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from skill.listen.mic import BLOCK, RATE, Microphone, MicUnavailable, sounddevice_stream


class Stream:
    """An input stream at ``samplerate`` that the test feeds by hand."""

    def __init__(self, callback: Callable[..., None], samplerate: float) -> None:
        self.callback, self.samplerate = callback, samplerate

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


def tone(rate: int, seconds: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * 32767 * np.sin(2 * np.pi * hz * t)).astype(np.int16)


@pytest.mark.parametrize("rate", [48000, 44100])
def test_a_stream_at_another_rate_is_read_as_16_khz_30_ms_chunks(rate: int) -> None:
    streams: list[Stream] = []
    rates = [rate, RATE]  # the device's rate at each opening

    def factory(callback: Callable[..., None], device: Any) -> Stream:
        streams.append(Stream(callback, rates[len(streams)]))
        return streams[-1]

    clock = iter(np.arange(0, 100, 0.01))
    mic = Microphone(factory=factory, clock=lambda: float(next(clock)))
    mic.open(start_timeout=0)
    x = tone(rate, 2.0)
    block = BLOCK * rate // RATE
    got: list[bytes] = []
    times: list[float] = []
    for i in range(0, len(x) - block + 1, block):
        streams[0].callback(x[i : i + block].tobytes(), block, None, 0)
        while (chunk := mic.read(timeout=0)) is not None:
            got.append(chunk.pcm)
            times.append(chunk.t)
    assert {len(p) for p in got} == {2 * BLOCK}
    y = np.frombuffer(b"".join(got), np.int16).astype(np.float64)
    assert abs(len(y) - 2 * RATE) < 2 * BLOCK  # nothing held back for long, nothing lost
    spectrum = np.abs(np.fft.rfft(y[RATE // 4 :]))
    peak = np.fft.rfftfreq(len(y) - RATE // 4, 1 / RATE)[spectrum.argmax()]
    assert peak == pytest.approx(440, abs=2)
    assert np.abs(y[RATE // 4 :]).max() == pytest.approx(0.5 * 32767, rel=0.02)
    assert all(b >= a for a, b in itertools.pairwise(times))
    # a reopened stream at 16 kHz is read as it comes, with nothing left of the old one
    streams[0].callback(x[:block].tobytes(), block, None, 0)  # left in the queue
    mic.close()
    mic.open(start_timeout=0)
    streams[1].callback(bytes(2 * BLOCK), BLOCK, None, 0)
    chunk = mic.read(timeout=0)
    assert chunk is not None and chunk.pcm == bytes(2 * BLOCK)
    assert mic.read(timeout=0) is None


class PortAudioError(Exception):
    pass


def fake_sounddevice(refused: set[int], own: int) -> tuple[types.ModuleType, list[dict[str, Any]]]:
    opened: list[dict[str, Any]] = []
    sd = types.ModuleType("sounddevice")

    def raw_input_stream(**kw: Any) -> Stream:
        if kw["samplerate"] in refused:
            raise PortAudioError("Invalid sample rate [PaErrorCode -9997]")
        opened.append(kw)
        return Stream(kw["callback"], kw["samplerate"])

    sd.RawInputStream = raw_input_stream  # type: ignore[attr-defined]
    sd.query_devices = lambda device, kind: {"default_samplerate": float(own)}  # type: ignore[attr-defined]
    return sd, opened


def test_a_device_that_refuses_16_khz_is_opened_at_its_own_rate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sd, opened = fake_sounddevice({RATE}, 48000)
    monkeypatch.setitem(sys.modules, "sounddevice", sd)
    stream = sounddevice_stream(lambda *a: None, None)
    assert stream.samplerate == 48000
    assert [(o["samplerate"], o["blocksize"]) for o in opened] == [(48000, 3 * BLOCK)]
    # a device that takes 16 kHz is opened at 16 kHz
    sd, opened = fake_sounddevice(set(), 48000)
    monkeypatch.setitem(sys.modules, "sounddevice", sd)
    assert sounddevice_stream(lambda *a: None, None).samplerate == RATE
    assert [(o["samplerate"], o["blocksize"]) for o in opened] == [(RATE, BLOCK)]


@pytest.mark.parametrize("own", [RATE, 48000])
def test_a_device_that_refuses_every_rate_says_why(
    monkeypatch: pytest.MonkeyPatch, own: int
) -> None:
    sd, _ = fake_sounddevice({RATE, 48000}, own)
    monkeypatch.setitem(sys.modules, "sounddevice", sd)
    with pytest.raises(MicUnavailable, match="Invalid sample rate"):
        sounddevice_stream(lambda *a: None, None)
