"""What a session saves after every transition, so a crash never loses the user's place."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from skill.commands import Mode

STATE_VERSION = 1


class SessionState(BaseModel):
    """A resumable snapshot of a session: position, pace, pressure, volume, progress."""

    model_config = ConfigDict(extra="forbid")

    version: int = STATE_VERSION
    routine_id: str
    routine_file: str = Field("", description="The file the routine was loaded from.")
    mode: Mode = Mode.INTRO
    resume_to: Mode = Mode.INTRO
    step_index: int = Field(0, ge=0)
    step_id: str = ""
    cycles_done: float = Field(0.0, ge=0)
    beats_done: int = Field(0, ge=0)
    pace: float = Field(1.0, gt=0)
    pressure: int = 0
    volume: float = Field(0.8, gt=0, le=1)
    active_seconds: float = Field(0.0, ge=0)
    next_check_in: float = Field(0.0, ge=0)
    completed_steps: list[str] = Field(default_factory=list)
