"""Interval arithmetic on [start, end) spans: union, intersection, subtraction, total length,
and sweeps that cut or split spans carrying a payload (cut, keep, overlay)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable, NamedTuple, Sequence, TypeVar

T = TypeVar("T")
U = TypeVar("U")


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


def cut(items: Iterable[tuple[Span, T]], cuts: Sequence[Span]) -> list[tuple[Span, T]]:
    """The parts of each (span, payload) not covered by `cuts`, payload kept.

    `items` sorted by start; `cuts` sorted and non-overlapping (as `union` returns them). One sweep.
    """
    out: list[tuple[Span, T]] = []
    j = 0
    n = len(cuts)
    for span, payload in items:
        while j < n and cuts[j].end <= span.start:
            j += 1
        cursor = span.start
        k = j
        while k < n and cuts[k].start < span.end:
            if cuts[k].start > cursor:
                out.append((Span(cursor, cuts[k].start), payload))
            if cuts[k].end > cursor:
                cursor = cuts[k].end
            if cursor >= span.end:
                break
            k += 1
        if cursor < span.end:
            out.append((Span(cursor, span.end), payload))
    return out


def keep(items: Iterable[tuple[Span, T]], spans: Sequence[Span]) -> list[tuple[Span, T]]:
    """The parts of each (span, payload) covered by `spans` (sorted, non-overlapping), payload kept."""
    out: list[tuple[Span, T]] = []
    j = 0
    n = len(spans)
    for span, payload in items:
        while j < n and spans[j].end <= span.start:
            j += 1
        k = j
        while k < n and spans[k].start < span.end:
            a, b = max(span.start, spans[k].start), min(span.end, spans[k].end)
            if b > a:
                out.append((Span(a, b), payload))
            k += 1
    return out


def overlay(items: Iterable[tuple[Span, T]], layer: Sequence[tuple[Span, U]]
            ) -> list[tuple[Span, T, U | None]]:
    """Split each (span, payload) where `layer` (sorted, non-overlapping) covers it.

    Every piece comes out once, with the covering layer payload or None: the pieces tile the
    input spans exactly, which is what refinement needs (a browser window's time split by the
    tabs that were active in it).
    """
    out: list[tuple[Span, T, U | None]] = []
    j = 0
    n = len(layer)
    for span, payload in items:
        while j < n and layer[j][0].end <= span.start:
            j += 1
        cursor = span.start
        k = j
        while k < n and layer[k][0].start < span.end:
            ls, extra = layer[k]
            if ls.start > cursor:
                out.append((Span(cursor, ls.start), payload, None))
                cursor = ls.start
            b = min(span.end, ls.end)
            if b > cursor:
                out.append((Span(cursor, b), payload, extra))
                cursor = b
            if cursor >= span.end:
                break
            k += 1
        if cursor < span.end:
            out.append((Span(cursor, span.end), payload, None))
    return out
