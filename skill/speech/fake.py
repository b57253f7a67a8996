"""A :class:`Speaker` that plays nothing and records what it was asked (for tests)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class FakeSpeaker:
    """Records every call as a tuple in :attr:`calls`; ``speaking`` is set by the test.

    ``calls`` entries: ``("say", text, kind)``, ``("tick",)``, ``("stop",)``,
    ``("volume", v)``, ``("rate", wpm)``, ``("prefetch", (texts...))``, ``("close",)``.
    """

    calls: list[tuple[object, ...]] = field(default_factory=list)
    speaking: bool = False
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
