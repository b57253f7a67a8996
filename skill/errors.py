"""The project's one small error hierarchy. Messages say what is wrong and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


class CoachError(Exception):
    """Base class of every error massage-coach reports to the user."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where it is, what is wrong, how to fix it."""

    file: str
    line: int | None
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}. Fix: {self.fix}"


class RoutineError(CoachError):
    """A routine file is missing, unreadable or invalid."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StateError(CoachError):
    """The saved session state cannot be used."""
