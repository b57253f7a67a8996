"""Held-out benchmark of the command model (and the spike baseline side by side).

Command accuracy per condition on the held-out voices, false accepts on >= 10 minutes of ordinary
talk and on words said on their own (``bench/words.txt``), real-time factor and peak RSS of
``transcribe``. Prints a Markdown table.

usage: python bench/model_accuracy.py [--model models/coach-commands] [--baseline DIR]
                                      [--quick] [--update-manifest]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import heldout
import music

from skill.commands import PHRASES, Command, all_phrases, parse
from skill.model.recognizer import CommandRecognizer
from skill.model.transcribe import stream
from skill.train import augment as A
from skill.train.synth import to_16k

ROOT = Path(__file__).resolve().parents[1]
BASELINE = Path("/work/shared/spikes/vosk-model/baseline-model/runtime-grammar")
CONDITIONS = (
    "clean",
    "pink 10 dB",
    "babble 5 dB",
    "reverb RT60 0.5 s",
    "tempo 0.85",
    "tempo 1.15",
    "coach -6 dB",
)
#: not in the issue's list: the clean clips as a coloured microphone hears them (sox filters, in
#: turn: a laptop's peak and dip, a boomy one, a tinny one). Real microphones colour speech far
#: more than the held-out voices' clean channel; the training's random microphones
#: (``augment.microphone``) are another kind of filter, drawn at random
MICROPHONE = "coloured microphone"
MICROPHONES = (
    ("highpass", "300", "equalizer", "3000", "1q", "+10", "equalizer", "900", "1q", "-6"),
    ("equalizer", "200", "1q", "+12", "lowpass", "3500"),
    ("highpass", "800", "equalizer", "4500", "2q", "+8"),
)
#: nor this: the clean clips clipped by an overdriven microphone (in turn: 6 dB over full scale,
#: hard; 12 dB, soft; 12 dB, hard), as a user who speaks up close to a cheap microphone is heard
CLIPPED = "clipped"
DRIVES = ((6.0, False), (12.0, True), (12.0, False))
#: nor this: the clean clips as a microphone turned down hears them, their peak (in turn) at
#: -30, -38 and -46 dBFS instead of -6 (a user a few metres away, a low input gain)
QUIET = "quiet microphone"
QUIET_PEAKS_DBFS = (-30.0, -38.0, -46.0)
#: nor this: the clean clips 50 dB under their usual level, their peak at -56 dBFS: most of
#: their sound is under the listener's usual silence level (``Settings.silence_dbfs``)
VERY_QUIET = "very quiet microphone"
VERY_QUIET_PEAK_DBFS = -56.0
#: nor this: the clean phrases said by accented speakers never trained on
#: (``heldout.ACCENTED_VOICES``: MBROLA voices of other languages speaking English), not by the
#: three held-out voices
ACCENTED = "accented"
WORDS = "words alone obeyed"
#: the talk again, with a babble of four other voices 10 dB under it all through (a television,
#: people in the next room): the listener's hardest case for false accepts
TALK_BABBLE = "false accepts / h (talk over babble 10 dB)"
#: nor these: the clean clips with music playing in the room 10 dB under them, and the talk
#: with it under it all through (``bench/music.py``: instruments no training clip had under
#: it): during a massage music often plays. Decoded after the other columns, so that theirs
#: hear Vosk's dither as before
MUSIC = "music 10 dB"
TALK_MUSIC = "false accepts / h (talk over music 10 dB)"
COACH_LINES = (
    "Place both hands flat on the upper back and glide slowly down toward the waist.",
    "Now use your thumbs in small circles along both sides of the spine.",
    "Keep a steady rhythm and let the weight of your body do the work.",
)


def talk_lines(name: str = "talk.txt") -> list[str]:
    lines = (ROOT / "bench" / name).read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def coach_speech() -> list[np.ndarray]:
    out = []
    for i, line in enumerate(COACH_LINES):
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["espeak-ng", "-v", "en-us", "-w", f"{tmp}/c.wav", line], check=True)
            out.append(to_16k(f"{tmp}/c.wav"))
        del i
    return out


def sox(x: np.ndarray, effects: tuple[str, ...]) -> np.ndarray:
    """``x`` through sox ``effects`` (a tempo change, a microphone's filters)."""
    with tempfile.TemporaryDirectory() as tmp:
        heldout.write_wav(Path(tmp) / "x.wav", x)
        return to_16k(f"{tmp}/x.wav", effects)


def condition(
    x: np.ndarray,
    cond: str,
    rng: np.random.Generator,
    babble_src: list[np.ndarray],
    coach: list[np.ndarray],
    peak: float = 0.5,
) -> np.ndarray:
    """``x`` in condition ``cond``, between 0.6 and 0.9 s of quiet, with a floor noise 55 dB
    under it, its peak at ``peak`` of full scale."""
    if cond.startswith("tempo"):
        x = sox(x, ("tempo", "-s", cond.split()[1]))
    y = A.pad(x, 0.6, 0.9)
    if cond.startswith("pink"):
        y = A.mix(y, A.pink(len(y), rng), 10)
    elif cond.startswith("babble"):
        y = A.mix(y, A.babble(babble_src, len(y), rng, 4), 5)
    elif cond.startswith("reverb"):
        y = A.reverb(y, 0.5, rng)
    elif cond.startswith("coach"):
        c = coach[int(rng.integers(len(coach)))]
        y = A.mix(y, A.fit(c, len(y), int(rng.integers(len(c)))), 6)
    y = A.mix(y, rng.normal(size=len(y)), 55)
    return A.to_int16(y, peak)


def voices_of(cond: str) -> tuple[str, ...]:
    """The voices whose clips make up ``cond``."""
    return heldout.ACCENTED_VOICES if cond == ACCENTED else heldout.VOICES


def decode(rec: CommandRecognizer, x: np.ndarray) -> list[Command]:
    rec.reset()
    return [d.command for d in stream(rec, (x.tobytes(),))]


def talk_stream(voice: str, rng: random.Random) -> np.ndarray:
    parts = []
    for line in talk_lines():
        parts += [
            heldout.synth(voice, line).astype(np.float64),
            np.zeros(int(16000 * rng.uniform(0.4, 1.5))),
        ]
    y = np.concatenate(parts)
    y = A.mix(y, np.random.default_rng(7).normal(size=len(y)), 55)
    return A.to_int16(y, 0.5)


#: Runs its arguments and prints their CPU seconds and peak RSS (KiB). A small process of its
#: own starts ``transcribe``, because a child's peak RSS counts the memory of the process
#: it was forked from (this benchmark holds hundreds of MB of audio).
_MEASURE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
    "stdout=subprocess.DEVNULL); u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(u.ru_utime + u.ru_stime, u.ru_maxrss)"
)


