"""Stream audio files through the command recognizer exactly like the live microphone path."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from skill.commands import Mode, all_phrases
from skill.listen.decide import Detection, Hypothesis, Surroundings
from skill.listen.hearing import Hearing, Listening
from skill.listen.mic import BLOCK, Chunk
from skill.model.audiofile import pcm_blocks
from skill.model.recognizer import SAMPLE_RATE, CommandRecognizer

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "models" / "coach-commands"


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
    """The commands in one audio file, heard as a fresh stream (times from its start)."""
    rec.reset()
    for d in stream(rec, pcm_blocks(path)):
        yield FileDetection(str(path), d)


if __name__ == "__main__":  # python -m skill.model.transcribe MODEL FILE... (for benchmarks)
    import json
    import sys

    listener = recognizer(Path(sys.argv[1]))
    for p in sys.argv[2:]:
        for fd in transcribe(listener, Path(p)):
            print(json.dumps(fd.as_json()))
