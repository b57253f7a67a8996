"""The session's mode machine: which mode follows which, declared with python-statemachine.

The machine holds only the mode and the legal moves between modes; the
:class:`skill.session.Session` does the timing and the talking. python-statemachine
checks the definition when the class is built (no unreachable or trap states).
"""

from __future__ import annotations

from typing import Any

from statemachine import State, StateMachine

from skill.commands import Mode


class Flow(StateMachine):
    """intro -> instructing <-> stroking, any -> paused/confirming_end -> back, -> finished."""

    intro = State(value=Mode.INTRO.value, initial=True)
    instructing = State(value=Mode.INSTRUCTING.value)
    stroking = State(value=Mode.STROKING.value)
    paused = State(value=Mode.PAUSED.value)
    confirming_end = State(value=Mode.CONFIRMING_END.value)
    finished = State(value=Mode.FINISHED.value, final=True)

    #: Speak something before the strokes (a new step's instruction, a repeat, a reminder).
    instruct = (
        intro.to(instructing)
        | instructing.to(instructing)
        | stroking.to(instructing)
        | paused.to(instructing)
        | confirming_end.to(instructing)
    )
    #: The speaking is done: the strokes (and their cues) run.
    stroke = instructing.to(stroking)
    #: Say the introduction again.
    restart_intro = intro.to(intro) | paused.to(intro) | confirming_end.to(intro)
    pause = intro.to(paused) | instructing.to(paused) | stroking.to(paused)
    ask_end = (
        intro.to(confirming_end)
        | instructing.to(confirming_end)
        | stroking.to(confirming_end)
        | paused.to(confirming_end)
        | confirming_end.to(confirming_end)
    )
    finish = (
        intro.to(finished)
        | instructing.to(finished)
        | stroking.to(finished)
        | paused.to(finished)
        | confirming_end.to(finished)
    )

    def __init__(self, mode: Mode = Mode.INTRO, **kwargs: Any) -> None:
        super().__init__(start_value=mode.value, **kwargs)

    @property
    def mode(self) -> Mode:
        return Mode(self.current_state_value)
