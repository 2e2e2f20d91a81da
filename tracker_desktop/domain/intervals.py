"""Interval arithmetic on [start, end) spans: union, intersection, subtraction, total length."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable, NamedTuple


class Span(NamedTuple):
    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


def union(spans: Iterable[Span]) -> list[Span]:
    """Sorted, non-overlapping spans covering the same time as `spans` (touching spans join)."""
    out: list[Span] = []
    for s in sorted(sp for sp in spans if sp.end > sp.start):
        if out and s.start <= out[-1].end:
            if s.end > out[-1].end:
                out[-1] = Span(out[-1].start, s.end)
        else:
            out.append(s)
    return out


def intersect(a: Iterable[Span], b: Iterable[Span]) -> list[Span]:
    """Time covered by both `a` and `b` (each is unioned first)."""
    ua, ub = union(a), union(b)
    out: list[Span] = []
    i = j = 0
    while i < len(ua) and j < len(ub):
        start = max(ua[i].start, ub[j].start)
        end = min(ua[i].end, ub[j].end)
        if end > start:
            out.append(Span(start, end))
        if ua[i].end < ub[j].end:
            i += 1
        else:
            j += 1
    return out


def subtract(a: Iterable[Span], b: Iterable[Span]) -> list[Span]:
    """Time covered by `a` but not by `b`."""
    out: list[Span] = []
    ub = union(b)
    for s in union(a):
        cursor = s.start
        for cut in ub:
            if cut.end <= cursor:
                continue
            if cut.start >= s.end:
                break
            if cut.start > cursor:
                out.append(Span(cursor, cut.start))
            cursor = max(cursor, cut.end)
        if cursor < s.end:
            out.append(Span(cursor, s.end))
    return out


def clip(spans: Iterable[Span], start: datetime, end: datetime) -> list[Span]:
    out = []
    for s in spans:
        a, b = max(s.start, start), min(s.end, end)
        if b > a:
            out.append(Span(a, b))
    return out


def total(spans: Iterable[Span]) -> timedelta:
    return sum((s.end - s.start for s in union(spans)), timedelta(0))
