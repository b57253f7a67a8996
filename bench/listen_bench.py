"""Benchmark of hands-free control (issue 5), through the same Hearing path as the live app.

Offline, on a simulated room (16 kHz, 30 ms chunks, the real recognizer, echo canceller
and decision rules), with commands spoken by the HELD-OUT voices (never trained on):

* reaction (a quiet room, and pink noise 10 dB under the command): end of the command
  word -> the command decided (plus the measured time the listening path spent on that
  chunk); the speaker's own reaction (cut-off / first sample, bench/voice_latency.py) comes
  on top;
* barge-in: barge-in phrases spoken over the coach's voice at 0 and -6 dB relative to the
  coach's echo, the coach's playback convolved with a room response (RT60 0.5 s, and a
  more reverberant room, 0.8 s: ``ROOMS``);
  as in the app, the coach counts as speaking until 0.35 s after playback ends
  (:class:`Hangover`, :func:`talking`);
* self-triggers: a whole rendered back-massage session played into the room with nobody
  else speaking, with and without echo cancellation;
* noise bursts: seconds of loud steady noise after quiet (water running, a towel rubbed near
  the microphone): commands fired, and how far the listener falls behind real time;
* CPU of the listening path (real-time factor).

usage: python bench/listen_bench.py [--model DIR] [--quick] [--voices V,...] [--set NAME=VALUE]
Prints Markdown tables for the README.
``--voices flite:rms,pico:en-GB,rhvoice:lyubov,mbrola:mb-hu1-en`` speaks the commands with the
development voices instead (voices never trained on, ``skill.train.synth.DEV_VOICES``): the
while-speaking settings (``--set``) are chosen on them, never on the held-out voices.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import heldout

from skill.commands import BARGE_IN, Command, Mode, grammar, parse, phrases_for
from skill.events import Cue, Event, ModeChanged, Say
from skill.listen.aec import Reference, SpeexEcho, WebRtcEcho
from skill.listen.hearing import Hangover, Hearing, Listening
from skill.listen.mic import BLOCK, RATE, Chunk
from skill.loading import load_routine
from skill.model.recognizer import CommandRecognizer
from skill.simulate import simulate
from skill.speech.render import render_events
from skill.speech.settings import VoiceSettings, cache_dir
from skill.speech.tts import CachedTts, Pyttsx3Tts, Resampled
from skill.train import augment as A

MODEL = Path(__file__).resolve().parents[1] / "models" / "coach-commands"
TUNE: dict[str, float | int] = {}  # --set NAME=VALUE overrides of skill.listen.decide.Settings
ECHO = {"speex": SpeexEcho, "webrtc": WebRtcEcho}
CANCELLER = ["speex"]  # --echo: the app's canceller (speex) or WebRTC AEC3 to compare
#: output buffer + room + input buffer: the echo reaches the microphone this much later
ECHO_DELAY = 0.04
#: before each barge-in clip the canceller hears this much of the coach's other lines (s)
WARM_SECONDS = 10.0
#: barge-in rooms: RT60 (s) of the coach's echo and of the user's voice (nearer the mic)
ROOMS = ((0.5, 0.3), (0.8, 0.6))
Samples = np.ndarray


@dataclass
class Heard:
    t: float
    command: Command
    cost: float  # seconds the listening path spent on that chunk


def level(x: Samples) -> float:
    return float(np.sqrt(A.active_power(x.astype(np.float64))) + 1e-9)


def run(
    rec: CommandRecognizer,
    mic: Samples,
    far: Samples | None,
    context: Callable[[int], Listening],
    warm: int = 0,
) -> tuple[list[Heard], list[float]]:
    """Hear ``mic`` (int16) chunk by chunk; ``far`` is what the speaker played (int16). The
    first ``warm`` samples only go through the echo canceller (the coach's earlier lines in
    the same room: in the app it has been listening since the session began). Returns the
    commands heard and the seconds the listening path spent on each chunk."""
    reference = Reference()
    echo = ECHO[CANCELLER[0]](reference) if far is not None else None
    index = [0]
    hearing = Hearing(
        rec, lambda: context(index[0]), echo, replace(rec.listening_settings(), **TUNE)
    )
    rec.reset()
    heard: list[Heard] = []
    costs: list[float] = []
    for i in range(0, len(mic) - BLOCK + 1, BLOCK):
        index[0] = i
        if far is not None:
            reference.push(far[i : i + BLOCK])
        chunk = Chunk(mic[i : i + BLOCK].tobytes(), i / RATE)
        if i < warm:
            if echo is not None:
                echo.clean(chunk)
            continue
        t0 = time.perf_counter()
        found = hearing.hear(chunk)
        cost = time.perf_counter() - t0
        costs.append(cost)
        if found is not None:
            heard.append(Heard((i + BLOCK) / RATE, found.command, cost))
    return heard, costs


def behind(costs: list[float]) -> float:
    """The most the listener fell behind real time (seconds): chunks arrive every
    ``BLOCK / RATE`` s and queue while it is busy."""
    lag = worst = 0.0
    for cost in costs:
        lag = max(0.0, lag + cost - BLOCK / RATE)
        worst = max(worst, lag)
    return worst


def talking(hang: Hangover, playing: Samples, i: int) -> bool:
    """Is the coach speaking at sample ``i``, as the app sees it: playing around this chunk,
    or did it stop less than the hangover ago?"""
    return hang(bool(playing[max(0, i - BLOCK) : i + BLOCK].any()), i / RATE)


def delayed(x: Samples) -> Samples:
    return np.concatenate([np.zeros(int(ECHO_DELAY * RATE)), x])[: len(x)]


def word_end(x: Samples) -> float:
    """Time of the last sample of speech (within 35 dB of the clip's peak)."""
    env = np.abs(x.astype(np.float64))
    loud = np.nonzero(env > env.max() * 10 ** (-35 / 20))[0]
    return float(loud[-1]) / RATE


def median_p95(values: list[float]) -> tuple[float, float]:
    """Median and 95th percentile (nan for none)."""
    if not values:
        return float("nan"), float("nan")
    ordered = sorted(values)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def to16(x: Samples) -> Samples:
    return np.clip(x, -32768, 32767).astype(np.int16)


#: the rooms the reaction is measured in: pink noise this many dB under the command (30: a
#: quiet room; 10: a background, where the listener waits longer for the end of an utterance)
REACTION_ROOMS = {"quiet room": 30.0, "pink noise 10 dB under": 10.0}


def reaction(rec: CommandRecognizer, voices: Sequence[str], rng: np.random.Generator) -> None:
    phrases = grammar(Mode.STROKING)
    quiet = Listening(Mode.STROKING, False)
    print("\n| reaction: command word end -> command decided | n | correct | median ms | p95 ms |")
    print("|---|---|---|---|---|")
    for room, snr in REACTION_ROOMS.items():
        delays, right, total = [], 0, 0
        for voice in voices:
            for phrase in phrases:
                clip = heldout.synth(voice, phrase).astype(np.float64)
                x = A.pad(clip, 0.6, 1.5)
                x = A.mix(x, A.pink(len(x), rng), snr)
                end = 0.6 + word_end(clip)
                heard, _ = run(rec, to16(x), None, lambda i: quiet)
                total += 1
                want = parse(phrase)
                hits = [h for h in heard if h.command is want]
                if hits and len(heard) == 1:
                    right += 1
                    delays.append(hits[0].t + hits[0].cost - end)
        median, p95 = median_p95(delays)
        print(
            f"| {room} | {total} | {100 * right / total:.1f}% "
            f"| {1000 * median:.0f} | {1000 * p95:.0f} |"
        )


def coach_lines(tts: CachedTts, rate: int) -> list[tuple[str, Samples]]:
    routine = load_routine("back-massage")
    texts = [routine.steps[i].instruction for i in (0, 2, 5)]
    return [(t, tts.render(t, rate).samples.astype(np.float64)) for t in texts]


def after_the_others(lines: list[tuple[str, Samples]], text: str, warm: int) -> Samples:
    """The coach's line ``text`` after ``warm`` samples of its other lines (0.5 s apart):
    in the same room, only the echo canceller hears those."""
    gap = np.zeros(RATE // 2)
    others = np.concatenate([np.append(x, gap) for t, x in lines if t != text])
    line = next(x for t, x in lines if t == text)
    return np.concatenate([np.resize(others, warm), line])


def barge_in(
    rec: CommandRecognizer,
    voices: Sequence[str],
    lines: list[tuple[str, Samples]],
    rng: np.random.Generator,
) -> None:
    phrases = phrases_for(BARGE_IN)
    print(
        f"\n| barge-in over the coach (canceller warmed on {WARM_SECONDS:.0f} s of the coach)"
        " | n | caught | false other | median / p95 s after the phrase |"
    )
    print("|---|---|---|---|---|")
    warm = int(WARM_SECONDS * RATE)
    played = {text: after_the_others(lines, text, warm) for text, _ in lines}
    for (coach_rt60, user_rt60), rel_db in itertools.product(ROOMS, (0.0, -6.0)):
        caught = wrong = total = 0
        late: list[float] = []
        # every barge-in phrase over every one of the coach's lines
        for voice, phrase, (text, _) in itertools.product(voices, phrases, lines):
            far = played[text]
            echo = delayed(A.reverb(far, coach_rt60, rng) * 0.5)
            user = A.reverb(heldout.synth(voice, phrase).astype(np.float64), user_rt60, rng)
            user *= level(echo[warm:]) / level(user) * 10 ** (rel_db / 20)
            at = warm + int(1.5 * RATE)
            n = max(len(far), at + len(user) + RATE)
            mic = np.zeros(n)
            mic[: len(echo)] += echo
            mic[at : at + len(user)] += user
            mic += A.pink(n, rng) * level(echo) * 10 ** (-40 / 20)
            farp = np.zeros(n)
            farp[: len(far)] = far
            playing = np.abs(farp) > 300
            hangover = Hangover()

            def context(
                i: int, text: str = text, playing: Samples = playing, hang: Hangover = hangover
            ) -> Listening:
                return Listening(Mode.STROKING, talking(hang, playing, i), text)

            heard, _ = run(rec, to16(mic), to16(farp), context, warm)
            total += 1
            want = parse(phrase)
            hits = [h for h in heard if h.command is want]
            if hits:
                caught += 1
                late.append(hits[0].t + hits[0].cost - (at / RATE + word_end(user)))
            wrong += sum(h.command is not want for h in heard)
        median, p95 = median_p95(late)
        print(
            f"| command {rel_db:+.0f} dB vs coach echo, room RT60 {coach_rt60} s (user's voice"
            f" {user_rt60} s) | {total} | {100 * caught / total:.1f}% "
            f"| {wrong} | {median:.2f} / {p95:.2f} |"
        )


def timeline(events: Sequence[Event]) -> tuple[list[tuple[float, str]], list[tuple[float, Mode]]]:
    said = [(e.t, e.text) for e in events if isinstance(e, Say | Cue)]
    modes = [(0.0, Mode.INTRO)] + [
        (e.t, Mode(e.mode)) for e in events if isinstance(e, ModeChanged)
    ]
    return said, modes


def self_triggers(
    rec: CommandRecognizer, tts: CachedTts, settings: VoiceSettings, minutes: float | None
) -> None:
    routine = load_routine("back-massage")
    events = simulate(routine)
    rendered = render_events(events, tts, settings)
    far = rendered.pcm.resampled(RATE).samples.astype(np.float64)
    if minutes is not None:
        far = far[: int(minutes * 60 * RATE)]
    rng = np.random.default_rng(7)
    echo = delayed(A.reverb(far, 0.5, rng) * 0.5)
    mic = echo + A.pink(len(echo), rng) * level(echo) * 10 ** (-40 / 20)
    said, modes = timeline(events)
    said_t = np.array([t for t, _ in said])
    mode_t = np.array([t for t, _ in modes])
    playing = np.abs(far) > 300
    hang = Hangover()

    def context(i: int) -> Listening:
        t = i / RATE
        speaking = talking(hang, playing, i)
        line = said[max(0, int(np.searchsorted(said_t, t, "right")) - 1)][1]
        mode = modes[max(0, int(np.searchsorted(mode_t, t, "right")) - 1)][1]
        return Listening(mode, speaking, line)

    minutes = len(far) / RATE / 60
    print(
        f"\n| self-triggers: whole back-massage session played into the room ({minutes:.1f} min)"
        " | commands fired | listening RTF |"
    )
    print("|---|---|---|")
    for name, reference in (("with echo cancellation", far), ("without", None)):
        heard, costs = run(
            rec, to16(mic), to16(reference) if reference is not None else None, context
        )
        fired = ", ".join(f"{h.command.value}@{h.t:.0f}s" for h in heard) or "none"
        print(f"| {name} | {len(heard)} ({fired}) | {sum(costs) / (len(far) / RATE):.3f} |")


def noise_bursts(rec: CommandRecognizer, rng: np.random.Generator) -> None:
    """Bursts of steady noise (pink, white, a low rumble) after 2 s of a quiet room."""
    quiet = Listening(Mode.STROKING, False)
    kinds: dict[str, Callable[[int], Samples]] = {
        "pink": lambda n: A.pink(n, rng),
        "white": lambda n: rng.normal(size=n),
        # a fan or a hair dryer: white noise through a 16-sample moving average (under 1 kHz)
        "rumble": lambda n: np.convolve(rng.normal(size=n), np.ones(16) / 16, "same"),
    }
    print(
        "\n| noise bursts after quiet (pink, white, rumble) | n | commands fired "
        "| listening RTF | worst lag behind real time s |"
    )
    print("|---|---|---|---|---|")
    for seconds, dbfs in itertools.product((1.0, 3.0, 6.0), (-30.0, -15.0)):
        fired: list[str] = []
        busy, audio, lag = 0.0, 0.0, 0.0
        for name, make in kinds.items():
            burst = make(int(seconds * RATE))
            burst = burst - burst.mean()
            burst *= 32768 * 10 ** (dbfs / 20) / np.sqrt(np.mean(burst**2))
            x = A.pad(burst, 2.0, 2.0)
            x = x + A.pink(len(x), rng) * 32768 * 10 ** (-70 / 20)  # the quiet room
            heard, costs = run(rec, to16(x), None, lambda i: quiet)
            fired += [f"{name}: {h.command.value}" for h in heard]
            busy, audio, lag = busy + sum(costs), audio + len(x) / RATE, max(lag, behind(costs))
        print(
            f"| {seconds:.0f} s at {dbfs:.0f} dBFS | {len(kinds)} "
            f"| {len(fired)} ({', '.join(fired) or 'none'}) "
            f"| {busy / audio:.3f} | {lag:.2f} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--quick", action="store_true", help="one held-out voice only")
    parser.add_argument("--voices", default=None, help="voices instead of the held-out ones")
    parser.add_argument("--parts", default="reaction,barge,self,noise", help="which measurements")
    parser.add_argument("--minutes", type=float, default=None, help="cut the session (self)")
    parser.add_argument("--set", action="append", default=[], help="Settings NAME=VALUE")
    parser.add_argument("--echo", choices=sorted(ECHO), default="speex", help="echo canceller")
    args = parser.parse_args()
    CANCELLER[0] = args.echo
    rec = CommandRecognizer(args.model)
    for item in args.set:
        name, value = item.split("=")
        TUNE[name] = int(value) if name == "barge_in_chunks" else float(value)
    if TUNE:
        print(f"settings: {TUNE}")
    voices = heldout.VOICES[:1] if args.quick else heldout.VOICES
    if args.voices:
        voices = tuple(args.voices.split(","))
    settings = VoiceSettings()
    tts = CachedTts(Resampled(Pyttsx3Tts(settings.voice), RATE), cache_dir())
    rng = np.random.default_rng(3)
    print(f"model: {args.model}; voices: {', '.join(voices)}; echo canceller: {args.echo}")
    parts = args.parts.split(",")
    if "reaction" in parts:
        reaction(rec, voices, rng)
    if "barge" in parts:
        barge_in(rec, voices, coach_lines(tts, settings.rate), rng)
    if "self" in parts:
        self_triggers(rec, tts, settings, args.minutes)
    if "noise" in parts:
        noise_bursts(rec, np.random.default_rng(11))
    return 0


if __name__ == "__main__":
    sys.exit(main())
