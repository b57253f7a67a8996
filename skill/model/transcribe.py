"""Stream audio files through the command recognizer exactly like the live microphone path."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from skill.commands import Mode, all_phrases
from skill.listen.decide import Detection, Hypothesis, Surroundings
from skill.listen.hearing import Hearing, Listening
from skill.listen.mic import BLOCK, Chunk
from skill.model.audiofile import pcm_blocks
from skill.model.recognizer import SAMPLE_RATE, CommandRecognizer

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "models" / "coach-commands"
#: silence heard before and after each file (seconds): the live microphone is open before the
#: user speaks and after. A file cut tight to its speech would start the recognizer on its
#: first word (on the development voices 117 of 135 commands heard instead of 123, and 108
#: with no silence after either: models/README.md, "Files cut tight to the speech")
LEAD_SECONDS, TAIL_SECONDS = 0.3, 0.5


@dataclass(frozen=True)
class FileDetection:
    """A command found in a file."""

    file: str
    detection: Detection

    def as_json(self) -> dict[str, object]:
        d = self.detection
        return {
            "file": self.file,
            "command": d.command.value,
            "text": d.text,
            "start": round(d.start, 2),
            "end": round(d.end, 2),
            "confidence": round(d.confidence, 3),
        }


def _chunks(pcm: Iterable[bytes]) -> Iterator[Chunk]:
    """``pcm`` cut into microphone-sized chunks (the last may be shorter), timed from its
    start."""
    step, fed, pending = BLOCK * 2, 0, b""
    for piece in pcm:
        data = pending + piece if pending else piece
        whole = len(data) - len(data) % step
        for i in range(0, whole, step):
            yield Chunk(data[i : i + step], (fed + i) / 2 / SAMPLE_RATE)
        fed, pending = fed + whole, data[whole:]
    if pending:
        yield Chunk(pending, fed / 2 / SAMPLE_RATE)


def stream(
    rec: CommandRecognizer,
    pcm: Iterable[bytes],
    on_final: Callable[[Hypothesis, Surroundings], None] | None = None,
) -> Iterator[Detection]:
    """Feed 16 kHz mono int16 ``pcm`` (pieces of any size, one stream) in microphone-sized
    chunks through the live path (:class:`~skill.listen.hearing.Hearing`, listening for
    ``rec.phrases``), then flush."""
    said = tuple(rec.phrases)
    hearing = Hearing(
        rec,
        lambda: Listening(Mode.STROKING, False, phrases=said),
        settings=rec.listening_settings(),
        on_final=on_final,
    )
    for chunk in _chunks(pcm):
        found = hearing.hear(chunk)
        if found is not None:
            yield found
    found = hearing.flush()
    if found is not None:
        yield found


def recognizer(model_dir: Path = DEFAULT_MODEL) -> CommandRecognizer:
    """The recognizer :func:`transcribe` listens with: ``model_dir`` checked and loaded,
    listening for every command's phrases."""
    rec = CommandRecognizer(model_dir)
    rec.set_phrases(all_phrases())
    return rec


def transcribe(rec: CommandRecognizer, path: Path) -> Iterator[FileDetection]:
    """The commands in one audio file, heard as a fresh stream between ``LEAD_SECONDS`` and
    ``TAIL_SECONDS`` of silence; times from the file's start, inside the file."""
    rec.reset()
    read = 0.0  # seconds of the file fed so far

    def counted(blocks: Iterator[bytes]) -> Iterator[bytes]:
        nonlocal read
        for block in blocks:
            read += len(block) / 2 / SAMPLE_RATE
            yield block

    lead = bytes(2 * round(LEAD_SECONDS * SAMPLE_RATE))
    tail = bytes(2 * round(TAIL_SECONDS * SAMPLE_RATE))
    for d in stream(rec, itertools.chain([lead], counted(pcm_blocks(path)), [tail])):
        start, end = (min(max(0.0, t - LEAD_SECONDS), read) for t in (d.start, d.end))
        yield FileDetection(str(path), replace(d, start=start, end=end))


if __name__ == "__main__":  # python -m skill.model.transcribe MODEL FILE... (for benchmarks)
    import json
    import sys

    listener = recognizer(Path(sys.argv[1]))
    for p in sys.argv[2:]:
        for fd in transcribe(listener, Path(p)):
            print(json.dumps(fd.as_json()))
