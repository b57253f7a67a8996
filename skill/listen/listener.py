"""The listening thread: owns the microphone, hears each chunk, hands commands to the runner.

A stream that stops delivering is reported as lost, and the thread keeps retrying
until the device is back (the session pauses meanwhile and waits for the user).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from skill.listen.hearing import Hearing
from skill.listen.mic import START_TIMEOUT, Chunk, Microphone, MicUnavailable
from skill.runner import Heard, Notice

log = logging.getLogger(__name__)


class Listener:
    """Run :meth:`loop` in a thread (see :meth:`start`); it reports through ``put``."""

    def __init__(
        self,
        mic: Microphone,
        hearing: Hearing,
        put: Callable[[Heard | Notice], None],
        lost_after: float = 2.0,
        retry_every: float = 2.0,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self._start_timeout = start_timeout
        self._mic, self._hearing, self._put = mic, hearing, put
        self._lost_after, self._retry_every = lost_after, retry_every
        self._lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def level(self) -> float:
        """The microphone's latest level in dBFS (for the level meter)."""
        return self._mic.level_db

    def start(self) -> None:
        self._thread = threading.Thread(target=self.loop, name="listener", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self._mic.close()

    def loop(self) -> None:
        while not self._stop.is_set():
            self.turn()

    def turn(self) -> None:
        """One turn: open the microphone if it is closed, else handle one chunk."""
        if not self._mic.is_open:
            if not self._reopen():
                self._stop.wait(self._retry_every)
            return
        chunk = self._mic.read(timeout=self._lost_after)
        if chunk is None:
            self._mic.close()
            self._report_lost("the microphone stopped sending sound")
            return
        self.hear(chunk)

    def hear(self, chunk: Chunk) -> None:
        """Recognize one chunk in the current context and pass on any command."""
        detected = self._hearing.hear(chunk)
        if detected is not None:
            log.info("heard %s (%r)", detected.command.value, detected.text)
            self._put(Heard(detected.command, detected.text))

    def _reopen(self) -> bool:
        try:
            self._mic.open(self._start_timeout)
        except MicUnavailable as exc:
            self._report_lost(str(exc))
            return False
        if self._lost:
            self._lost = False
            self._put(Notice("mic_back"))
        return True

    def _report_lost(self, why: str) -> None:
        if not self._lost:
            self._lost = True
            log.warning("microphone lost: %s", why)
            self._put(Notice("mic_lost", why))
