"""Command names, the phrases that say them, per-mode grammars, and text -> command.

This module is the single source of the spoken vocabulary: the session, the text
mode, the recognizer's grammars and the model's training data all read it.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Command(StrEnum):
    """Everything the user can ask of the coach."""

    NEXT = "next"
    BACK = "back"
    REPEAT = "repeat"
    SLOWER = "slower"
    FASTER = "faster"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    SKIP = "skip"
    HELP = "help"
    SOFTER = "softer"
    FIRMER = "firmer"
    WHATS_NEXT = "whats_next"
    TIME_LEFT = "time_left"
    LOUDER = "louder"
    QUIETER = "quieter"
    END = "end"


class Mode(StrEnum):
    """The session's top-level states (what the coach is doing now)."""

    INTRO = "intro"
    INSTRUCTING = "instructing"
    STROKING = "stroking"
    PAUSED = "paused"
    CONFIRMING_END = "confirming_end"
    FINISHED = "finished"


#: The phrases for each command, lower case, words separated by single spaces.
#: The first phrase is the one the coach teaches in "help".
PHRASES: dict[Command, tuple[str, ...]] = {
    Command.NEXT: ("next", "next stroke", "next step", "move on"),
    Command.BACK: ("back", "go back", "previous", "previous step"),
    Command.REPEAT: ("repeat", "say that again", "repeat that"),
    Command.SLOWER: ("slower", "slow down"),
    Command.FASTER: ("faster", "speed up"),
    Command.PAUSE: ("pause", "wait", "hold on"),
    Command.RESUME: ("resume", "continue", "carry on"),
    Command.STOP: ("stop",),
    Command.SKIP: ("skip", "skip this"),
    Command.HELP: ("help", "what can i say"),
    Command.SOFTER: ("softer", "lighter", "too hard", "gentler"),
    Command.FIRMER: ("firmer", "more pressure", "harder"),
    Command.WHATS_NEXT: ("what's next", "what is next", "what comes next"),
    Command.TIME_LEFT: ("how long", "time left", "how much longer"),
    Command.LOUDER: ("louder", "speak up"),
    Command.QUIETER: ("quieter", "too loud"),
    Command.END: ("end session", "finish session"),
}

_EVERYTHING = frozenset(Command)

#: Which commands mean something in each mode. The recognizer listens for these only.
VALID: dict[Mode, frozenset[Command]] = {
    Mode.INTRO: _EVERYTHING - {Command.RESUME},
    Mode.INSTRUCTING: _EVERYTHING - {Command.RESUME},
    Mode.STROKING: _EVERYTHING - {Command.RESUME},
    Mode.PAUSED: _EVERYTHING - {Command.PAUSE},
    Mode.CONFIRMING_END: frozenset(
        {Command.END, Command.RESUME, Command.HELP, Command.LOUDER, Command.QUIETER, Command.STOP}
    ),
    Mode.FINISHED: frozenset(),
}

#: What the recognizer listens for while the coach is speaking: a few short, distinct
#: phrases that interrupt. Anything else waits until the coach is quiet.
BARGE_IN: frozenset[Command] = frozenset(
    {Command.PAUSE, Command.STOP, Command.LOUDER, Command.QUIETER}
)

_WORDS = re.compile(r"[a-z']+")
_PHRASE_TO_COMMAND: dict[str, Command] = {
    phrase: command for command, phrases in PHRASES.items() for phrase in phrases
}
_COMMAND_NAMES: dict[str, Command] = {command.value: command for command in Command}


def normalize(text: str) -> str:
    """Lower-case ``text`` and keep only its words, separated by single spaces."""
    return " ".join(_WORDS.findall(text.lower().replace("\u2019", "'")))


def parse(text: str) -> Command | None:
    """The command that ``text`` says, or None when it says none.

    Accepts any phrase of :data:`PHRASES` and the command's own name
    (``whats_next``, ``time_left``), ignoring case and punctuation. Polite
    padding is tolerated: "please pause", "ok next", "next please".
    """
    key = normalize(text.replace("_", " "))
    if not key:
        return None
    if key in _PHRASE_TO_COMMAND:
        return _PHRASE_TO_COMMAND[key]
    if key.replace(" ", "_") in _COMMAND_NAMES:
        return _COMMAND_NAMES[key.replace(" ", "_")]
    words = [w for w in key.split(" ") if w not in _PADDING]
    stripped = " ".join(words)
    return _PHRASE_TO_COMMAND.get(stripped)


_PADDING = frozenset({"please", "ok", "okay", "now", "coach", "um", "uh", "and"})


def phrases_for(commands: frozenset[Command] | set[Command]) -> list[str]:
    """All phrases of ``commands``, in a stable order (for grammars and help)."""
    return [p for c in Command if c in commands for p in PHRASES[c]]


def grammar(mode: Mode) -> list[str]:
    """The phrases the recognizer should listen for in ``mode``."""
    return phrases_for(VALID[mode])


def speaking_grammar(mode: Mode, spoken: str = "") -> list[str]:
    """Phrases that interrupt the coach in ``mode`` while it says ``spoken``.

    Phrases that occur in ``spoken`` itself are left out, so the coach can never
    trigger itself by saying them (e.g. "help" lists "pause").
    """
    phrases = phrases_for(BARGE_IN & VALID[mode])
    inside = contains_phrase(spoken, phrases)
    return [p for p in phrases if p not in inside]


def contains_phrase(text: str, phrases: list[str]) -> list[str]:
    """The phrases that occur in ``text`` as words, the last of them maybe the start of a
    longer word: said by the coach, "Stopped" sounds like "stop" and a little more, and the
    recognizer heard it so (the coach stopped itself again and again in the room)."""
    said = f" {normalize(text)}"
    return [p for p in phrases if f" {p}" in said]


def all_phrases() -> list[str]:
    """Every phrase of every command (the model's training vocabulary)."""
    return phrases_for(_EVERYTHING)


def vocabulary() -> list[str]:
    """Every distinct word used by any phrase, sorted."""
    return sorted({w for p in all_phrases() for w in p.split(" ")})