def rtf_rss(model: Path, files: list[Path], seconds: float) -> tuple[float, float]:
    """CPU real-time factor and peak RSS (MB) of one ``transcribe`` process."""
    cmd = [sys.executable, "-m", "skill.model.transcribe", str(model), *map(str, files)]
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *cmd],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.split()
    return float(out[0]) / seconds, float(out[1]) / 1024


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--model", type=Path, default=ROOT / "models" / "coach-commands")
    p.add_argument("--baseline", type=Path, default=BASELINE)
    p.add_argument("--quick", action="store_true", help="one phrase per command, 2 conditions")
    p.add_argument("--update-manifest", action="store_true")
    a = p.parse_args()
    rng = np.random.default_rng(2024)
    conds = CONDITIONS[:2] if a.quick else CONDITIONS
    phrases = [PHRASES[c][0] for c in Command] if a.quick else all_phrases()
    talk = {v: talk_stream(v, random.Random(v)) for v in heldout.VOICES}
    babble_src = [heldout.synth(v, ln) for v in heldout.VOICES for ln in talk_lines()[:20]]
    coach = coach_speech()
    mixing = np.random.default_rng(11)  # its own: the other clips' noise stays as it was
    over_babble = [
        A.to_int16(A.mix(x.astype(np.float64), A.babble(babble_src, len(x), mixing, 4), 10), 0.5)
        for x in talk.values()
    ]
    lone = talk_lines("words.txt")[:: 4 if a.quick else 1]
    quiet = np.random.default_rng(7)  # its own: the command clips' noise stays as it was
    alone = [
        condition(heldout.synth(v, w), "clean", quiet, [], []) for v in heldout.VOICES for w in lone
    ]
    clips = {
        (v, ph, c): condition(heldout.synth(v, ph), c, rng, babble_src, coach)
        for v in heldout.VOICES
        for ph in phrases
        for c in conds
    }
    if not a.quick:
        mics = np.random.default_rng(13)  # its own: the other clips' noise stays as it was
        said = [(v, ph) for v in heldout.VOICES for ph in phrases]
        clipping = np.random.default_rng(17)  # its own, as the microphones'
        turned_down = np.random.default_rng(23)  # its own, as the microphones'
        further_down = np.random.default_rng(29)  # its own, as the microphones'
        very = 10 ** (VERY_QUIET_PEAK_DBFS / 20)
        for i, (v, ph) in enumerate(said):
            x = heldout.synth(v, ph)
            coloured = sox(x, MICROPHONES[i % len(MICROPHONES)])
            clips[(v, ph, MICROPHONE)] = condition(coloured, "clean", mics, [], [])
            drive, soft = DRIVES[i % len(DRIVES)]
            clipped = A.overdrive(x, drive, soft)
            clips[(v, ph, CLIPPED)] = condition(clipped, "clean", clipping, [], [])
            peak = 10 ** (QUIET_PEAKS_DBFS[i % len(QUIET_PEAKS_DBFS)] / 20)
            clips[(v, ph, QUIET)] = condition(x, "clean", turned_down, [], [], peak)
            clips[(v, ph, VERY_QUIET)] = condition(x, "clean", further_down, [], [], very)
        accents = np.random.default_rng(19)  # its own, as the microphones'
        for v in heldout.ACCENTED_VOICES:
            for ph in phrases:
                x = heldout.synth(v, ph)
                clips[(v, ph, ACCENTED)] = condition(x, "clean", accents, [], [])
        conds = (*conds, MICROPHONE, CLIPPED, ACCENTED, QUIET, VERY_QUIET)
    tunes = music.music(600, np.random.default_rng(31))
    playing = np.random.default_rng(37)  # its own, as the microphones'
    for v in heldout.VOICES:
        for ph in phrases:
            y = A.pad(heldout.synth(v, ph), 0.6, 0.9)
            at = int(playing.integers(len(tunes) - len(y)))
            y = A.mix(A.mix(y, tunes[at : at + len(y)], 10), playing.normal(size=len(y)), 55)
            clips[(v, ph, MUSIC)] = A.to_int16(y, 0.5)
    over_music = [
        A.to_int16(A.mix(x.astype(np.float64), music.music(len(x) / 16000, playing), 10), 0.5)
        for x in talk.values()
    ]
    models = {"ours": CommandRecognizer(a.model)}
    if a.baseline.is_dir():
        models["baseline"] = CommandRecognizer(a.baseline, verify=False)
        # its word times are about three times too long (5.2 s for a 1.9 s clip): the rules
        # that judge a phrase by its times (steady noise, drawn out) would reject it all
        models["baseline"].decision = {
            "min_level_spread_db": 0.0,
            "min_band_spread_db": 0.0,
            "max_seconds_per_word": 1e9,
        }
    rows: dict[str, dict[str, str]] = {}
    summary: dict[str, object] = {}
    for name, rec in models.items():
        known = set(rec.phrases)
        subsets = {"all phrases": phrases} if name == "ours" else {}
        subsets["baseline's 14 phrases"] = (
            [ph for ph in phrases if ph in set(models["baseline"].phrases)]
            if "baseline" in models
            else []
        )
        for label, subset in subsets.items():
            if not subset or not set(subset) <= known:
                continue
            rec.set_phrases(list(subset))
            row = {}
            for c in conds:
                ok = [
                    decode(rec, clips[(v, ph, c)]) == [parse(ph)]
                    for v in voices_of(c)
                    for ph in subset
                ]
                row[c] = f"{100 * np.mean(ok):.1f}%"
                summary[f"{name}/{label}/{c}"] = round(float(np.mean(ok)), 4)
            fa, hours = 0, 0.0
            for x in talk.values():
                fa += len(decode(rec, x))
                hours += len(x) / 16000 / 3600
            row["false accepts / h (talk)"] = f"{fa / hours:.1f} ({fa} in {60 * hours:.1f} min)"
            summary[f"{name}/{label}/false_accepts_per_hour"] = round(fa / hours, 2)
            fa_babble = sum(len(decode(rec, x)) for x in over_babble)
            row[TALK_BABBLE] = f"{fa_babble / hours:.1f} ({fa_babble})"
            key = f"{name}/{label}/false_accepts_per_hour_over_babble"
            summary[key] = round(fa_babble / hours, 2)
            obeyed = np.mean([bool(decode(rec, x)) for x in alone])
            row[WORDS] = f"{100 * obeyed:.1f}%"
            summary[f"{name}/{label}/words_alone_obeyed"] = round(float(obeyed), 4)
            ok = [
                decode(rec, clips[(v, ph, MUSIC)]) == [parse(ph)]
                for v in heldout.VOICES
                for ph in subset
            ]
            row[MUSIC] = f"{100 * np.mean(ok):.1f}%"
            summary[f"{name}/{label}/{MUSIC}"] = round(float(np.mean(ok)), 4)
            fa_music = sum(len(decode(rec, x)) for x in over_music)
            row[TALK_MUSIC] = f"{fa_music / hours:.1f} ({fa_music})"
            summary[f"{name}/{label}/false_accepts_per_hour_over_music"] = round(
                fa_music / hours, 2
            )
            rows[f"{name} ({label}, {len(subset)})"] = row
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, x in enumerate(talk.values()):
            files.append(Path(tmp) / f"talk{i}.wav")
            heldout.write_wav(files[-1], x)
        secs = sum(len(x) for x in talk.values()) / 16000
        r, m = rtf_rss(a.model, files, secs)
    print(
        f"\nHeld-out voices: {', '.join(heldout.VOICES)}; grammar = the phrases listed; "
        f"{len(phrases)} phrases x {len(heldout.VOICES)} voices per condition; "
        f"{len(lone)} words said alone x {len(heldout.VOICES)} voices"
        + ("." if a.quick else f"; {ACCENTED}: the phrases by {', '.join(voices_of(ACCENTED))}.")
        + "\n"
    )
    cols = [*conds, MUSIC, "false accepts / h (talk)", TALK_BABBLE, TALK_MUSIC, WORDS]
    print("| model | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for k, row in rows.items():
        print(f"| {k} | " + " | ".join(row.get(c, "") for c in cols) + " |")
    print(f"\n`transcribe` on {secs / 60:.1f} min of talk: RTF {r:.3f}, peak RSS {m:.0f} MB\n")
    summary.update({"rtf": round(r, 4), "peak_rss_mb": round(m, 1)})
    if a.update_manifest:
        mf = a.model / "manifest.json"
        data = json.loads(mf.read_text())
        data["heldout"] = {"voices": list(heldout.VOICES), "quick": a.quick, **summary}
        mf.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
