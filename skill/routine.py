"""The routine model: what a massage routine file holds, validated by pydantic.

A routine is a list of steps; each step is a stroke with a spoken instruction,
rhythm cues and a length in repetitions (stroke cycles) or seconds. Durations
here are nominal: at pace 1.0, with the coach's estimated speaking time.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from skill.timing import speech_seconds

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rhythm(_Strict):
    """The stroke's beat: cue words spoken evenly across one cycle."""

    cues: list[Text] = Field(min_length=1, description="Words spoken on the beats of one cycle.")
    cycle_seconds: float = Field(gt=0, le=120, description="Seconds one cycle takes at pace 1.0.")


class Step(_Strict):
    """One stroke of the routine."""

    id: Slug = Field(description="Short unique name, lower-case words joined by '-'.")
    name: Text = Field(description="The stroke's name, as the coach says it.")
    region: Text = Field(description="Body region the stroke works on.")
    instruction: Text = Field(description="What the coach says when the step starts.")
    reminder: Text | None = Field(None, description="One line said on resume (default: name).")
    rhythm: Rhythm
    repetitions: int | None = Field(None, gt=0, le=1000, description="Stroke cycles to do.")
    seconds: float | None = Field(None, gt=0, le=3600, description="Or: how long, at pace 1.0.")
    tips: list[Text] = Field(min_length=1, description="Spoken for 'help' on this step.")
    softer: Text = Field(description="What to say when the partner wants less pressure.")
    firmer: Text = Field(description="What to say when the partner wants more pressure.")

    @model_validator(mode="after")
    def _one_length(self) -> Step:
        if (self.repetitions is None) == (self.seconds is None):
            raise ValueError(
                "give exactly one of 'repetitions' or 'seconds'. "
                "Fix: keep 'repetitions' (a stroke count) or 'seconds', not both or neither"
            )
        return self

    @property
    def cycles(self) -> float:
        """How many stroke cycles the step lasts."""
        if self.repetitions is not None:
            return float(self.repetitions)
        assert self.seconds is not None
        return self.seconds / self.rhythm.cycle_seconds

    @property
    def resume_line(self) -> str:
        return self.reminder or f"Back to {self.name}."

    def stroke_seconds(self, pace: float = 1.0) -> float:
        return self.cycles * self.rhythm.cycle_seconds / pace

    def nominal_seconds(self, pace: float = 1.0) -> float:
        return speech_seconds(self.instruction, pace) + self.stroke_seconds(pace)


class CheckIn(_Strict):
    """Regular pressure check-ins, spoken at the start of a stroke cycle."""

    text: Text = "How is the pressure? Say softer or firmer."
    first_after_seconds: float = Field(90, gt=0, description="First check-in after this long.")
    every_seconds: float = Field(240, gt=0, description="Then again this often.")


class Routine(_Strict):
    """A whole massage, from opening to closing strokes."""

    id: Slug
    title: Text
    summary: Text
    safety: list[Text] = Field(min_length=1, description="Short notes spoken at the start.")
    check_in: CheckIn = CheckIn()
    closing: Text = "That's the end of the massage. Let your partner rest and breathe for a moment."
    steps: list[Step] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _unique_steps(cls, steps: list[Step]) -> list[Step]:
        first: dict[str, int] = {}
        for index, step in enumerate(steps):
            if step.id in first:
                raise ValueError(
                    f"steps[{first[step.id]}] and steps[{index}] both have id '{step.id}'. "
                    "Fix: give every step its own id"
                )
            first[step.id] = index
        return steps

    @property
    def intro(self) -> str:
        safety = " ".join(self.safety)
        return (
            f"{self.title}. {self.summary} {safety} "
            "You can interrupt me at any time, and say help to hear what you can say."
        )

    def nominal_seconds(self, pace: float = 1.0) -> float:
        """The whole session at ``pace``: intro, every step, closing."""
        body = sum(step.nominal_seconds(pace) for step in self.steps)
        return speech_seconds(self.intro, pace) + body + speech_seconds(self.closing, pace)
