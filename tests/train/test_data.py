"""The synthetic training data is the same on every rebuild from the same seed."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from skill.commands import all_phrases, normalize, parse
from skill.train import augment, data, synth, text
from skill.train.synth import (
    COACH_VOICES,
    DEV_VOICES,
    HELD_OUT,
    Voice,
    synthesize,
    training_voices,
)
from skill.train.text import coach_lines, short_talk, spans


def test_synthesis_through_sox_effects_is_repeatable() -> None:
    # sox dithers at random unless told not to: the same job gave different samples each run
    voice = Voice("espeak", "en-us+m3")
    effects = ("speed", "1.100", "tempo", "-s", "0.909")
    a = synthesize(voice, "slow down", 1.1, 40, effects)
    b = synthesize(voice, "slow down", 1.1, 40, effects)
    assert len(a) > 8000
    assert np.array_equal(a, b)


def test_the_plan_and_augmentation_depend_only_on_the_seed() -> None:
    voices = [Voice("espeak", "en-us"), Voice("espeak", "en-gb+f2")]
    plan = data.plan(3, voices, 1, 2, 1, 3, coach=coach_lines()[:1])
    assert plan == data.plan(3, voices, 1, 2, 1, 3, coach=coach_lines()[:1])
    assert plan != data.plan(4, voices, 1, 2, 1, 3, coach=coach_lines()[:1])
    x = synthesize(voices[0], "pause")
    data._BG[:] = [synthesize(voices[1], "the towel is warm")]
    data._COACH[:] = [synthesize(COACH_VOICES[0], coach_lines()[0])]
    try:
        first = data._augment((3, 7, x, 3, True, False, data.Acoustics(microphones=True)))
        again = data._augment((3, 7, x, 3, True, False, data.Acoustics(microphones=True)))
        other = data._augment((4, 7, x, 3, True, False, data.Acoustics(microphones=True)))
    finally:
        data._BG.clear()
        data._COACH.clear()
    assert len(first) == 3
    # the copies share one alignment: they keep copy 0's length and timing
    assert len({len(c) for c in first}) == 1
    assert all(np.array_equal(p, q) for p, q in zip(first, again, strict=True))
    assert not np.array_equal(first[2], other[2])


def test_a_drawn_out_end_goes_into_every_copy_of_a_clip(monkeypatch: pytest.MonkeyPatch) -> None:
    x = synthesize(Voice("espeak", "en-us"), "next")
    data._BG[:] = [synthesize(Voice("espeak", "en-gb+f2"), "the towel is warm")]
    try:
        monkeypatch.setattr(data, "LENGTHEN", 0.0)
        plain = data._augment((3, 7, x, 2, True, False, data.Acoustics(microphones=True)))
        monkeypatch.setattr(data, "LENGTHEN", 1.0)
        drawn = data._augment((3, 7, x, 2, True, False, data.Acoustics(microphones=True)))
    finally:
        data._BG.clear()
    assert len({len(c) for c in drawn}) == 1
    assert len(drawn[0]) > len(plain[0])


def test_a_microphone_colours_speech_by_up_to_tens_of_db_and_repeats_from_its_seed() -> None:
    x = np.random.default_rng(0).normal(size=augment.SR)
    f = np.fft.rfftfreq(len(x), 1 / augment.SR)
    spreads = []
    for seed in range(20):
        y = augment.microphone(x, np.random.default_rng(seed))
        assert np.array_equal(y, augment.microphone(x, np.random.default_rng(seed)))
        assert len(y) == len(x)
        gain = 20 * np.log10(np.abs(np.fft.rfft(y)[f > 50]) / np.abs(np.fft.rfft(x)[f > 50]))
        spreads.append(gain.max() - gain.min())
    assert 6 < np.median(spreads) < 60


def some_copies_changed(
    x: np.ndarray, before: data.Acoustics, after: data.Acoustics
) -> list[tuple[np.ndarray, np.ndarray, bool]]:
    """(copy heard through ``before``, through ``after``, changed?) for each copy of one clip;
    ``after`` repeats from its seed and changes some copies, not all."""
    plain = data._augment((3, 7, x, 3, True, False, before))
    got = data._augment((3, 7, x, 3, True, False, after))
    again = data._augment((3, 7, x, 3, True, False, after))
    assert all(np.array_equal(p, q) for p, q in zip(got, again, strict=True))
    changed = [not np.array_equal(p, q) for p, q in zip(plain, got, strict=True)]
    assert any(changed) and not all(changed)
    return list(zip(plain, got, changed, strict=True))


def test_a_narrowband_channel_cuts_the_top_of_some_copies_and_leaves_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(data, "NARROW_CUTOFF", (3500.0, 3500.0))
    x = (np.random.default_rng(0).normal(size=augment.SR) * 3000).astype(np.int16)

    def top_db(y: np.ndarray) -> float:  # power above 5 kHz against 0.5-3 kHz
        s = np.abs(np.fft.rfft(y.astype(np.float64))) ** 2
        f = np.fft.rfftfreq(len(y), 1 / augment.SR)
        return float(10 * np.log10(s[f > 5000].mean() / s[(f > 500) & (f < 3000)].mean()))

    full = data.Acoustics(microphones=True, rooms=True)
    narrow = data.Acoustics(microphones=True, rooms=True, narrowband=True)
    # with this seed: copies 0 and 2 of 4 changed
    for p, q, c in some_copies_changed(x, full, narrow):
        assert len(p) == len(q)
        if c:
            assert top_db(q) < top_db(p) - 20  # 8th order: 25 dB at 5 kHz
            assert np.abs(q).max() == pytest.approx(np.abs(p).max(), rel=0.01)


def test_the_development_clips_hear_no_microphone_and_no_room_but_always_breaths(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The development set hears no microphone and no room (its scores stay comparable) and
    always has its breaths; the training set has microphones, rooms and breaths when asked."""
    asked: list[object] = []
    breaths: list[object] = []

    def build(jobs: list[data.Job], seed: int, noise_only: int, **kw: object) -> list[data.Utt]:
        asked.append(kw.get("heard", data.Acoustics()))
        breaths.append(kw.get("breaths", False))
        return []

    monkeypatch.setattr(data, "build", build)
    data.dev_set(1, True)
    mic, room = data.Acoustics(microphones=True), data.Acoustics(rooms=True)
    data.training_set(1, 0.01, True, mic)
    data.training_set(1, 0.01, True, room)
    data.training_set(1, 0.01, True, breaths=True)
    assert asked == [data.Acoustics()] * data.DEV_DRAWS + [mic, room, data.Acoustics()]
    # users breathe before a command whatever the model was trained on
    assert breaths == [True] * data.DEV_DRAWS + [False, False, True]
    monkeypatch.undo()

    x = synthesize(Voice("espeak", "en-us"), "next")

    def refuse(*_: object) -> np.ndarray:
        raise AssertionError("a clip went through a microphone")

    monkeypatch.setattr(augment, "microphone", refuse)
    for seed in range(8):
        data._augment((seed, 7, x, 2, False, False, data.Acoustics()))
    with pytest.raises(AssertionError, match="microphone"):
        for seed in range(8):
            data._augment((seed, 7, x, 2, False, False, data.Acoustics(microphones=True)))


