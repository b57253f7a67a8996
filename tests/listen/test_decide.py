"""Decision rules from hypotheses to commands (pure: no audio)."""

from __future__ import annotations

import math

import pytest

from skill.commands import Command, Mode, grammar, speaking_grammar
from skill.listen.decide import (
    Decider,
    EndOfSpeech,
    Hypothesis,
    PauseTracker,
    Settings,
    Surroundings,
)

STROKING = grammar(Mode.STROKING)
SPEAKING = speaking_grammar(Mode.STROKING)


def final(
    text: str, confidence: float = 0.99, before: float = 0.0, after: float = 0.0
) -> Hypothesis:
    return Hypothesis(
        text, final=True, confidence=confidence, unknown_before=before, unknown_after=after
    )


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
    # a careful floor set below the general one does not make those commands easier
    lax = Decider(Settings(min_confidence=0.85, min_confidence_careful=0.7))
    assert lax.decide(final("next", 0.8), STROKING, False) is None
    assert lax.decide(final("next", 0.9), STROKING, False) is Command.NEXT


def test_long_unknown_sound_around_a_phrase_means_it_was_part_of_talk() -> None:
    d = Decider(Settings(max_unknown_before=0.15, max_unknown_after=0.45))
    assert d.decide(final("[unk] pause", before=0.3), STROKING, False) is None
    assert d.decide(final("pause [unk]", after=0.6), STROKING, False) is None
    assert d.decide(final("[unk] pause [unk]", before=0.2, after=0.2), STROKING, False) is None
    assert d.decide(final("pause [unk]", after=0.4), STROKING, False) is Command.PAUSE
    assert d.decide(final("[unk] faster", before=0.1), STROKING, False) is Command.FASTER
    # a drawn-out last syllable is allowed more than sound before the phrase
    assert d.decide(final("[unk] pause [unk]", before=0.1, after=0.4), STROKING, False) is (
        Command.PAUSE
    )
    assert d.decide(final("[unk]"), STROKING, False) is None
    assert d.decide(final(""), STROKING, False) is None


def test_unknown_sound_inside_a_phrase_rejects_it() -> None:
    assert Decider().decide(final("end [unk] session"), STROKING, False) is None


def test_a_command_needs_a_pause_before_it() -> None:
    d = Decider(Settings(min_pause_before=0.3))
    assert d.decide(final("go back"), STROKING, False, Surroundings(0.1)) is None
    assert d.decide(final("go back"), STROKING, False, Surroundings(0.5)) is Command.BACK
    assert d.decide(final("hold on"), SPEAKING, True, Surroundings(0.0)) is Command.PAUSE


def test_a_command_louder_than_the_sound_around_it_stands_out_from_a_background() -> None:
    d = Decider(
        Settings(
            min_pause_before=0.3, max_unknown_before=0.3, max_unknown_after=0.3, min_prominence_db=6
        )
    )
    babble = final("[unk] pause [unk]", before=1.0, after=0.8)
    assert d.decide(babble, STROKING, False, Surroundings(0.0, 2.0)) is None
    assert d.decide(babble, STROKING, False, Surroundings(0.0, 7.0)) is Command.PAUSE


def test_unknown_sound_after_a_phrase_that_dies_away_is_the_room_not_talk() -> None:
    d = Decider(Settings(max_unknown_after=0.15, min_tail_drop_db=10.0, min_prominence_db=99))
    echo = final("pause [unk]", after=0.5)
    assert d.decide(echo, STROKING, False, Surroundings(tail_drop_db=14.0)) is Command.PAUSE
    # talk going on after the phrase is about as loud as the phrase
    assert d.decide(echo, STROKING, False, Surroundings(tail_drop_db=3.0)) is None
    # off (the default): all unknown sound after counts
    off = Decider(Settings(max_unknown_after=0.15, min_prominence_db=99))
    assert off.decide(echo, STROKING, False, Surroundings(tail_drop_db=14.0)) is None


def test_steady_noise_heard_as_a_phrase_is_not_a_command() -> None:
    d = Decider(Settings(min_level_spread_db=5.0))
    assert d.decide(final("slower"), STROKING, False, Surroundings(level_spread_db=2.0)) is None
    assert d.decide(final("slower"), STROKING, False, Surroundings(level_spread_db=8.0)) is (
        Command.SLOWER
    )
    # a whole level that moves (pink noise's), but no band that rises and falls
    pink = Surroundings(level_spread_db=6.0, band_spread_db=6.5)
    assert d.decide(final("help"), STROKING, False, pink) is None
    spoken = Surroundings(level_spread_db=6.0, band_spread_db=14.0)
    assert d.decide(final("help"), STROKING, False, spoken) is Command.HELP
    # whatever stands out; but not while the coach speaks (its residue blurs the level:
    # barge-in 88.9% / 91.7% with both rules off then, 84.7% / 84.7% with both on)
    loud = Surroundings(0.0, 20.0, 2.0)
    assert d.decide(final("slower"), STROKING, False, loud) is None
    assert d.decide(final("hold on"), SPEAKING, True, loud) is Command.PAUSE


