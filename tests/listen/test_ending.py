"""When Hearing ends an utterance early: after a short quiet, unless the words so far only
start a phrase (the soft middle of "what's next" in steady noise is quiet to the listener)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from skill.commands import Mode
from skill.listen.decide import Hypothesis, Settings
from skill.listen.hearing import Hearing, Listening
from skill.listen.mic import Chunk
from tests.listen.test_hearing import CHUNK, tone


class Says:
    """A recognizer that hears ``words[k]`` once ``at[k]`` chunks were fed. Ended early, it
    can only give whole phrases: the words so far if they are one, else ``[unk]``."""

    def __init__(self, words: Sequence[str], at: Sequence[int], whole: Sequence[str]) -> None:
        self.words, self.at, self.whole = words, at, whole
        self.fed = 0
        self.ended_at: list[int] = []

    def set_phrases(self, phrases: Sequence[str]) -> None:
        pass

    def _so_far(self) -> str:
        heard = [w for w, k in zip(self.words, self.at, strict=True) if self.fed >= k]
        return heard[-1] if heard else ""

    def feed(self, pcm: bytes) -> Hypothesis | None:
        self.fed += 1
        if self.ended_at:
            return None  # one utterance per test
        text = self._so_far()
        return Hypothesis(text, False) if text else None

    def finish(self) -> Hypothesis:
        self.ended_at.append(self.fed)
        text = self._so_far()
        start = self.at[0] * CHUNK
        said = text if text in self.whole else "[unk]"
        return Hypothesis(said, True, 1.0, start, self.fed * CHUNK - 0.2, 0.0, 0.0, start)


def hear(recognizer: Says, pcm: list[bytes], **settings: float) -> list[str]:
    """The commands Hearing obeys in ``pcm`` (the coach silent; ``settings`` on top)."""
    hearing = Hearing(
        recognizer,
        lambda: Listening(Mode.STROKING, speaking=False),
        settings=Settings(min_level_spread_db=0.0, min_band_spread_db=0.0, **settings),  # type: ignore[arg-type]
    )
    found = [hearing.hear(Chunk(p, i * CHUNK)) for i, p in enumerate(pcm)]
    return [d.command.value for d in found if d is not None]


def test_a_pause_inside_a_phrase_does_not_end_it() -> None:
    rng = np.random.default_rng(2)
    # "what's" (chunks 5-14), 0.24 s below the quiet margin, "next" (23-32), then quiet
    pcm = [
        *tone(-90, 5, rng),
        *tone(-30, 10, rng),
        *tone(-90, 8, rng),
        *tone(-30, 10, rng),
        *tone(-90, 30, rng),
    ]
    recognizer = Says(["what's", "what's next"], [7, 25], ["what's next"])
    assert hear(recognizer, pcm) == ["whats_next"]
    assert recognizer.ended_at == [33 + 6]  # 0.18 s after "next": the phrase was whole
    # ended after 0.18 s of quiet, as before, it was split and lost
    recognizer = Says(["what's", "what's next"], [7, 25], ["what's next"])
    assert hear(recognizer, pcm, end_silence_incomplete=0.18) == []
    assert recognizer.ended_at == [15 + 6]


def test_a_whole_phrase_is_ended_after_the_short_quiet() -> None:
    rng = np.random.default_rng(3)
    pcm = [*tone(-90, 5, rng), *tone(-30, 10, rng), *tone(-90, 30, rng)]
    recognizer = Says(["next"], [5], ["next"])
    assert hear(recognizer, pcm) == ["next"]
    assert recognizer.ended_at == [15 + 6]  # 0.18 s (six 30 ms chunks) after the word


def test_talk_is_ended_after_the_short_quiet() -> None:
    rng = np.random.default_rng(4)
    pcm = [*tone(-90, 5, rng), *tone(-30, 10, rng), *tone(-90, 30, rng)]
    recognizer = Says(["[unk]"], [5], [])
    assert hear(recognizer, pcm) == []
    assert recognizer.ended_at == [15 + 6]
