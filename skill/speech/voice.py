"""Turns the session's events into speech: the only place that knows both.

Pure logic over a :class:`Speaker`; no audio, no clock, no threads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from ..events import CommandHeard, Cue, Event, PaceChanged, Paused, Say, StepStarted, VolumeChanged
from ..routine import Routine, Step
from ..timing import voice_rate
from .settings import VoiceSettings
from .speaker import Speaker

log = logging.getLogger(__name__)

RATE_MIN, RATE_MAX = 80, 400


def rate_for_pace(base_rate: int, pace: float) -> int:
    """Words per minute at a rhythm ``pace``: the voice follows gently, by the same rule
    the session uses to estimate speaking time (:func:`skill.timing.voice_rate`)."""
    return int(max(RATE_MIN, min(RATE_MAX, round(base_rate * voice_rate(max(pace, 0.01))))))


def step_lines(step: Step) -> list[str]:
    """What the session says verbatim for a step: its instruction and its cue words."""
    return [step.instruction, *step.rhythm.cues]


class Voice:
    """The coach's voice: ``handle`` every event the session emits.

    Given the ``routine``, it pre-renders the intro and the first step at once, and the
    next step's lines whenever a step starts, so they play without rendering delay.
    """

    def __init__(
        self,
        speaker: Speaker,
        settings: VoiceSettings | None = None,
        routine: Routine | None = None,
    ) -> None:
        self.speaker = speaker
        self.settings = settings or VoiceSettings()
        self.routine = routine
        self.pace = 1.0
        self.cues_skipped = 0
        self._cue_texts: dict[str, None] = {}  # insertion-ordered set of cue lines seen
        speaker.set_rate(self.settings.rate)
        speaker.set_volume(self.settings.volume)
        if routine is not None and routine.steps:
            self.prefetch([routine.intro, *step_lines(routine.steps[0])])

    def handle(self, event: Event) -> None:
        if isinstance(event, Say):
            self.speaker.say(event.text, event.kind)
        elif isinstance(event, Cue):
            self._cue(event)
        elif isinstance(event, Paused | CommandHeard):
            # "pause"/"stop" silence at once; any other command is the user talking over
            # the coach (barge-in): the coach yields, and its answer follows.
            self.speaker.stop()
        elif isinstance(event, PaceChanged):
            self.pace = event.pace
            self.speaker.set_rate(rate_for_pace(self.settings.rate, event.pace))
            if self.settings.cue_style == "words":  # cue words at the new rate, ahead of time
                self.speaker.prefetch(list(self._cue_texts))
        elif isinstance(event, VolumeChanged):
            self.speaker.set_volume(event.volume)
        elif isinstance(event, StepStarted):
            # No cut here: a step that starts by itself follows the session's estimate of
            # the last line's length, and cutting would clip a line that runs a bit long.
            steps = self.routine.steps if self.routine is not None else []
            if event.index + 1 < len(steps):
                self.prefetch(step_lines(steps[event.index + 1]))

    def _cue(self, cue: Cue) -> None:
        # A cue is only worth anything on the beat: one that would have to wait for
        # speech still playing is dropped rather than queued late.
        if self.speaker.speaking:
            self.cues_skipped += 1
            log.debug("cue %r skipped: still speaking", cue.text)
            return
        if self.settings.cue_style == "tick" or not cue.text.strip():
            self.speaker.tick()
        else:
            self._cue_texts[cue.text] = None
            self.speaker.say(cue.text, "cue")

    def prefetch(self, texts: Iterable[str]) -> None:
        """Render the next step's lines while the current one plays."""
        self.speaker.prefetch([t for t in texts if t.strip()])

    def close(
        self,
        wait: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Release the speaker, first letting the current line finish for up to ``wait``
        seconds (the session's closing summary)."""
        deadline = clock() + wait
        while self.speaker.speaking and clock() < deadline:
            sleep(0.02)
        self.speaker.close()
