"""Where the coach's echo sits in the microphone signal, so that a moved echo is put back.

The echo canceller pairs played and heard samples by counting them (:class:`~skill.listen.aec.
Reference`), and its filter learns the echo at the delay that pairing gives. When a stream
loses or repeats samples (an output underrun, a dropped microphone chunk), the echo jumps
against its reference and the filter, which took
seconds to learn the room, now subtracts an echo that is not there: its output gets louder
than its input. Re-learning takes 4-5 s after a 30 ms shift and never happens when the echo
moves earlier by more than the pairing's margin (README, hands-free control).

:class:`EchoDelay` measures the echo's delay while the coach plays (GCC-PHAT: the cross-
correlation of the heard and played sound with every frequency weighted alike, which gives
sharp peaks at the delays of the room's paths, even in a reverberant room) and reports a
move once two measurements in a row agree that the room's pattern of paths fits far better
shifted than where it was; the canceller then shifts its reference by as much, and its
filter is right again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from skill.listen.mic import RATE

Samples = npt.NDArray[np.int16]


#: in a correlation of unrelated sounds over these delays, the highest peak reaches about 7
#: times the median size: what is below this counts as noise in a measurement
NOISE_PEAKS = 4.0
#: from one measurement to the next (0.125 s) the strongest path is looked for this many
#: samples either side of where it was (a drift of 300 ppm moves it 0.6 samples)
DRIFT_SEARCH = 4


@dataclass(frozen=True)
class DelaySettings:
    """How the echo's delay is measured."""

    #: seconds of heard sound searched in one measurement, for the echo of the played sound
    #: in it less ``max_lag`` at its end and ``max_lead`` at its start (all of that played
    #: sound's echo is then in the window, whatever the delay)
    window: float = 0.9
    #: seconds between measurements
    hop: float = 0.125
    #: the echo is looked for this far behind its reference (real loops: 50-200 ms; the
    #: canceller's filter spans 0.5 s)
    max_lag: float = 0.3
    #: ... and this far ahead of it (a move earlier than the pairing allowed)
    max_lead: float = 0.1
    #: played sound quieter than this (dBFS, over the window) measures nothing
    min_level_db: float = -50.0
    #: a measurement counts when its peak is this many times the correlation's median size
    #: (unrelated sounds reach about 7)
    min_sharpness: float = 10.0
    #: the echo has moved when the room's pattern fits best further than this (s) from
    #: where it was...
    tolerance: float = 0.002
    #: ... and fits there this many times better than where it was
    min_gain: float = 3.0
    #: measurements in a row that must agree on a move before it is reported
    confirm: int = 2
    #: the clocks' drift is measured from the strongest path's delay over this much heard
    #: sound (s)...
    drift_span: float = 20.0
    #: ... on at least this many measurements, and reported when it is at least this much
    #: (parts per million) and the delays lie this close to a straight line (samples)
    drift_points: int = 40
    min_drift_ppm: float = 10.0
    max_drift_scatter: float = 1.5


