"""The ``Speaker`` interface: what the session's voice needs from a speech output.

Every method returns at once (``say`` enqueues); implementations are the real
:class:`skill.speech.live.LiveSpeaker` and the recording :class:`skill.speech.fake.FakeSpeaker`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable


@runtime_checkable
class Speaker(Protocol):
    """Speaks lines in order, and can be cut off at once."""

    def say(self, text: str, kind: str = "info") -> None:
        """Queue ``text`` to be spoken after anything already queued. Never blocks."""

    def tick(self) -> None:
        """Queue a short soft tick (the "tick" cue style)."""

    def stop(self) -> None:
        """Silence what is playing and drop everything queued (within one audio block)."""

    def set_volume(self, volume: float) -> None:
        """Output volume 0.0-1.0; applies from the next audio block."""

    def set_rate(self, rate: int) -> None:
        """Speaking rate in words per minute for lines queued from now on."""

    def prefetch(self, texts: Iterable[str]) -> None:
        """Render ``texts`` in the background so that saying them later starts at once."""

    @property
    def speaking(self) -> bool:
        """True while anything is playing or queued."""
        ...

    @property
    def now_saying(self) -> str:
        """The line being played right now, "" when silent (the listener's barge-in
        grammar leaves out phrases the coach itself is saying)."""
        ...

    def close(self) -> None:
        """Release the audio device and worker threads."""
