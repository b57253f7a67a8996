"""What Hearing measures around a phrase: how much it stands out from the sound around it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from skill.commands import Mode
from skill.listen.decide import Hypothesis, Surroundings
from skill.listen.hearing import Hearing, Listening
from skill.listen.mic import BLOCK, RATE, Chunk

CHUNK = BLOCK / RATE


class FinalAt:
    """Says nothing until chunk ``n``, then one final result."""

    def __init__(self, n: int, final: Hypothesis) -> None:
        self.n, self.final, self.fed = n, final, 0

    def set_phrases(self, phrases: Sequence[str]) -> None:
        pass

    def feed(self, pcm: bytes) -> Hypothesis | None:
        self.fed += 1
        return self.final if self.fed == self.n else None

    def finish(self) -> Hypothesis:
        return self.final


def tone(dbfs: float, chunks: int, rng: np.random.Generator) -> list[bytes]:
    x = rng.normal(size=chunks * BLOCK) * 32768 * 10 ** (dbfs / 20)
    pcm = np.clip(x, -32768, 32767).astype(np.int16)
    return [pcm[i * BLOCK : (i + 1) * BLOCK].tobytes() for i in range(chunks)]


def prominence(
    before_db: float, after_db: float, after_chunks: int = 25, before_chunks: int = 30
) -> float:
    """A 0.51 s phrase at -30 dBFS after 0.15 s of near silence and ``before_chunks`` (30 ms)
    of sound at ``before_db``, followed by ``after_chunks`` of sound at ``after_db``."""
    rng = np.random.default_rng(1)
    pcm = [*tone(-90, 5, rng), *tone(before_db, before_chunks, rng), *tone(-30, 17, rng)]
    pcm += tone(after_db, after_chunks, rng)
    start = (5 + before_chunks) * CHUNK
    end = start + 17 * CHUNK
    final = Hypothesis("pause", True, 0.99, start, end, 0.0, 0.0, start, end)
    seen: list[Surroundings] = []
    hearing = Hearing(
        FinalAt(len(pcm), final),
        lambda: Listening(Mode.STROKING, speaking=False),
        on_final=lambda h, around: seen.append(around),
    )
    for i, p in enumerate(pcm):
        hearing.hear(Chunk(p, i * CHUNK))
    assert len(seen) == 1
    return seen[0].prominence_db


def test_a_phrase_over_a_background_stands_out_on_both_sides() -> None:
    assert 8.0 < prominence(-40, -40) < 12.0


def test_a_louder_word_inside_talk_does_not_stand_out_from_what_follows() -> None:
    assert abs(prominence(-40, -30)) < 2.0


def test_too_little_heard_after_the_phrase_leaves_only_the_sound_before() -> None:
    assert 8.0 < prominence(-40, -30, after_chunks=3) < 12.0


def test_quiet_before_the_phrase_leaves_it_to_the_usual_rules() -> None:
    assert prominence(-85, -40, before_chunks=12) == 0.0