class EchoDelay:
    """Fed the heard and played sound chunk by chunk, as the canceller pairs them; says when
    the echo has moved and by how many samples (later: positive).

    A room has several paths of about the same strength (the direct one, the desk, a wall),
    and in noise or while the user talks the highest peak jumps between them, so a move is
    not read off the highest peak: each measurement's peaks (the correlation over every
    delay, its noise floor taken away) are matched against the room's pattern of peaks
    learnt so far, at every shift, and the echo has moved when the pattern fits far better
    shifted than where it was. A slow drift (a microphone and a speaker on two clocks) is no
    move: the pattern, learnt on, follows it; it is measured apart, from the slope of the
    strongest path's delay (``drift``)."""

    def __init__(self, settings: DelaySettings | None = None, rate: int = RATE) -> None:
        self.settings = s = settings or DelaySettings()
        self._size = int(s.window * rate)
        self._hop = int(s.hop * rate)
        self._max_lag = int(s.max_lag * rate)
        self._max_lead = int(s.max_lead * rate)
        self._tolerance = int(s.tolerance * rate)
        self._drift_span = int(s.drift_span * rate)
        self._floor = 32768.0 * 10 ** (s.min_level_db / 20)
        self._near = np.zeros(0, dtype=np.float64)
        self._far = np.zeros(0, dtype=np.float64)
        self._since = 0  #: samples taken in since the last measurement
        #: the room's peaks, by delay from -max_lead to max_lag, as learnt so far
        self._pattern: npt.NDArray[np.float64] | None = None
        self._candidate: list[int] = []  #: the moves measured in a row
        #: moves reported so far
        self.moves = 0
        self._heard = 0  #: samples heard so far
        self._path: float | None = None  #: the strongest path's delay, followed (samples)
        self._track: list[tuple[int, float]] = []  #: (samples heard, its delay) since then
        #: the clocks' drift, once measured: how much the echo's delay grows per sample
        #: heard (the owner takes it and sets it back to None)
        self.drift: float | None = None

    @property
    def delay(self) -> int | None:
        """The delay of the room's strongest path (samples), once measured."""
        if self._pattern is None:
            return None
        return int(np.argmax(self._pattern)) - self._max_lead

    def feed(self, near: Samples, far: Samples) -> int:
        """Take one chunk of heard sound and the played sound paired with it; return the
        number of samples the echo moved by (0: it did not move, or not yet known)."""
        keep = self._size
        self._near = np.concatenate([self._near, near.astype(np.float64)])[-keep:]
        self._far = np.concatenate([self._far, far.astype(np.float64)])[-keep:]
        self._since += len(near)
        self._heard += len(near)
        if self._since < self._hop or len(self._near) < keep:
            return 0
        self._since = 0
        peaks = self._measure()
        if peaks is None:
            return 0
        if self._pattern is None:
            self._pattern = peaks
            return 0
        self._follow_drift(peaks)
        if abs(int(np.argmax(peaks)) - int(np.argmax(self._pattern))) <= self._tolerance:
            best = 0  # the strongest path where it was: no need to fit (most measurements)
        else:
            fit = self._fit(peaks)
            best = int(np.argmax(fit)) - (len(fit) // 2)
            if fit.max() < self.settings.min_gain * fit[len(fit) // 2]:
                best = 0
        if abs(best) <= self._tolerance:
            self._candidate = []
            self._pattern = 0.8 * self._pattern + 0.2 * peaks
            return 0
        if self._candidate and abs(best - self._candidate[-1]) > self._tolerance:
            self._candidate = []
        self._candidate.append(best)
        if len(self._candidate) < self.settings.confirm:
            return 0
        self._candidate = []
        self._near = self._near[:0]  # what was kept is paired the old way: start afresh
        self._far = self._far[:0]
        self._path, self._track = None, []
        self.moves += 1
        return best

    def _follow_drift(self, peaks: npt.NDArray[np.float64]) -> None:
        """Follow the strongest path's delay, between samples, from one measurement to the
        next, and measure the clocks' drift from its slope (``drift``)."""
        assert self._pattern is not None
        if self._path is None:
            self._path = float(np.argmax(self._pattern))
        lo = max(1, round(self._path) - DRIFT_SEARCH)
        hi = min(len(peaks) - 1, round(self._path) + DRIFT_SEARCH + 1)
        if hi <= lo:
            return
        top = lo + int(np.argmax(peaks[lo:hi]))
        if peaks[top] <= 0.0 or top + 1 >= len(peaks):
            return
        left, mid, right = peaks[top - 1], peaks[top], peaks[top + 1]
        bend = left - 2 * mid + right
        self._path = top + (0.5 * (left - right) / bend if bend < 0 else 0.0)
        self._track.append((self._heard, self._path))
        s = self.settings
        span = self._track[-1][0] - self._track[0][0]
        if span < self._drift_span or len(self._track) < s.drift_points:
            return
        heard = np.array([t for t, _ in self._track], dtype=np.float64)
        delays = np.array([d for _, d in self._track])
        slope, start = np.polyfit(heard, delays, 1)
        scatter = float(np.std(delays - (slope * heard + start)))
        self._track = []
        if scatter <= s.max_drift_scatter and abs(slope) * 1e6 >= s.min_drift_ppm:
            self.drift = float(slope)

    def forget(self) -> None:
        """The pairing was made afresh: the delay is not known any more."""
        self._pattern = None
        self._path, self._track = None, []
        self._candidate = []
        self._near = self._near[:0]
        self._far = self._far[:0]

    def _fit(self, peaks: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """How well the learnt pattern fits ``peaks`` moved by every shift, the shift 0 in
        the middle."""
        assert self._pattern is not None
        size = len(peaks)
        n = 4 * size
        fit = np.fft.irfft(np.fft.rfft(peaks, n) * np.conj(np.fft.rfft(self._pattern, n)), n)
        shifted: npt.NDArray[np.float64] = np.r_[fit[-(size - 1) :], fit[:size]]
        return shifted

    def _measure(self) -> npt.NDArray[np.float64] | None:
        """The correlation's peaks above its noise floor, by delay from -max_lead to max_lag,
        or None when the window says nothing sure (too little played, no clear peak)."""
        far = self._far[self._max_lead : self._size - self._max_lag]
        if np.sqrt(np.mean(far**2)) < self._floor:
            return None
        # every sample of the played sound's echo lies in the window, at every delay
        # searched: a circular correlation over the window itself wraps nothing
        n = self._size
        cross = np.fft.rfft(self._near, n) * np.conj(
            np.fft.rfft(np.r_[np.zeros(self._max_lead), far], n)
        )
        size = np.abs(cross)
        correlation = np.fft.irfft(cross / (size + 1e-6 * size.max() + 1e-12), n)
        values = np.abs(np.r_[correlation[-self._max_lead :], correlation[: self._max_lag + 1]])
        typical = float(np.median(values)) + 1e-12
        if values.max() < self.settings.min_sharpness * typical:
            return None
        peaks: npt.NDArray[np.float64] = np.maximum(values / typical - NOISE_PEAKS, 0.0)
        return peaks
