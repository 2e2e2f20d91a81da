"""The heartbeat merge rule, kept identical to ActivityWatch's so imported histories agree.

aw-core `aw_transform/heartbeats.py::heartbeat_merge`: a heartbeat extends the last event of its
source iff the data is equal and last.start <= hb.timestamp <= last.end + pulsetime (both ends
inclusive); the merged duration is max(last.duration, hb.timestamp + hb.duration - last.start).
Counts are ours: they add up on merge, except gauges (`events.GAUGES`, e.g. the browser's
`scroll_depth`), which keep the larger value. Devices too: a heartbeat only ever merges into an event
recorded on the same device (ActivityWatch keeps a bucket per host, which amounts to the same).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Iterable, Iterator

from .events import GAUGES, Event, Heartbeat, merge_counts

DEFAULT_PULSETIME = {"window": 2.0, "afk": 185.0}
FALLBACK_PULSETIME = 2.0


def default_pulsetime(source: str) -> float:
    return DEFAULT_PULSETIME.get(source, FALLBACK_PULSETIME)


@dataclass(frozen=True, slots=True)
class PulsedHeartbeat:
    """A heartbeat with the pulsetime it merges by: what an import line or a host message is."""

    heartbeat: Heartbeat
    pulsetime: float


def merge(last: Event, hb: Heartbeat, pulsetime: timedelta) -> Event | None:
    """The event `last` becomes once `hb` is merged into it, or None if `hb` starts a new one."""
    if last.source != hb.source or last.device != hb.device or last.data != hb.data:
        return None
    if not (last.start <= hb.timestamp <= last.start + last.duration + pulsetime):
        return None
    duration = max(last.duration, hb.timestamp + hb.duration - last.start)
    counts = merge_counts(last.counts, hb.counts)
    if duration == last.duration and counts is last.counts:
        return last
    return Event(last.source, last.start, duration, last.data, counts, last.id, last.device)


def rebase(ours: Event, base: Event, theirs: Event) -> Event:
    """Our changes to a stored event, re-applied on top of another writer's changes to it.

    `base` is the stored event we merged into; `theirs` is what the store holds now. Both sides
    only ever extend an event, add counts and raise gauges, so the result ends where the later of
    the two ends, carries both sides' added counts, and each gauge at the higher of the two sides
    (adding our rise to theirs would count the same scrolling twice).
    """
    end = max(ours.end, theirs.end)
    counts = dict(theirs.counts)
    for key, value in ours.counts.items():
        if key in GAUGES:
            if value > counts.get(key, 0):
                counts[key] = value
            continue
        added = value - base.counts.get(key, 0)
        if added:
            counts[key] = counts.get(key, 0) + added
    return Event(theirs.source, theirs.start, end - theirs.start, theirs.data, counts, theirs.id,
                 theirs.device)


def apply(last: Event | None, hb: Heartbeat, pulsetime: timedelta) -> tuple[Event, bool]:
    """Merge `hb` into `last` if it can; returns (current event, whether it was a merge)."""
    if last is not None:
        merged = merge(last, hb, pulsetime)
        if merged is not None:
            return merged, True
    return hb.to_event(), False


def reduce(heartbeats: Iterable[Heartbeat], pulsetime: timedelta) -> Iterator[Event]:
    """Fold a stream of heartbeats of one source and device into events, as the store would."""
    last: Event | None = None
    for hb in heartbeats:
        current, merged = apply(last, hb, pulsetime)
        if not merged and last is not None:
            yield last
        last = current
    if last is not None:
        yield last
