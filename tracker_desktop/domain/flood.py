"""Flood: fill short gaps between events of one source, as ActivityWatch's `flood` transform does.

Watchers poll, so a stream of events has small holes (a missed poll, the time between a window
switch and the next poll). aw-core `aw_transform/flood.py` (see ActivityWatch/activitywatch#124
and aw-core#73) closes gaps up to `pulsetime`: equal-data neighbours merge across the gap,
differing neighbours split it at the midpoint; overlaps of equal data merge, and for differing
data the later event wins. Same rules here, on immutable events (the input is never changed).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from .events import Event

ZERO = timedelta(0)
_TRIM = timedelta(seconds=0.1)  # aw-core: negative gaps smaller than this are treated as zero


def flood(events: Iterable[Event], pulsetime: float = 5.0) -> list[Event]:
    """Events sorted by start, gaps of at most `pulsetime` seconds filled, overlaps resolved."""
    ordered = sorted(events, key=lambda e: (e.start, e.duration))
    if not ordered:
        return []
    pulse = timedelta(seconds=pulsetime)
    starts = [e.start for e in ordered]
    ends = [e.end for e in ordered]
    for i in range(len(ordered) - 1):
        j = i + 1
        gap = starts[j] - ends[i]
        if not gap:
            continue
        same = ordered[i].data == ordered[j].data
        if gap < ZERO and same:
            start, end = min(starts[i], starts[j]), max(ends[i], ends[j])
            starts[i], ends[i] = start, end
            starts[j] = ends[j] = end
        elif -_TRIM < gap <= pulse:
            if same:
                # The longer neighbour keeps the merged extent (aw-core's rule for equal data).
                if ends[i] - starts[i] >= ends[j] - starts[j]:
                    ends[i] = ends[j]
                    starts[j] = ends[j]
                else:
                    starts[j] = starts[i]
                    ends[i] = starts[i]
            else:
                mid = ends[i] + gap / 2
                ends[i] = mid
                starts[j] = mid
    out: list[Event] = []
    out_start: list[datetime] = []
    out_end: list[datetime] = []
    for e, s, t in zip(ordered, starts, ends):
        if t <= s:
            continue
        while out and out_end[-1] > s:
            if out[-1].data == e.data:
                out_end[-1] = max(out_end[-1], t)
                break
            out_end[-1] = s  # the later event wins the overlap
            if out_end[-1] <= out_start[-1]:
                out.pop()
                out_start.pop()
                out_end.pop()
                continue
            out.append(e)
            out_start.append(s)
            out_end.append(t)
            break
        else:
            out.append(e)
            out_start.append(s)
            out_end.append(t)
    result = []
    for e, s, t in zip(out, out_start, out_end):
        if s == e.start and t == e.end:
            result.append(e)
        else:
            result.append(e.with_(start=s, duration=t - s))
    return result
