"""Stream WAV files through the command recognizer exactly like the live microphone path."""

from __future__ import annotations

import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from skill.commands import Mode, all_phrases
from skill.listen.decide import Detection, Hypothesis, Surroundings
from skill.listen.hearing import Hearing, Listening
from skill.listen.mic import BLOCK, Chunk
from skill.model.manifest import ModelError
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


def read_pcm(path: Path) -> bytes:
    """16 kHz mono int16 PCM of a WAV file (other formats: a clear error)."""
    try:
        with wave.open(str(path), "rb") as w:
            if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (SAMPLE_RATE, 1, 2):
                raise ModelError(
                    f"{path}: need 16 kHz mono 16-bit WAV, got "
                    f"{w.getframerate()} Hz, {w.getnchannels()} ch, "
                    f"{8 * w.getsampwidth()}-bit (convert with: sox IN -r 16000 "
                    f"-c 1 -b 16 OUT.wav)"
                )
            return w.readframes(w.getnframes())
    except (wave.Error, EOFError) as e:
        raise ModelError(f"{path}: not a readable WAV file ({e})") from e


def stream(
    rec: CommandRecognizer,
    pcm: bytes,
    on_final: Callable[[Hypothesis, Surroundings], None] | None = None,
) -> Iterator[Detection]:
    """Feed ``pcm`` in microphone-sized chunks through the live path
    (:class:`~skill.listen.hearing.Hearing`, listening for ``rec.phrases``), then flush."""
    said = tuple(rec.phrases)
    hearing = Hearing(
        rec,
        lambda: Listening(Mode.STROKING, False, phrases=said),
        settings=rec.listening_settings(),
        on_final=on_final,
    )
    step = BLOCK * 2
    for i in range(0, len(pcm), step):
        found = hearing.hear(Chunk(pcm[i : i + step], i / 2 / SAMPLE_RATE))
        if found is not None:
            yield found
    found = hearing.flush()
    if found is not None:
        yield found


def transcribe(
    paths: list[Path], model_dir: Path = DEFAULT_MODEL, phrases: list[str] | None = None
) -> Iterator[FileDetection]:
    """Detections of every file; each file starts a fresh stream (times from file start)."""
    rec = CommandRecognizer(model_dir)
    rec.set_phrases(phrases if phrases is not None else all_phrases())
    for path in paths:
        pcm = read_pcm(path)
        rec.reset()
        for d in stream(rec, pcm):
            yield FileDetection(str(path), d)


if __name__ == "__main__":  # python -m skill.model.transcribe MODEL FILE... (for benchmarks)
    import json
    import sys

    for fd in transcribe([Path(p) for p in sys.argv[2:]], Path(sys.argv[1])):
        print(json.dumps(fd.as_json()))