def test_a_phrase_drawn_out_over_seconds_is_not_a_command() -> None:
    d = Decider(Settings(max_seconds_per_word=0.5))

    def said(text: str, seconds: float) -> Hypothesis:
        return Hypothesis(text, final=True, confidence=0.99, start=2.0, end=2.0 + seconds)

    assert d.decide(said("help", 1.4), STROKING, False) is Command.HELP
    assert d.decide(said("help", 1.6), STROKING, False) is None
    assert d.decide(said("[unk] how much longer [unk]", 2.4), STROKING, False) is (
        Command.TIME_LEFT
    )
    assert d.decide(said("how much longer", 2.6), STROKING, False) is None


def test_pauses_are_measured_between_utterances_but_not_across_the_coachs_voice() -> None:
    pauses = PauseTracker()
    talk = Hypothesis("[unk]", True, first=1.0, last=2.5)
    assert pauses.before(talk, False, 2.5) == math.inf
    assert pauses.before(Hypothesis("go back", True, first=2.6, last=3.0), False, 3.0) == (
        pytest.approx(0.1)
    )
    assert pauses.before(Hypothesis("[unk]", True, first=3.8, last=4.0), True, 4.0) == (
        pytest.approx(0.8)
    )
    assert pauses.before(Hypothesis("next", True, first=4.2, last=4.5), False, 4.5) == math.inf


def test_a_result_with_no_sound_above_the_background_leaves_the_pause_going_on() -> None:
    pauses = PauseTracker()
    pauses.before(Hypothesis("[unk]", True, first=1.0, last=2.5), False, 2.3)
    babble = Hypothesis("[unk]", True, first=2.9, last=3.6)
    assert pauses.before(babble, False, None) == pytest.approx(0.6)
    assert pauses.before(Hypothesis("stop", True, first=3.6, last=4.0), False, 4.0) == (
        pytest.approx(1.3)
    )


def test_while_speaking_the_rest_of_the_coachs_voice_before_the_phrase_is_forgiven() -> None:
    d = Decider(Settings(max_unknown_before=0.15, max_unknown_after=0.3))
    assert d.decide(final("[unk] hold on", before=2.0), SPEAKING, True) is Command.PAUSE
    assert d.decide(final("[unk] [unk] stop", before=1.0), SPEAKING, True) is Command.STOP
    assert d.decide(final("stop [unk]", after=0.6), SPEAKING, True) is None
    assert d.decide(final("[unk] hold on", before=2.0), STROKING, False) is None


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


def _word_then_quiet(eos: EndOfSpeech, room_db: float, word_db: float, quiet: int) -> bool:
    """A word at ``word_db`` in a room at ``room_db``, then ``quiet`` chunks of the room: over?"""
    for _ in range(10):
        eos.update(word_db, 0.03)
    for _ in range(quiet):
        eos.update(room_db, 0.03)
    return eos.over()


def test_over_a_background_the_end_of_an_utterance_waits_longer() -> None:
    settings = Settings(end_silence=0.18, end_silence_background=0.3, background_db=25)
    quiet_room, babble = EndOfSpeech(settings), EndOfSpeech(settings)
    for _ in range(100):  # 3 s of each room
        quiet_room.update(-62.0, 0.03)
        babble.update(-35.0, 0.03)
    # 0.21 s after a word: the quiet room's utterance is over, the one over babble is not
    # (a sentence's soft parts sit near a babble's level: a pause inside it, not its end)
    assert _word_then_quiet(quiet_room, -62.0, -20.0, 7)
    assert not _word_then_quiet(babble, -35.0, -20.0, 7)
    assert not quiet_room.background() and babble.background()
    silent = EndOfSpeech(settings)  # digital silence is no background, even before a sound
    silent.update(-120.0, 0.03)
    assert not silent.background()
    for _ in range(3):
        babble.update(-35.0, 0.03)
    assert babble.over()  # 0.3 s


def test_the_coachs_voice_and_a_loud_sound_long_ago_do_not_hide_a_background() -> None:
    eos = EndOfSpeech(Settings(background_db=25, loud_fall_db_per_s=1.0))
    for _ in range(30):
        eos.update(-40.0, 0.03)
    eos.update(-5.0, 0.03)  # a door slams: for a while the babble seems quiet beside it
    assert not eos.background()
    for _ in range(400):  # 12 s of babble, with the coach's voice (echo) loud in it
        eos.update(-40.0, 0.03)
        eos.update(-10.0, 0.03, echo=True)
    assert eos.background()


