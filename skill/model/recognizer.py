"""Streaming command recognition with Vosk and runtime grammars (the phrases valid right now)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vosk

from skill.commands import Command, all_phrases, parse
from skill.model import manifest

log = logging.getLogger(__name__)
UNK = "[unk]"
SAMPLE_RATE = 16000


@dataclass(frozen=True)
class Detection:
    """A command heard in the audio stream."""

    command: Command  #: what was asked
    text: str  #: the words recognized (without [unk])
    start: float  #: seconds from the start of the stream
    end: float  #: seconds from the start of the stream
    confidence: float  #: lowest word confidence of the phrase (0..1)


@dataclass(frozen=True)
class Decision:
    """How a recognized utterance becomes a command (stored in the model's manifest)."""

    min_confidence: float = 0.0  #: reject phrases whose weakest word is below this
    reject_unk: bool = True  #: reject a phrase spoken in the same utterance as other speech

    @staticmethod
    def from_manifest(m: dict[str, Any]) -> Decision:
        d = m.get("decision", {})
        return Decision(float(d.get("min_confidence", 0.0)), bool(d.get("reject_unk", True)))


class CommandRecognizer:
    """Vosk recognizer restricted to a set of command phrases plus an ``[unk]`` filler.

    Feed 16 kHz mono int16 PCM with :meth:`accept`; detections come out when an utterance ends.
    """

    def __init__(self, model_dir: Path | str, decision: Decision | None = None,
                 verify: bool = True, keep_results: bool = False) -> None:
        model_dir = Path(model_dir)
        info = manifest.verify(model_dir) if verify else {}
        self.decision = decision or Decision.from_manifest(info)
        vosk.SetLogLevel(-1)
        self._model = vosk.Model(str(model_dir))
        words_txt = model_dir / "graph" / "words.txt"
        self._words = ({ln.split()[0] for ln in words_txt.read_text().splitlines() if ln}
                       if words_txt.is_file() else None)
        self._phrases = self._known(all_phrases())
        self._rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE, self._grammar())
        self._rec.SetWords(True)
        self._fed = 0  # bytes fed since creation (Vosk's times count from its creation)
        self._origin = 0.0  # stream time 0, in Vosk's time
        self.keep_results = keep_results
        self.results: list[dict[str, Any]] = []  #: raw Vosk results (when ``keep_results``)

    def _known(self, phrases: list[str]) -> list[str]:
        if self._words is None:
            return list(phrases)
        return [p for p in phrases if all(w in self._words for w in p.split())]

    def _grammar(self) -> str:
        return json.dumps([*self._phrases, UNK])

    @property
    def phrases(self) -> list[str]:
        """The phrases listened for now (those the model knows)."""
        return list(self._phrases)

    def set_phrases(self, phrases: list[str]) -> None:
        """Listen only for ``phrases`` from now on (applies from the next utterance)."""
        known = self._known(phrases)
        if len(known) < len(phrases):
            log.warning("model cannot recognize: %s", sorted(set(phrases) - set(known)))
        self._phrases = known
        self._rec.SetGrammar(self._grammar())

    def accept(self, pcm: bytes) -> list[Detection]:
        """Feed int16 PCM; returns the commands of any utterance that just ended."""
        self._fed += len(pcm)
        if self._rec.AcceptWaveform(pcm):
            return self._detect(json.loads(self._rec.Result()))
        return []

    def reset(self) -> None:
        """Forget the current utterance and restart stream time at 0."""
        self._rec.Reset()
        self._origin = self._fed / (2 * SAMPLE_RATE)

    def flush(self) -> list[Detection]:
        """End of stream: finish the current utterance."""
        return self._detect(json.loads(self._rec.FinalResult()))

    def _detect(self, result: dict[str, Any]) -> list[Detection]:
        if self.keep_results:
            self.results.append(result)
        return self.detections(result)

    def detections(self, result: dict[str, Any]) -> list[Detection]:
        """The command in one raw Vosk result, if it passes :attr:`decision`."""
        words = [w for w in result.get("result", []) if isinstance(w, dict)]
        if not words:
            return []
        if self.decision.reject_unk and any(w["word"] == UNK for w in words):
            return []
        said = [w for w in words if w["word"] != UNK]
        text = " ".join(w["word"] for w in said)
        command = parse(text) if said else None
        if command is None:
            return []
        conf = min(float(w.get("conf", 1.0)) for w in said)
        if conf < self.decision.min_confidence:
            log.debug("rejected %r: confidence %.2f", text, conf)
            return []
        start = float(said[0]["start"]) - self._origin
        end = float(said[-1]["end"]) - self._origin
        return [Detection(command, text, round(start, 3), round(end, 3), conf)]
