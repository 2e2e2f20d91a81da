"""Stitching a day into blocks (seed 000's session engine): `active`, `idle`, `break`.

Active spans are merged (touching spans join); each gap between them is `idle` when shorter than
the break threshold (a coffee refill, reading a printout) and a `break` when at least that long.
Blocks tile [first active moment, last active moment] with no overlap: time before the first
and after the last activity of the day is not part of the day's story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from .intervals import Span, union

ACTIVE, IDLE, BREAK = "active", "idle", "break"


@dataclass(frozen=True, slots=True)
class Block:
    kind: str
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def stitch(active: Iterable[Span], break_after: timedelta) -> list[Block]:
    """Blocks tiling the active spans and the gaps between them."""
    blocks: list[Block] = []
    for span in union(active):
        if blocks:
            gap = span.start - blocks[-1].end
            blocks.append(Block(BREAK if gap >= break_after else IDLE, blocks[-1].end, span.start))
        blocks.append(Block(ACTIVE, span.start, span.end))
    return blocks
