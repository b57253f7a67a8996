"""Keep pyttsx3's "Audio saved to ..." print off the user's terminal.

pyttsx3 2.99 prints that line with Python's ``print`` from espeak-ng's own synthesis
thread, so neither muting the rendering thread nor swapping file descriptor 1 for the
duration of a render works without also swallowing what the coach's other threads print
at that moment (the session text). Instead ``sys.stdout`` is wrapped, once, by a proxy
that drops exactly the lines announcing files under our private render directories and
passes everything else through unchanged.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

_lock = threading.Lock()
_prefixes: set[str] = set()
_state = threading.local()


class _FilteredStdout:
    """A stand-in for ``sys.stdout`` that drops pyttsx3's "Audio saved to <our file>"."""

    def __init__(self, wrapped: TextIO) -> None:
        self.wrapped = wrapped

    def write(self, text: str) -> int:
        if getattr(_state, "drop_newline", False):
            _state.drop_newline = False
            if text == "\n":
                return len(text)
        if text.startswith("Audio saved to ") and any(
            text[len("Audio saved to ") :].startswith(p) for p in _prefixes
        ):
            _state.drop_newline = not text.endswith("\n")
            return len(text)
        return self.wrapped.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


def hide_saved_lines(prefix: str) -> None:
    """From now on, drop "Audio saved to PATH" lines whose PATH starts with ``prefix``."""
    with _lock:
        _prefixes.add(prefix)
        if not isinstance(sys.stdout, _FilteredStdout):
            sys.stdout = _FilteredStdout(sys.stdout)
