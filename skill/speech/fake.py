"""Test doubles: a :class:`Speaker` that plays nothing and records what it was asked,
and a TTS that renders tones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .pcm import Pcm


@dataclass
class FakeSpeaker:
    """Records every call as a tuple in :attr:`calls`; ``speaking`` is set by the test.

    ``calls`` entries: ``("say", text, kind)``, ``("tick",)``, ``("stop",)``,
    ``("volume", v)``, ``("rate", wpm)``, ``("prefetch", (texts...))``, ``("close",)``.
    """

    calls: list[tuple[object, ...]] = field(default_factory=list)
    speaking: bool = False
    now_saying: str = ""
    closed: bool = False
    volume: float = 1.0
    rate: int = 160

    def say(self, text: str, kind: str = "info") -> None:
        self.calls.append(("say", text, kind))

    def tick(self) -> None:
        self.calls.append(("tick",))

    def stop(self) -> None:
        self.calls.append(("stop",))

    def set_volume(self, volume: float) -> None:
        self.volume = volume
        self.calls.append(("volume", volume))

    def set_rate(self, rate: int) -> None:
        self.rate = rate
        self.calls.append(("rate", rate))

    def prefetch(self, texts: Iterable[str]) -> None:
        self.calls.append(("prefetch", tuple(texts)))

    def close(self) -> None:
        self.closed = True
        self.calls.append(("close",))

    @property
    def said(self) -> list[str]:
        """The texts passed to ``say``, in order."""
        return [str(c[1]) for c in self.calls if c[0] == "say"]


class FakeTts:
    """A :class:`~skill.speech.tts.Tts` rendering each word as a 300 Hz tone lasting
    60/``rate`` seconds (``rate`` in words per minute); records every call."""

    def __init__(self, voice: str = "fake", out_rate: int = 16000) -> None:
        self.voice = voice
        self.out_rate = out_rate
        self.calls: list[tuple[str, int]] = []

    def render(self, text: str, rate: int) -> Pcm:
        self.calls.append((text, rate))
        n = int(len(text.split()) * 60 / rate * self.out_rate)
        t = np.arange(n) / self.out_rate
        return Pcm((8000 * np.sin(2 * np.pi * 300 * t)).astype(np.int16), self.out_rate)