def test_with_rooms_room_share_of_the_clips_get_one_more_copy_in_a_room(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    x = synthesize(Voice("espeak", "en-us"), "next")
    rooms: list[float] = []

    def reverb(y: np.ndarray, rt60: float, rng: np.random.Generator, wet: float) -> np.ndarray:
        rooms.append(rt60)
        return y + 0.0

    monkeypatch.setattr(augment, "reverb", reverb)
    monkeypatch.setattr(data, "heavy", lambda y, *_: y)  # their own rooms are not counted
    monkeypatch.setattr(data, "overlap", lambda y, *_: y)
    extra = 0
    for seed in range(40):
        dry = data._augment((seed, 7, x, 3, False, False, data.Acoustics(microphones=True)))
        assert len(dry) == 3 and len(rooms) == extra  # no room without ``rooms``
        wet = data._augment((seed, 7, x, 3, False, False, data.Acoustics(True, True)))
        # the room copy has its own draws: the others stay as they were
        assert all(np.array_equal(p, q) for p, q in zip(dry, wet[:3], strict=True))
        extra += len(wet) - 3
        assert len(wet) in (3, 4) and len(rooms) == extra
    assert abs(extra - 40 * data.ROOM_SHARE) <= 10 and extra >= 1
    assert all(data.ROOM_RT60[0] <= t <= data.ROOM_RT60[1] for t in rooms)


def test_coach_lines_come_from_the_bundled_routines() -> None:
    lines = coach_lines()
    assert len(lines) > 50
    assert any("spine" in line for line in lines)
    assert all(len(line.split()) >= 4 for line in lines)


def test_no_training_or_coach_voice_is_held_out() -> None:
    keys = {v.key for v in [*training_voices(accents=True), *COACH_VOICES]}
    assert not keys & HELD_OUT
    assert {v.key for v in COACH_VOICES} <= {v.key for v in training_voices()}
    dev = {v.key for v in DEV_VOICES}
    assert len(dev) >= 3 and not dev & keys and not dev & HELD_OUT


def test_every_development_voice_says_every_command_and_three_say_each_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    planned: list[list[data.Job]] = []
    monkeypatch.setattr(data, "build", lambda jobs, *a, **kw: planned.append(jobs) or [])
    data.dev_set(1, True)
    assert len(planned) == data.DEV_DRAWS
    # an accented speaker is among them, heard in no training nor held-out
    assert Voice("mbrola", "mb-hu1-en") in DEV_VOICES
    assert not set(DEV_VOICES) & set(synth.ACCENTED)
    own = set(text.DEV_SENTENCES + text.DEV_SENTENCES_PLAIN + text.DEV_SENTENCES_OPENING)
    for jobs in planned:
        for phrase in all_phrases():
            said = [j.voice for j in jobs if j.kind == "cmd" and j.text == phrase]
            assert sorted(said, key=str) == sorted(DEV_VOICES, key=str)
        talk = [j for j in jobs if j.kind == "talk" and j.text in own]
        by = {t: {j.voice for j in talk if j.text == t} for t in own}
        assert {len(v) for v in by.values()} == {data.DEV_TALK_VOICES}
        assert len(talk) == data.DEV_TALK_VOICES * len(own)
        assert {j.voice for j in talk} == set(DEV_VOICES)


def test_a_held_out_speaker_is_refused_in_every_engine() -> None:
    # RHVoice's slt is the CMU ARCTIC speaker of two held-out voices
    accented = [v.key for v in synth.HELD_OUT_ACCENTED]
    for key in ("rhvoice:slt", "flite:slt", "festival:cmu_us_slt_arctic_hts", *accented):
        engine, name = key.split(":")
        with pytest.raises(ValueError, match="held-out"):
            synthesize(Voice(engine, name), "pause")


def test_accented_speakers_say_commands_words_and_talk_only_when_asked() -> None:
    plain, accents = training_voices(), training_voices(accents=True)
    assert not set(plain) & set(synth.ACCENTED)
    assert set(accents) - set(plain) == set(synth.ACCENTED)
    assert not {v.key for v in accents} & HELD_OUT
    jobs = data.plan(5, accents, 2, 40, 3, 3, cmd_per_phrase_accented=4, rates=1)
    for phrase in all_phrases():
        said = [j.voice for j in jobs if j.kind == "cmd" and j.text == phrase]
        accented = [v for v in said if v in synth.ACCENTED]
        assert len(accented) == len(set(accented)) == 4
        assert sum(v.engine == "espeak" for v in said) == 2
    # they are drawn for words and talk like any other voice
    rest = {j.voice for j in jobs if j.kind in ("word", "talk")}
    assert rest & set(synth.ACCENTED)
    # without them, the plan is the one it was (no random draw spent on them)
    assert data.plan(5, plain, 2, 40, 3, 3, rates=1) == data.plan(
        5, plain, 2, 40, 3, 3, cmd_per_phrase_accented=4, rates=1
    )


def test_each_voice_says_each_command_at_the_planned_number_of_rates() -> None:
    voices = [Voice("flite", "kal"), Voice("pico", "en-US"), Voice("espeak", "en-us")]
    for rates in (1, 2, 3):
        jobs = [j for j in data.plan(5, voices, 1, 0, 1, 3, rates=rates) if j.kind == "cmd"]
        for v in voices[:2]:
            for phrase in all_phrases():
                said = [j.rate for j in jobs if j.voice == v and j.text == phrase]
                assert len(said) == rates
                # of slow, normal and fast (each within 5%), drawn without repeats
                kinds = {min((0.85, 1.0, 1.2), key=lambda k: abs(r / k - 1)) for r in said}
                assert len(kinds) == rates
        # espeak-ng voices are drawn per phrase instead, one each here
        assert len([j for j in jobs if j.voice == voices[2]]) == len(all_phrases())


@pytest.mark.parametrize(
    ("voice", "tool"),
    [(Voice("rhvoice", "clb"), "RHVoice-test"), (Voice("pico", "en-US"), "pico2wave")],
)
def test_rhvoice_and_pico_follow_the_speaking_rate(voice: Voice, tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (training voices: models/README.md)")
    slow = synthesize(voice, "hold on a second", 0.8, 50)
    fast = synthesize(voice, "hold on a second", 1.25, 50)
    assert np.array_equal(slow, synthesize(voice, "hold on a second", 0.8, 50))
    assert 1.3 < len(slow) / len(fast) < 1.8
    assert np.abs(fast).max() > 3000


def test_a_drawn_out_end_lengthens_the_last_syllable_only() -> None:
    x = synthesize(Voice("espeak", "en-us"), "pause").astype(np.float64)
    end = augment.speech_end(x)
    assert 0.5 * len(x) < end <= len(x)
    rng = np.random.default_rng(5)
    y = augment.lengthen_end(x, rng)
    again = augment.lengthen_end(x, np.random.default_rng(5))
    assert np.array_equal(y, again)
    # 0.12-0.3 s slowed 1.3-2.2 times: at least 36 ms and at most 0.36 s (plus the silence
    # after the speech, slowed too) longer
    grown = len(y) - len(x)
    assert 0.036 * 16000 * 0.9 < grown < (0.36 + 2.2 * (len(x) - end) / 16000) * 16000 * 1.1
    # everything before the last 0.3 s of speech is untouched
    assert np.array_equal(y[: end - int(0.3 * 16000)], x[: end - int(0.3 * 16000)])
    # the level stays that of the word
    assert 0.7 < np.abs(y).max() / np.abs(x).max() < 1.3


def test_the_end_of_silence_is_its_length() -> None:
    assert augment.speech_end(np.zeros(8000)) == 8000
    assert augment.speech_start(np.zeros(8000)) == 0


def test_a_breath_is_faint_and_comes_just_before_the_speech() -> None:
    said = synthesize(Voice("espeak", "en-us"), "pause").astype(np.float64)
    x = augment.pad(said, 0.5, 0.3)
    start = augment.speech_start(x)
    assert 0.5 * 16000 <= start < 0.7 * 16000
    for seed in range(10):
        y = augment.breath(x, np.random.default_rng(seed))
        assert np.array_equal(y, augment.breath(x, np.random.default_rng(seed)))
        assert len(y) == len(x)
        added = y - x
        assert not added[start:].any()  # the speech itself is untouched
        where = np.nonzero(added)[0]
        # 0.12-0.35 s long, ending at most 0.1 s before the speech
        assert 0.1 * 16000 < len(where) <= 0.35 * 16000
        assert start - 0.1 * 16000 - 1 <= where[-1] < start
        # 40-60 dB under the speech's loudest 10 ms, as a whole
        power = np.mean(added[where] ** 2)
        loudest = max(np.mean(x[k : k + 160] ** 2) for k in range(0, len(x) - 160, 160))
        assert -62 < 10 * np.log10(power / loudest) < -38
    # no quiet before the speech: nothing is added
    assert np.array_equal(augment.breath(said, np.random.default_rng(0)), said)


def test_short_talk_said_alone_is_never_a_command() -> None:
    talk = short_talk()
    assert len(talk) >= 50
    assert all(parse(t) is None for t in talk)


def test_bits_of_talk_said_alone_never_hold_a_command_phrase() -> None:
    cut = spans(300, random.Random(2))
    assert len(cut) == 300 == len(set(cut))
    assert all(1 <= len(c.split()) <= 3 for c in cut)
    for c in cut:
        padded = f" {c} "
        assert not any(f" {p} " in padded for p in all_phrases()), c


BENCH_TALK = Path(__file__).parents[2] / "bench" / "talk.txt"


def test_training_talk_with_command_words_holds_them_and_is_never_held_out_talk() -> None:
    """The training talk with command words inside has them (a command phrase in nearly
    every sentence) and is neither a development sentence nor a benchmark one."""
    talk = [normalize(t) for t in text.TALK_COMMAND_WORDS]
    assert len(set(talk)) == len(talk) >= 100
    held = [
        *text.DEV_SENTENCES,
        *text.DEV_SENTENCES_PLAIN,
        *text.DEV_SENTENCES_OPENING,
        *(ln for ln in BENCH_TALK.read_text().splitlines() if not ln.startswith("#")),
    ]
    assert not set(talk) & {normalize(t) for t in held}
    holding = [t for t in talk if any(f" {p} " in f" {t} " for p in all_phrases())]
    assert len(holding) >= 0.9 * len(talk)


def test_training_talk_with_command_words_is_said_by_its_voices_and_copies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    planned: list[list[data.Job]] = []

    def build(jobs: list[data.Job], seed: int, noise_only: int, **_: object) -> list[data.Utt]:
        planned.append(jobs)
        return []

    monkeypatch.setattr(data, "build", build)
    data.training_set(1, 0.1, True)
    data.training_set(1, 0.1, True, command_talk=True)
    without, with_talk = planned
    mine = set(text.TALK_COMMAND_WORDS)
    assert not any(j.text in mine for j in without)
    said = [j for j in with_talk if j.text in mine]
    n = int(len(text.TALK_COMMAND_WORDS) * 0.1)
    assert [j.text for j in said] == [
        t for t in text.TALK_COMMAND_WORDS[:n] for _ in range(data.TALK_VOICES)
    ]
    said_texts = text.TALK_COMMAND_WORDS[:n]
    assert all(j.kind == "talk" and j.copies == data.TALK_COPIES for j in said)
    assert all(len({j.voice for j in said if j.text == t}) == data.TALK_VOICES for t in said_texts)
    # everything planned before it is as it was without it
    first = with_talk.index(said[0])
    assert with_talk[:first] == without[:first]


def test_pico_gets_the_text_inside_its_markup_escaped() -> None:
    cmd = synth.native_command(Voice("pico", "en-US"), "oil & <towel>", 1.2, 50, "/tmp/x.wav")
    said = "oil &amp; &lt;towel&gt;"
    assert cmd[-1] == f'<speed level="120"><pitch level="100">{said}</pitch></speed>'


def test_an_overdriven_microphone_clips_some_copies_and_leaves_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(data, "OVERDRIVE_SHARE", 0.5)
    x = (np.random.default_rng(0).normal(size=augment.SR) * 3000).astype(np.int16)

    def at_peak(y: np.ndarray) -> float:  # share of the samples within 10% of the peak
        a = np.abs(y.astype(np.float64))
        return float((a >= 0.9 * a.max()).mean())

    full = data.Acoustics(microphones=True, rooms=True, narrowband=True)
    driven = data.Acoustics(microphones=True, rooms=True, narrowband=True, overdrive=True)
    for p, q, c in some_copies_changed(x, full, driven):
        assert len(p) == len(q)
        assert (at_peak(q) > 10 * at_peak(p)) == c


def test_overdrive_clips_hard_or_soft_at_full_scale() -> None:
    x = np.sin(np.linspace(0, 200 * np.pi, augment.SR)) * 0.1
    hard = augment.overdrive(x, 12.0, soft=False)
    soft = augment.overdrive(x, 12.0, soft=True)
    assert np.abs(hard).max() == 1.0 and (np.abs(hard) == 1.0).mean() > 0.5
    assert 0.99 < np.abs(soft).max() < 1.0
    assert np.allclose(augment.overdrive(x, 0.0, soft=False), x / 0.1, atol=1e-6)


def test_a_quiet_microphone_turns_some_copies_down_and_leaves_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(data, "QUIET_SHARE", 0.8)  # 0.5 turns none of this clip's copies down
    x = (np.random.default_rng(0).normal(size=augment.SR) * 3000).astype(np.int16)
    full = data.Acoustics(microphones=True, rooms=True, narrowband=True)
    quiet = data.Acoustics(microphones=True, rooms=True, narrowband=True, quiet=True)
    low, high = (32767 * 10 ** (db / 20) for db in data.QUIET_PEAK_DBFS)
    for p, q, c in some_copies_changed(x, full, quiet):
        assert len(p) == len(q)
        assert np.abs(p).max() >= 0.03 * 32767 - 1
        if c:
            assert low - 1 <= np.abs(q).max() <= high + 1
            # the same clip, turned down: its shape is the louder copy's
            scaled = q.astype(np.float64) * np.abs(p).max() / np.abs(q).max()
            assert np.corrcoef(scaled, p.astype(np.float64))[0, 1] > 0.99
