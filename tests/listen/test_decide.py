"""Decision rules from hypotheses to commands (pure: no audio)."""

from __future__ import annotations

from skill.commands import Command, Mode, grammar, speaking_grammar
from skill.listen.decide import Decider, EndOfSpeech, Hypothesis, Settings

STROKING = grammar(Mode.STROKING)
SPEAKING = speaking_grammar(Mode.STROKING)


def final(text: str, confidence: float = 0.99) -> Hypothesis:
    return Hypothesis(text, final=True, confidence=confidence)


def test_a_confident_final_phrase_is_a_command_a_partial_is_not() -> None:
    d = Decider()
    assert d.decide(Hypothesis("pause", final=False), STROKING, False) is None
    assert d.decide(final("pause"), STROKING, False) is Command.PAUSE
    assert d.decide(final("what's next"), STROKING, False) is Command.WHATS_NEXT


def test_careful_commands_need_more_confidence() -> None:
    d = Decider(Settings(min_confidence=0.5, min_confidence_careful=0.7))
    assert d.decide(final("slower", 0.6), STROKING, False) is Command.SLOWER
    assert d.decide(final("next", 0.6), STROKING, False) is None
    assert d.decide(final("end session", 0.75), STROKING, False) is Command.END


def test_unknown_words_around_a_phrase_reject_the_utterance() -> None:
    d = Decider()
    assert d.decide(final("[unk] pause"), STROKING, False) is None
    assert d.decide(final("pause [unk]"), STROKING, False) is None
    assert d.decide(final("[unk]"), STROKING, False) is None
    assert d.decide(final(""), STROKING, False) is None


def test_while_speaking_the_rest_of_the_coachs_voice_before_the_phrase_is_forgiven() -> None:
    d = Decider()
    assert d.decide(final("[unk] hold on"), SPEAKING, True) is Command.PAUSE
    assert d.decide(final("[unk] [unk] stop"), SPEAKING, True) is Command.STOP
    assert d.decide(final("stop [unk]"), SPEAKING, True) is None
    assert d.decide(final("[unk] hold on"), STROKING, False) is None


def test_while_speaking_only_confident_barge_in_phrases_count() -> None:
    d = Decider(Settings(min_confidence_speaking=0.85))
    assert d.decide(final("stop", 0.8), SPEAKING, True) is None
    assert d.decide(final("stop", 0.9), SPEAKING, True) is Command.STOP
    assert d.decide(final("next", 0.99), SPEAKING, True) is None


def test_end_of_speech_waits_for_quiet_relative_to_the_noise_floor() -> None:
    eos = EndOfSpeech(Settings(end_silence=0.18, quiet_margin_db=10))
    for _ in range(30):  # one second of a quiet room
        eos.update(-62.0, 0.03)
    for _ in range(10):  # a word
        eos.update(-20.0, 0.03)
    assert not eos.over()
    for _ in range(5):  # 150 ms of quiet: not yet
        eos.update(-61.0, 0.03)
    assert not eos.over()
    eos.update(-61.0, 0.03)
    assert eos.over()


def test_end_of_speech_adapts_to_a_noisier_room() -> None:
    eos = EndOfSpeech(Settings(end_silence=0.18, quiet_margin_db=10))
    for _ in range(30):
        eos.update(-62.0, 0.03)
    for _ in range(300):  # a fan starts: 9 s at -45 dBFS
        eos.update(-45.0, 0.03)
    assert eos.over()
