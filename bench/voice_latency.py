"""Benchmark: the coach's voice through the real audio path (PulseAudio loop).

Prints a Markdown table for the README. Needs a PulseAudio server (.ci/start_pulse.sh).
Goals (issue 3): "say" to first sample leaving the stream under 100 ms cached and under
300 ms uncached for a 10-word line; stop() to silence under 50 ms at the 99th percentile
over 200 trials.

Three clocks per measurement:
- handed: the output callback copied the first (or last) sample into the stream's buffer;
- +buffer: plus the stream's own estimate of the time until that block is heard;
- loop: the sound seen in the recording of the sink's monitor (input latency included,
  so an upper bound).
Usage: python bench/voice_latency.py [stop_trials]
"""

from __future__ import annotations

import os
import random
import sys
import time

import numpy as np

from skill.speech.loopback import Recorder, first_loud, last_loud, pulse_reachable

WHY_NOT = pulse_reachable()  # before sounddevice is imported
if WHY_NOT:
    sys.exit(f"no audio loop: {WHY_NOT}")

from skill.speech.live import LiveSpeaker  # noqa: E402
from skill.speech.player import Played  # noqa: E402
from skill.speech.settings import VoiceSettings  # noqa: E402

WORDS = [
    "slowly",
    "gently",
    "firmly",
    "palms",
    "thumbs",
    "shoulders",
    "spine",
    "circles",
    "glide",
    "press",
    "knead",
    "upward",
]
LONG = "Keep both palms flat and glide them slowly up along the spine, then back down the sides."


def ten_words(i: int) -> str:
    rng = random.Random(i)
    return f"Line {i}: " + " ".join(rng.choice(WORDS) for _ in range(8)) + "."


def wait_for(s: LiveSpeaker, what: str, tag: object, limit: float = 5.0) -> Played:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            p = s.player.queue.played.get(timeout=0.05)
        except Exception:
            continue
        if p.what == what and p.tag == tag:
            return p
    raise TimeoutError(f"no {what} for {tag!r}")


def drain(s: LiveSpeaker) -> None:
    while not s.player.queue.played.empty():
        s.player.queue.played.get()


def row(name: str, ms: list[float], goal: str) -> str:
    a = np.array(ms)
    return (
        f"| {name} | {len(a)} | {np.median(a):.1f} | {np.percentile(a, 95):.1f} | "
        f"{np.percentile(a, 99):.1f} | {a.max():.1f} | {goal} |"
    )


def start_latency(s: LiveSpeaker, rec: Recorder, cached: bool, n: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"handed": [], "buffer": [], "loop": []}
    rate = s.player.rate
    for i in range(n):
        text = ten_words(i)
        if cached:
            s.tts.render(text, s.rate)
        s.stop()
        time.sleep(0.15)
        drain(s)
        rec.clear()
        t0 = time.monotonic()
        s.say(text)
        p = wait_for(s, "start", text)
        handed = p.at + p.offset / rate - t0
        out["handed"].append(handed * 1000)
        out["buffer"].append((handed + p.latency) * 1000)
        time.sleep(0.4)
        times, x = rec.take()
        heard = first_loud(times, x, after=t0)
        if heard is not None:
            out["loop"].append((heard - t0) * 1000)
    s.stop()
    return out


def stop_latency(s: LiveSpeaker, rec: Recorder, n: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"handed": [], "buffer": [], "loop": []}
    s.tts.render(LONG, s.rate)
    rng = random.Random(0)
    for _ in range(n):
        drain(s)
        s.say(LONG)
        wait_for(s, "start", LONG)
        time.sleep(rng.uniform(0.25, 0.6))
        rec.clear()
        t0 = time.monotonic()
        s.stop()
        p = wait_for(s, "cut", LONG)
        out["handed"].append((p.at - t0) * 1000)
        out["buffer"].append((p.at + p.latency - t0) * 1000)
        time.sleep(0.25)
        times, x = rec.take()
        end = last_loud(times, x)
        if end is not None:
            out["loop"].append(max(0.0, end - t0) * 1000)
    return out


def main() -> None:
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    block = int(os.environ.get("BLOCK", "160"))
    latency = float(os.environ.get("LATENCY", "0.025"))
    s = LiveSpeaker(VoiceSettings(cache=False, volume=1.0), blocksize=block, latency=latency)
    rec = Recorder(s.player.rate)
    time.sleep(1.5)  # espeak-ng's first voice load
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    uncached = start_latency(s, rec, cached=False, n=30)
    cached = start_latency(s, rec, cached=True, n=30)
    stops = stop_latency(s, rec, trials)
    rec.close()
    s.close()
    print(
        f"Output stream: {s.player.rate} Hz, block {block}, latency asked {latency * 1000:.0f} "
        f"ms, reported {s.player.latency * 1000:.0f} ms; output underflows "
        f"{s.player.underflows}; load average at start {load}.\n"
    )
    print("| measurement | n | median ms | p95 ms | p99 ms | max ms | goal |")
    print("|---|---|---|---|---|---|---|")
    for name, data, goal in (
        ("say -> first sample, uncached", uncached, "< 300"),
        ("say -> first sample, cached", cached, "< 100"),
    ):
        print(row(f"{name} (handed to stream)", data["handed"], goal))
        print(row(f"{name} (+ stream buffer)", data["buffer"], goal))
        print(row(f"{name} (heard in loop)", data["loop"], "upper bound"))
    print(row("stop -> silence (silent block handed over)", stops["handed"], "p99 < 50"))
    print(row("stop -> silence (+ stream buffer)", stops["buffer"], "p99 < 50"))
    print(row("stop -> silence (last sound in loop)", stops["loop"], "upper bound"))


if __name__ == "__main__":
    main()