def _speak(eos: EndOfSpeech, word: list[float], room_db: float) -> list[bool]:
    """A second of a room at ``room_db``, then a word's chunks at the levels ``word``: which
    of them were sound?"""
    for _ in range(30):
        eos.update(room_db, 0.03)
    heard = []
    for level in word:
        eos.update(level, 0.03)
        heard.append(eos.audible(level))
    return heard


def test_a_microphone_turned_down_turns_its_silence_level_down_with_it() -> None:
    settings = Settings(
        silence_dbfs=-65.0,
        silence_below_peak_db=40.0,
        peak_from_dbfs=-75.0,
        lowest_silence_dbfs=-90.0,
    )
    # a word 50 dB under a normal one (its vowels at -70 dBFS, the rest at -80) in digital
    # silence: all of it is sound once its first vowel is heard
    heard = _speak(EndOfSpeech(settings), [-80, -70, -80, -70, -80, -80], -120.0)
    assert heard == [False] + [True] * 5
    # a microphone that has heard sound near full level keeps the silence level: what is
    # left of the coach's voice after echo cancellation, at -70 dBFS, is quiet there
    loud = EndOfSpeech(settings)
    loud.update(-20.0, 0.03, echo=True, raw_db=-15.0)  # the coach's voice, mostly removed
    assert loud.silence() == -65.0
    assert not any(_speak(loud, [-70.0] * 5, -120.0))
    # digital silence and a faint breath under -75 dBFS never lower it
    faint = EndOfSpeech(settings)
    assert not any(_speak(faint, [-78.0] * 5, -120.0))
    assert faint.silence() == -65.0
    # and it never goes under a sample's last bit: digital silence is no background
    assert all(_speak(faint, [-74.0, -85.0], -120.0)) and faint.silence() == -90.0
    assert not faint.background()


def test_a_loud_sound_long_ago_no_longer_holds_the_silence_level_up() -> None:
    eos = EndOfSpeech(
        Settings(silence_dbfs=-65.0, silence_below_peak_db=40.0, peak_fall_db_per_s=0.02)
    )
    eos.update(-5.0, 0.03)  # a door slams by a microphone turned down
    assert eos.silence() == -65.0
    for _ in range(2000):  # half an hour of quiet, 0.9 s at a time: 36 dB forgotten
        eos.update(-120.0, 0.9)
    assert eos.silence() == pytest.approx(-5.0 - 36.0 - 40.0, abs=0.1)


def _room(eos: EndOfSpeech, rises: list[float], floor_db: float, seconds: float) -> None:
    """``seconds`` of a room whose 30 ms chunks rise over ``floor_db`` by ``rises`` in turn."""
    for i in range(round(seconds / 0.03)):
        eos.update(floor_db + rises[i % len(rises)], 0.03)


def test_over_a_steady_background_the_quiet_margin_narrows() -> None:
    """Music or a fan hardly rises over its floor: talk 7 dB over it is sound, though under
    the 10 dB margin. A babble that rises and dips keeps the margin, as does a quiet room,
    and a steady background heard too briefly to tell."""
    settings = Settings(quiet_margin_db=10, steady_margin_db=6, steady_headroom_db=4)
    music, babble, quiet_room, brief = (EndOfSpeech(settings) for _ in range(4))
    _room(music, [0.0, 1.0, 2.0, 1.0], -40.0, 3.0)
    _room(babble, [0.0, 7.0, 9.0, 8.0], -40.0, 3.0)
    quiet_room.update(-20.0, 0.03)  # a voice: the room's floor is far under it
    _room(quiet_room, [0.0, 1.0, 2.0, 1.0], -62.0, 3.0)
    _room(brief, [0.0, 1.0, 2.0, 1.0], -40.0, 0.9)
    assert music.margin() == 6.0  # median rise under 1 dB, + 4: at least 6
    assert music.audible(-33.0) and not music.audible(-35.0)
    assert babble.margin() == quiet_room.margin() == brief.margin() == 10.0
    assert not babble.audible(-33.0) and not quiet_room.audible(-55.0)
    assert babble.background() and not quiet_room.background() and brief.background()
    # talk over the steady background does not flush it out: the margin holds while it lasts
    _room(music, [12.0, 20.0, 15.0], -40.0, 3.0)
    assert music.margin() == pytest.approx(6.0)
    # a background that rises more sets a margin between the two
    between = EndOfSpeech(settings)
    _room(between, [0.0, 6.0], -40.0, 3.0)
    # median rise 3 dB (of 0 and 6, less what the floor rose in 30 ms), + 4
    assert between.margin() == pytest.approx(7.0, abs=0.1)
    # the same narrowest margin as the widest: no narrowing
    same = EndOfSpeech(Settings(quiet_margin_db=10, steady_margin_db=10))
    _room(same, [0.0, 1.0], -40.0, 3.0)
    assert same.margin() == 10.0
