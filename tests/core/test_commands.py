from __future__ import annotations

import pytest

from skill.commands import (
    PHRASES,
    VALID,
    Command,
    Mode,
    all_phrases,
    contains_phrase,
    grammar,
    parse,
    speaking_grammar,
    vocabulary,
)

REQUIRED = {
    Command.NEXT: ["next", "next stroke", "next step"],
    Command.BACK: ["back", "go back", "previous"],
    Command.REPEAT: ["repeat", "say that again"],
    Command.SLOWER: ["slower", "slow down"],
    Command.FASTER: ["faster", "speed up"],
    Command.PAUSE: ["pause", "wait", "hold on"],
    Command.RESUME: ["resume", "continue"],
    Command.STOP: ["stop"],
    Command.SKIP: ["skip"],
    Command.HELP: ["help", "what can I say"],
    Command.SOFTER: ["softer", "lighter", "too hard"],
    Command.FIRMER: ["firmer", "more pressure"],
    Command.WHATS_NEXT: ["what's next"],
    Command.TIME_LEFT: ["how long", "time left"],
    Command.LOUDER: ["louder"],
    Command.QUIETER: ["quieter"],
    Command.END: ["end session"],
}


@pytest.mark.parametrize("command", list(Command))
def test_required_phrases_map_to_their_command(command: Command) -> None:
    for phrase in REQUIRED[command]:
        assert parse(phrase) is command, phrase


def test_every_phrase_is_unique_and_parses_back() -> None:
    phrases = all_phrases()
    assert len(phrases) == len(set(phrases))
    for command, said in PHRASES.items():
        for phrase in said:
            assert parse(phrase) is command


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pause!", Command.PAUSE),
        ("  NEXT  step ", Command.NEXT),
        ("What\u2019s next?", Command.WHATS_NEXT),
        ("please pause", Command.PAUSE),
        ("ok next please", Command.NEXT),
        ("time_left", Command.TIME_LEFT),
        ("whats_next", Command.WHATS_NEXT),
        ("end", Command.END),
    ],
)
def test_parse_tolerates_case_punctuation_and_padding(text: str, expected: Command) -> None:
    assert parse(text) is expected


@pytest.mark.parametrize(
    "text", ["", "   ", "that feels lovely", "next to the spine", "stop it now"]
)
def test_ordinary_talk_is_not_a_command(text: str) -> None:
    assert parse(text) is None


def test_grammars_hold_exactly_the_valid_commands() -> None:
    assert "resume" not in grammar(Mode.STROKING)
    assert "pause" not in grammar(Mode.PAUSED)
    assert set(grammar(Mode.CONFIRMING_END)) >= {"end session", "resume", "continue"}
    assert grammar(Mode.FINISHED) == []
    for mode in Mode:
        assert set(grammar(mode)) <= set(all_phrases())
        assert all(parse(p) in VALID[mode] for p in grammar(mode))


def test_vocabulary_is_the_words_of_the_phrases() -> None:
    words = vocabulary()
    assert words == sorted(set(words))
    assert {"what's", "session", "pressure"} <= set(words)


def test_speaking_grammar_is_the_barge_in_set_minus_what_is_being_said() -> None:
    assert set(speaking_grammar(Mode.STROKING)) == {
        "pause",
        "wait",
        "hold on",
        "stop",
        "louder",
        "speak up",
        "quieter",
        "too loud",
    }
    assert "pause" not in speaking_grammar(Mode.PAUSED)
    help_line = "You can say next, back, pause, or end session."
    assert "pause" not in speaking_grammar(Mode.STROKING, help_line)
    assert "wait" in speaking_grammar(Mode.STROKING, help_line)
    assert contains_phrase("Please hold on, then stop.", ["hold on", "stop", "wait"]) == [
        "hold on",
        "stop",
    ]
    # a word that starts with a phrase sounds like it: the coach must not obey its own ack
    stopped = "Stopped. Say end session to finish, or resume to carry on."
    assert "stop" not in speaking_grammar(Mode.CONFIRMING_END, stopped)
    assert contains_phrase("Unwaited, nonstop.", ["wait", "stop"]) == []


def test_every_line_the_session_speaks_leaves_a_way_to_interrupt() -> None:
    from skill.loading import load_routine
    from skill.simulate import simulate

    for event in simulate(load_routine("back-massage"), [(60.0, Command.HELP)]):
        text = getattr(event, "text", "")
        if event.type == "say":
            assert speaking_grammar(Mode.STROKING, text), text
