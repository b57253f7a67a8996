"""The typed events that leave the session core.

Every event is a frozen dataclass with the virtual or real time ``t`` (seconds
since the session started) and a ``type`` tag. ``to_dict``/``from_dict`` give the
one JSON shape used by ``simulate``, ``run --events`` and the golden transcripts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar


@dataclass(frozen=True)
class Event:
    """Base class: something the session did at time ``t``."""

    type: ClassVar[str] = "event"
    t: float

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["t"] = round(self.t, 3)
        return {"t": data.pop("t"), "type": self.type, **data}


@dataclass(frozen=True)
class CommandHeard(Event):
    """A command reached the session (typed or spoken)."""

    type: ClassVar[str] = "command"
    command: str
    text: str = ""


@dataclass(frozen=True)
class StepStarted(Event):
    """A step of the routine began."""

    type: ClassVar[str] = "step_started"
    step: str
    index: int
    name: str


@dataclass(frozen=True)
class Say(Event):
    """Speak this line. ``kind`` tells the speaker and the screen what it is for."""

    type: ClassVar[str] = "say"
    text: str
    kind: str = "info"


@dataclass(frozen=True)
class Cue(Event):
    """A rhythm cue on the beat: words, or a tick for users who prefer fewer words."""

    type: ClassVar[str] = "cue"
    text: str
    beat: int
    cycle: int


@dataclass(frozen=True)
class Paused(Event):
    """Fall silent at once; the step clock is frozen."""

    type: ClassVar[str] = "paused"
    reason: str = "pause"


@dataclass(frozen=True)
class Resumed(Event):
    """The step clock runs again."""

    type: ClassVar[str] = "resumed"


@dataclass(frozen=True)
class PaceChanged(Event):
    """Rhythm speed multiplier (1.0 normal, 2.0 twice as fast, 0.5 half speed)."""

    type: ClassVar[str] = "pace_changed"
    pace: float


@dataclass(frozen=True)
class PressureChanged(Event):
    """Pressure level the user asked for: negative softer, positive firmer."""

    type: ClassVar[str] = "pressure_changed"
    level: int


@dataclass(frozen=True)
class VolumeChanged(Event):
    """Speech volume, 0.1 to 1.0."""

    type: ClassVar[str] = "volume_changed"
    volume: float


@dataclass(frozen=True)
class ModeChanged(Event):
    """The session's state machine entered ``mode``."""

    type: ClassVar[str] = "mode_changed"
    mode: str


@dataclass(frozen=True)
class SessionEnded(Event):
    """The session is over: ``completed`` is True when every step ran to its end."""

    type: ClassVar[str] = "session_ended"
    completed: bool
    steps_done: int
    steps_total: int
    elapsed: float


EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        CommandHeard,
        StepStarted,
        Say,
        Cue,
        Paused,
        Resumed,
        PaceChanged,
        PressureChanged,
        VolumeChanged,
        ModeChanged,
        SessionEnded,
    )
}


def from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event from :meth:`Event.to_dict` output."""
    cls = EVENT_TYPES.get(str(data.get("type")))
    if cls is None:
        raise ValueError(f"unknown event type {data.get('type')!r}")
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})
