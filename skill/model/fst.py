"""A tiny pure-Python FST builder and OpenFst 'vector' binary writer (StdArc, tropical weights).

Vosk reads these files with its own OpenFst; we never load a second OpenFst copy (kaldifst) in the
process, which makes ``vosk.Model()`` hang.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from pathlib import Path

_MAGIC = 2125659606
_PROPS = 0x3  # kExpanded | kMutable; all other properties unknown (computed on demand)


@dataclass(frozen=True)
class Arc:
    """One transition: input label, output label, weight (cost), next state."""

    ilabel: int
    olabel: int
    weight: float
    nextstate: int


@dataclass
class Fst:
    """A mutable FST with states 0..n-1."""

    start: int = -1
    arcs: list[list[Arc]] = field(default_factory=list)
    finals: list[float] = field(default_factory=list)

    def add_state(self) -> int:
        self.arcs.append([])
        self.finals.append(math.inf)
        return len(self.arcs) - 1

    def set_final(self, state: int, weight: float = 0.0) -> None:
        self.finals[state] = weight

    def add_arc(self, state: int, ilabel: int, olabel: int, weight: float, nextstate: int) -> None:
        self.arcs[state].append(Arc(ilabel, olabel, weight, nextstate))

    @property
    def num_states(self) -> int:
        return len(self.arcs)

    @property
    def num_arcs(self) -> int:
        return sum(len(a) for a in self.arcs)

    def sort(self, by: str = "ilabel") -> None:
        """Sort every state's arcs by input (``ilabel``) or output (``olabel``) label."""
        for a in self.arcs:
            if by == "ilabel":
                a.sort(key=lambda x: (x.ilabel, x.olabel))
            else:
                a.sort(key=lambda x: (x.olabel, x.ilabel))

    def to_bytes(self) -> bytes:
        """The OpenFst binary 'vector' representation (file version 2)."""

        def string(s: str) -> bytes:
            b = s.encode()
            return struct.pack("<i", len(b)) + b

        out = [
            struct.pack("<i", _MAGIC),
            string("vector"),
            string("standard"),
            struct.pack("<iiQqqq", 2, 0, _PROPS, self.start, self.num_states, self.num_arcs),
        ]
        for final, arcs in zip(self.finals, self.arcs, strict=True):
            out.append(struct.pack("<fq", final, len(arcs)))
            out.extend(
                struct.pack("<iifi", a.ilabel, a.olabel, a.weight, a.nextstate) for a in arcs
            )
        return b"".join(out)

    def write(self, path: Path) -> None:
        path.write_bytes(self.to_bytes())


def read_header(data: bytes) -> tuple[int, int, int]:
    """(start, num_states, num_arcs) of a 'vector' FST written by :meth:`Fst.to_bytes`."""
    (magic,) = struct.unpack_from("<i", data, 0)
    if magic != _MAGIC:
        raise ValueError("not an OpenFst binary file")
    pos = 4
    for _ in range(2):
        (n,) = struct.unpack_from("<i", data, pos)
        pos += 4 + n
    _, _, _, start, states, arcs = struct.unpack_from("<iiQqqq", data, pos)
    return int(start), int(states), int(arcs)
