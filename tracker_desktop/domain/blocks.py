"""Stitching a day into blocks the way a person tells it: `active`, `idle`, `break`.

Active spans separated by gaps shorter than the merge gap form one active block (a missed poll,
a few seconds between imported window events, a glance at the phone): without that, a day of
gappy data (imports, browser-only days) became ~2,000 micro-blocks (issue 6, item 4). A gap ends
the block when it is at least the merge gap long, when any of it was recorded as AFK, or when it
is itself a break; it is then `idle` when shorter than the break threshold (a coffee refill) and a
`break` when at least that long. A block's span is not its active time: each active block carries
the measured active time inside it, so the day's active time stays exactly as measured.
Blocks tile [first active moment, last active moment] with no overlap: time before the first and
after the last activity of the day is not part of the day's story.
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
    active: timedelta = timedelta(0)  # measured active time inside (active blocks only)

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def stitch(active: Iterable[Span], break_after: timedelta, merge_gap: timedelta = timedelta(0),
           away: Iterable[Span] = ()) -> list[Block]:
    """Blocks tiling the active spans and the gaps between them.

    `merge_gap` 0 keeps every gap as its own block; `away` is the time recorded as AFK.
    """
    afk = union(away)
    k = 0  # afk[k] is the first AFK span that may still reach a later gap
    blocks: list[Block] = []
    cur: Span | None = None  # the active block being grown
    cur_active = timedelta(0)
    for span in union(active):
        if cur is not None:
            gap = span.start - cur.end
            while k < len(afk) and afk[k].end <= cur.end:
                k += 1
            was_away = k < len(afk) and afk[k].start < span.start
            if gap < merge_gap and gap < break_after and not was_away:
                cur, cur_active = Span(cur.start, span.end), cur_active + span.duration
                continue
            blocks.append(Block(ACTIVE, cur.start, cur.end, cur_active))
            blocks.append(Block(BREAK if gap >= break_after else IDLE, cur.end, span.start))
        cur, cur_active = span, span.duration
    if cur is not None:
        blocks.append(Block(ACTIVE, cur.start, cur.end, cur_active))
    return blocks
