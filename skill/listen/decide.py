"""From a recognizer's running hypotheses to commands: fast, once each, and cautious.

Pure logic, no audio. A command fires on a *stable partial* result (the same whole
phrase for a few chunks in a row) when nothing longer in the grammar could change its
meaning and a false trigger would cost little (pause, louder, ...). Commands whose
false trigger costs the user their place (next, back, skip, end) wait for the final
result of the utterance with enough confidence. Each utterance fires at most once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from skill.commands import Command, normalize, parse

#: A false trigger of these loses the user's place: they need the utterance's final result.
CAREFUL: frozenset[Command] = frozenset({Command.NEXT, Command.BACK, Command.SKIP, Command.END})
UNKNOWN = "[unk]"


@dataclass(frozen=True)
class Hypothesis:
    """What the recognizer thinks it heard so far in the current utterance."""

    text: str
    final: bool
    confidence: float = 1.0


@dataclass(frozen=True)
class Settings:
    """Tuning of the decision rules (defaults measured in bench/listen_latency.py)."""

    stable_chunks: int = 2
    min_confidence: float = 0.6
    min_confidence_speaking: float = 0.85


class Decider:
    """Feed every hypothesis; get a command back when one should fire."""

    def __init__(self, settings: Settings = Settings()) -> None:
        self._settings = settings
        self._last_partial = ""
        self._repeats = 0
        self._fired = False

    def update(self, hyp: Hypothesis, grammar: Sequence[str], speaking: bool) -> Command | None:
        text = normalize(hyp.text) if UNKNOWN not in hyp.text else ""
        if hyp.final:
            fired, self._fired = self._fired, False
            self._last_partial, self._repeats = "", 0
            if fired or text not in grammar:
                return None
            floor = (
                self._settings.min_confidence_speaking
                if speaking
                else self._settings.min_confidence
            )
            return parse(text) if hyp.confidence >= floor else None
        return self._partial(text, grammar)

    def _partial(self, text: str, grammar: Sequence[str]) -> Command | None:
        if text == self._last_partial:
            self._repeats += 1
        else:
            self._last_partial, self._repeats = text, 1
        if self._fired or text not in grammar or self._repeats < self._settings.stable_chunks:
            return None
        command = parse(text)
        if command is None or command in CAREFUL or not unambiguous(text, grammar):
            return None
        self._fired = True
        return command


def unambiguous(phrase: str, grammar: Sequence[str]) -> bool:
    """True when every longer phrase of ``grammar`` that starts with ``phrase`` means the same."""
    command = parse(phrase)
    return all(parse(p) is command for p in grammar if p.startswith(phrase + " "))
