"""Decision rules from hypotheses to commands (pure: no audio)."""

from __future__ import annotations

from skill.commands import Command, Mode, grammar, speaking_grammar
from skill.listen.decide import Decider, Hypothesis, Settings, unambiguous

STROKING = grammar(Mode.STROKING)


def feed(decider: Decider, *hyps: Hypothesis, speaking: bool = False) -> list[Command]:
    phrases = speaking_grammar(Mode.STROKING) if speaking else STROKING
    out = [decider.update(h, phrases, speaking) for h in hyps]
    return [c for c in out if c is not None]


def partial(text: str) -> Hypothesis:
    return Hypothesis(text, final=False)


def test_a_stable_partial_fires_once_before_the_final() -> None:
    d = Decider(Settings(stable_chunks=2))
    fired = feed(
        d,
        partial(""),
        partial("pause"),
        partial("pause"),
        partial("pause"),
        Hypothesis("pause", final=True, confidence=0.99),
    )
    assert fired == [Command.PAUSE]


def test_careful_commands_wait_for_a_confident_final() -> None:
    d = Decider()
    assert feed(d, partial("next"), partial("next"), partial("next")) == []
    assert feed(d, Hypothesis("next", final=True, confidence=0.95)) == [Command.NEXT]
    assert feed(d, Hypothesis("end session", final=True, confidence=0.3)) == []


def test_a_phrase_that_a_longer_one_could_change_waits() -> None:
    assert unambiguous("hold on", ["hold on", "too hard", "too loud"])
    assert unambiguous("next", ["next", "next step"])
    assert not unambiguous("skip", ["skip", "skip this", "skip to the end"])
    assert not unambiguous("hold", ["hold", "hold on"])


def test_unknown_words_reject_the_utterance() -> None:
    d = Decider()
    assert feed(d, partial("pause [unk]"), partial("pause [unk]"), partial("pause [unk]")) == []
    assert feed(d, Hypothesis("[unk] pause", final=True, confidence=0.99)) == []


def test_while_speaking_the_bar_is_higher_and_only_barge_in_counts() -> None:
    d = Decider()
    final = Hypothesis("stop", final=True, confidence=0.8)
    assert feed(d, final, speaking=True) == []
    assert feed(d, Hypothesis("stop", final=True, confidence=0.9), speaking=True) == [Command.STOP]
    assert feed(d, Hypothesis("next", final=True, confidence=0.99), speaking=True) == []


def test_a_flickering_partial_does_not_fire() -> None:
    d = Decider(Settings(stable_chunks=3))
    assert feed(d, partial("pause"), partial("pause"), partial("wait"), partial("pause")) == []
