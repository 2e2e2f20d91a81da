"""Importing heartbeats: validate everything first, then apply it all in one transaction.

All or nothing: a file with any bad line changes nothing, and the error names every bad line.
Heartbeats merge by the same rule as live tracking, including into events already stored.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Iterable, TextIO

from tracker_desktop.domain.events import Event, Heartbeat, InvalidEvent, parse_timestamp
from tracker_desktop.domain.heartbeat import apply, default_pulsetime

MAX_REPORTED_ERRORS = 20


class ImportError_(ValueError):
    """The input has bad lines; `errors` lists (line number, message)."""

    def __init__(self, errors: list[tuple[int, str]], total_bad: int) -> None:
        self.errors = errors
        self.total_bad = total_bad
        shown = "\n".join(f"  line {n}: {msg}" for n, msg in errors)
        more = f"\n  ... and {total_bad - len(errors)} more bad lines" if total_bad > len(errors) else ""
        super().__init__(f"{total_bad} bad line(s); nothing was imported:\n{shown}{more}")


@dataclass(frozen=True, slots=True)
class PulsedHeartbeat:
    heartbeat: Heartbeat
    pulsetime: float


@dataclass(frozen=True, slots=True)
class ImportResult:
    received: int
    events: int  # distinct stored events the heartbeats ended up in (new or extended)

    def to_json(self) -> dict[str, int]:
        return {"received": self.received, "events": self.events}


_FIELDS = {"source", "timestamp", "duration", "data", "counts", "pulsetime"}


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidEvent(f"{what} must be a number")
    if not math.isfinite(value):  # json.loads reads 1e400 as inf (and accepts NaN)
        raise InvalidEvent(f"{what} must be a finite number")
    if value < 0:
        raise InvalidEvent(f"{what} must not be negative")
    return float(value)


def parse_heartbeat_line(line: str) -> PulsedHeartbeat:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidEvent(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise InvalidEvent("expected a JSON object")
    unknown = set(obj) - _FIELDS
    if unknown:
        raise InvalidEvent(f"unknown field(s): {', '.join(sorted(unknown))}")
    source = obj.get("source")
    if not isinstance(source, str) or not source.strip() or len(source) > 64:
        raise InvalidEvent("source must be a non-empty string of at most 64 characters")
    when = parse_timestamp(obj.get("timestamp"))
    duration = _number(obj.get("duration", 0), "duration")
    data = obj.get("data", {})
    if not isinstance(data, dict):
        raise InvalidEvent("data must be an object")
    counts = obj.get("counts", {})
    if not isinstance(counts, dict):
        raise InvalidEvent("counts must be an object")
    pulsetime = obj.get("pulsetime")
    pulse = default_pulsetime(source) if pulsetime is None else _number(pulsetime, "pulsetime")
    try:
        # The merge computes timestamp + duration + pulsetime: it must stay a representable time.
        span = timedelta(seconds=duration)
        when + span + timedelta(seconds=pulse)
    except OverflowError:
        raise InvalidEvent("timestamp + duration + pulsetime is out of range (past year 9999)") from None
    hb = Heartbeat(source, when, span, data, counts)
    return PulsedHeartbeat(hb, pulse)


def parse_jsonl(stream: TextIO) -> list[PulsedHeartbeat]:
    """Every heartbeat in `stream`, or ImportError_ naming the bad lines. Blank lines are skipped."""
    out: list[PulsedHeartbeat] = []
    errors: list[tuple[int, str]] = []
    bad = 0
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            out.append(parse_heartbeat_line(line))
        except InvalidEvent as exc:
            bad += 1
            if len(errors) < MAX_REPORTED_ERRORS:
                errors.append((number, str(exc)))
    if bad:
        raise ImportError_(errors, bad)
    return out


def import_heartbeats(uow_factory: Callable[..., Any], heartbeats: Iterable[PulsedHeartbeat],
                      progress: Callable[[int], None] | None = None) -> ImportResult:
    """Merge `heartbeats` (in order) into the store in one transaction."""
    received = 0
    with uow_factory(write=True) as uow:
        last: dict[str, Event | None] = {}
        touched: dict[str, list[Event]] = {}  # per source, events in the order they were last touched
        for item in heartbeats:
            hb = item.heartbeat
            received += 1
            if hb.source not in last:
                last[hb.source] = uow.events.last(hb.source)
            prev = last[hb.source]
            current, merged = apply(prev, hb, timedelta(seconds=item.pulsetime))
            seq = touched.setdefault(hb.source, [])
            if merged:
                if seq and seq[-1] is prev:
                    seq[-1] = current
                else:
                    seq.append(current)
            else:
                seq.append(current)
            last[hb.source] = current
            if progress is not None:
                progress(1)
        events = 0
        for seq in touched.values():
            uow.events.update_many([e for e in seq if e.id is not None])
            uow.events.add_many([e for e in seq if e.id is None])
            events += len(seq)
        written = [e for seq in touched.values() for e in seq]
        rollups = getattr(uow, "rollups", None)
        if written and rollups is not None:
            # In the same transaction, so reports never keep a stale day.
            rollups.mark_dirty(min(e.start for e in written), max(e.end for e in written))
        uow.commit()
    return ImportResult(received, events)


def event_json(e: Event) -> dict[str, Any]:
    return {
        "source": e.source,
        "start": e.start.isoformat(),
        "end": e.end.isoformat(),
        "duration": e.duration.total_seconds(),
        "data": dict(e.data),
        "counts": dict(e.counts),
    }
