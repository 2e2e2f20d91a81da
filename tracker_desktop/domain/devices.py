"""Several machines (issue 7 item 5): each device's active time from its own events, combined
so that time active on two devices at once counts once.

AFK on one device never hides activity recorded on another: a laptop's window events are cut
only by the laptop's AFK record. Where two devices are active at the same time (the desktop's
AFK timeout has not fired yet while the person already types on the laptop), the time goes to
the device whose current stretch of activity started last — the one the person turned to — so
totals never exceed wall time and every second keeps exactly one app, category and title.
Events recorded before devices existed (device "") belong to this machine (`local`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Mapping, Sequence

from .activity import Activity, ActivityOptions, Segment, active_segments, away_spans, input_counts
from .events import Event, device_or
from .intervals import Span, cut, subtract, union

Events = Mapping[str, Sequence[Event]]


def split(events: Events, local: str, only: str | None = None) -> list[Events]:
    """`events` (source → events) as one such mapping per device, "" resolved to `local`; only
    the device `only` when it is given. One device (the common case): `events` itself, uncopied."""
    devices = {device_or(e.device, local) for evs in events.values() for e in evs}
    if len(devices) <= 1 and (only is None or not devices or only in devices):
        return [events] if devices else []
    out: dict[str, dict[str, list[Event]]] = {}
    for source, evs in events.items():
        for e in evs:
            device = device_or(e.device, local)
            if only is None or device == only:
                out.setdefault(device, {}).setdefault(source, []).append(e)
    return [out[name] for name in sorted(out)]


def _runs(segments: Sequence[Segment]) -> list[Span]:
    """A device's stretches of uninterrupted activity (touching segments join)."""
    return union(Span(s.start, s.end) for s in segments)


def owners(runs: Mapping[int, Sequence[Span]]) -> list[tuple[Span, int]]:
    """Which device (a key of `runs`) each active instant belongs to: where runs of several
    devices overlap, the run that started last wins (ties: the lower key, the device named
    first). Sorted, non-overlapping."""
    cuts = sorted({t for spans in runs.values() for s in spans for t in (s.start, s.end)})
    names = sorted(runs)
    at = {name: 0 for name in names}
    out: list[tuple[Span, int]] = []
    for a, b in zip(cuts, cuts[1:]):
        best: tuple[datetime, int] | None = None
        for name in names:
            spans, i = runs[name], at[name]
            while i < len(spans) and spans[i].end <= a:
                i += 1
            at[name] = i
            if i < len(spans) and spans[i].start <= a:
                run_start = spans[i].start
                if best is None or run_start > best[0]:
                    best = (run_start, name)
        if best is None:
            continue
        if out and out[-1][1] == best[1] and out[-1][0].end == a:
            out[-1] = (Span(out[-1][0].start, b), best[1])
        else:
            out.append((Span(a, b), best[1]))
    return out


def combine(per_device: Mapping[int, Sequence[Segment]]) -> list[Segment]:
    """One device's segments per device → the segments of all of them, non-overlapping."""
    owned = owners({name: _runs(segs) for name, segs in per_device.items()})
    out: list[Segment] = []
    for name, segs in per_device.items():
        others = [span for span, owner in owned if owner != name]
        items: list[tuple[Span, Activity]] = [(Span(s.start, s.end), s.activity) for s in segs]
        out.extend(Segment(span.start, span.end, act) for span, act in cut(items, others))
    out.sort(key=lambda s: s.start)
    merged: list[Segment] = []
    for s in out:
        if merged and merged[-1].end == s.start and merged[-1].activity == s.activity:
            merged[-1] = Segment(merged[-1].start, s.end, s.activity)
        else:
            merged.append(s)
    return merged


def devices_active(parts: Sequence[Events], start: datetime, end: datetime,
                   opts: ActivityOptions = ActivityOptions()) -> list[Segment]:
    """The active segments of [start, end) over every device's events (`split`'s parts)."""
    if len(parts) == 1:
        return active_segments(parts[0], start, end, opts)
    return combine({i: active_segments(evs, start, end, opts) for i, evs in enumerate(parts)})


def devices_away(parts: Sequence[Events], start: datetime, end: datetime,
                 active: Sequence[Segment], opts: ActivityOptions = ActivityOptions()) -> list[Span]:
    """The time in [start, end) recorded as AFK on some device while no device was active."""
    if len(parts) == 1:
        return away_spans(parts[0], start, end, opts)
    away = union(s for evs in parts for s in away_spans(evs, start, end, opts))
    return subtract(away, [Span(s.start, s.end) for s in active])


def devices_input(parts: Sequence[Events], start: datetime, end: datetime
                  ) -> tuple[dict[str, float], dict[str, float]]:
    """Input and editor counts of every device (each device's own input-or-window choice)."""
    if len(parts) == 1:
        return input_counts(parts[0], start, end)
    counts: dict[str, float] = {}
    editor: dict[str, float] = {}
    for evs in parts:
        c, ed = input_counts(evs, start, end)
        for k, v in c.items():
            counts[k] = counts.get(k, 0.0) + v
        for k, v in ed.items():
            editor[k] = editor.get(k, 0.0) + v
    return counts, editor
