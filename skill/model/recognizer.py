"""Streaming command recognition with Vosk and runtime grammars (the phrases valid right now)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import vosk

from skill.commands import all_phrases, parse
from skill.listen.decide import Detection, Hypothesis, Settings
from skill.model import manifest

log = logging.getLogger(__name__)
UNK = "[unk]"
SAMPLE_RATE = 16000


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

    def __init__(
        self,
        model_dir: Path | str,
        decision: Decision | None = None,
        verify: bool = True,
        keep_results: bool = False,
    ) -> None:
        model_dir = Path(model_dir)
        info = manifest.verify(model_dir) if verify else {}
        self.decision = decision or Decision.from_manifest(info)
        vosk.SetLogLevel(-1)
        self._model = vosk.Model(str(model_dir))
        words_txt = model_dir / "graph" / "words.txt"
        self._words = (
            {ln.split()[0] for ln in words_txt.read_text().splitlines() if ln}
            if words_txt.is_file()
            else None
        )
        self._phrases = self._known(all_phrases())
        self._rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE, self._grammar())
        self._rec.SetWords(True)
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

    def set_phrases(self, phrases: Sequence[str]) -> None:
        """Listen only for ``phrases`` from now on, dropping any utterance in progress.

        Vosk aborts the whole process if the grammar changes while it is decoding, so
        the recognizer is reset first.
        """
        known = self._known(list(phrases))
        if len(known) < len(phrases):
            log.warning("model cannot recognize: %s", sorted(set(phrases) - set(known)))
        self._phrases = known
        self._rec.Reset()
        self._rec.SetGrammar(self._grammar())

    def listening_settings(self) -> Settings:
        """The live listener's rules with the confidence floor tuned for this model."""
        floor = self.decision.min_confidence
        base = Settings()
        return replace(
            base,
            min_confidence=max(base.min_confidence, floor),
            min_confidence_careful=max(base.min_confidence_careful, floor),
        )

    def feed(self, pcm: bytes) -> Hypothesis | None:
        """Streaming: the final result at Vosk's end-point, else the partial one (or None)."""
        if self._rec.AcceptWaveform(pcm):
            return self._hypothesis(json.loads(self._rec.Result()))
        partial = str(json.loads(self._rec.PartialResult()).get("partial", ""))
        return Hypothesis(partial, final=False) if partial else None

    def finish(self) -> Hypothesis:
        """End the current utterance now (the listener heard it end) and give its result."""
        return self._hypothesis(json.loads(self._rec.FinalResult()))

    def _hypothesis(self, result: dict[str, Any]) -> Hypothesis:
        if self.keep_results:
            self.results.append(result)
        words = [w for w in result.get("result", []) if isinstance(w, dict)]
        said = [w for w in words if w["word"] != UNK] or words
        return Hypothesis(
            str(result.get("text", "")),
            final=True,
            confidence=min((float(w.get("conf", 1.0)) for w in said), default=0.0),
            start=float(said[0]["start"]) if said else 0.0,
            end=float(said[-1]["end"]) if said else 0.0,
        )

    def accept(self, pcm: bytes) -> list[Detection]:
        """Feed int16 PCM; returns the commands of any utterance that just ended."""
        if self._rec.AcceptWaveform(pcm):
            return self._detect(json.loads(self._rec.Result()))
        return []

    def reset(self) -> None:
        """Forget the current utterance and restart stream time at 0 (a new stream)."""
        self._rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE, self._grammar())
        self._rec.SetWords(True)

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
        start = float(said[0]["start"])
        end = float(said[-1]["end"])
        return [Detection(command, text, round(start, 3), round(end, 3), conf)]
