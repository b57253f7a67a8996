"""Streaming command recognition with Vosk and runtime grammars (the phrases valid right now)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import vosk

from skill.commands import all_phrases
from skill.listen.decide import Hypothesis, Settings
from skill.model import manifest

log = logging.getLogger(__name__)
UNK = "[unk]"
SAMPLE_RATE = 16000
#: the listening settings a model's manifest may tune (``decision`` in manifest.json)
TUNED = (
    "max_unknown_before",
    "max_unknown_after",
    "min_pause_before",
    "min_confidence",
    "min_confidence_careful",
    "min_prominence_db",
    "min_tail_drop_db",
    "min_level_spread_db",
    "min_band_spread_db",
)


class CommandRecognizer:
    """Vosk recognizer restricted to a set of command phrases plus an ``[unk]`` filler.

    Feed 16 kHz mono int16 PCM with :meth:`feed`; :class:`~skill.listen.hearing.Hearing`
    decides when an utterance is over and whether it is a command.
    """

    def __init__(
        self,
        model_dir: Path | str,
        verify: bool = True,
    ) -> None:
        model_dir = Path(model_dir)
        info = manifest.verify(model_dir) if verify else {}
        #: the listening rules tuned for this model on the development voice
        self.decision: dict[str, float] = {
            k: float(v) for k, v in info.get("decision", {}).items() if k in TUNED
        }
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
        """The live listener's rules, with the values tuned for this model."""
        return replace(Settings(), **self.decision)  # type: ignore[arg-type]

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
        words = [w for w in result.get("result", []) if isinstance(w, dict)]
        known = [i for i, w in enumerate(words) if w["word"] != UNK]
        said = [words[i] for i in known] or words

        def unknown(ws: list[dict[str, Any]]) -> float:
            return sum((float(w["end"]) - float(w["start"]) for w in ws if w["word"] == UNK), 0.0)

        return Hypothesis(
            str(result.get("text", "")),
            final=True,
            confidence=min((float(w.get("conf", 1.0)) for w in said), default=0.0),
            start=float(said[0]["start"]) if said else 0.0,
            end=float(said[-1]["end"]) if said else 0.0,
            unknown_before=unknown(words[: known[0]]) if known else 0.0,
            unknown_after=unknown(words[known[-1] + 1 :]) if known else 0.0,
            first=float(words[0]["start"]) if words else None,
            last=float(words[-1]["end"]) if words else None,
        )

    def reset(self) -> None:
        """Forget the current utterance and restart stream time at 0 (a new stream)."""
        self._rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE, self._grammar())
        self._rec.SetWords(True)
