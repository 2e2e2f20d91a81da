"""Repositories: how services reach stored events and state. They never commit; the unit of work does."""

from __future__ import annotations

import heapq
import itertools
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Callable, Iterable, Protocol, Sequence, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from tracker_desktop.domain.events import Event

from .codec import StateValue, event_to_row, from_us, row_to_event, to_us
from .models.events import EventRow

# Called with (old, new) for every stored change: (None, e) for an add, (e, e2) for an update.
ChangeListener = Callable[[Event | None, Event | None], None]
# The mapped class's __table__ is typed as a FromClause; insert()/update() want the Table it is.
_EVENTS = cast(Table, EventRow.__table__)


class EventRepository(Protocol):
    def add(self, event: Event) -> int: ...
    def add_many(self, events: Sequence[Event]) -> None: ...
    def update_many(self, events: Sequence[Event]) -> None: ...
    def delete_many(self, ids: Sequence[int]) -> None: ...
    def last(self, source: str, device: str | None = None) -> Event | None: ...
    def get_many(self, ids: Sequence[int]) -> dict[int, Event]: ...
    def update_if(self, event: Event, expected: Event) -> bool: ...
    def range(self, source: str | None = None, start: datetime | None = None,
              end: datetime | None = None, limit: int | None = None) -> list[Event]: ...
    def stream(self, source: str | None = None, start: datetime | None = None,
               end: datetime | None = None, *, newest_first: bool = False,
               limit: int | None = None) -> Iterator[Event]: ...
    def sources(self) -> list[str]: ...
    def count(self, source: str | None = None) -> int: ...


class StateRepository(Protocol):
    def get(self, key: str) -> StateValue | None: ...
    def set(self, key: str, value: Any, now: datetime) -> None: ...


def _overlaps(event: Event, start: datetime | None, end: datetime | None) -> bool:
    if end is not None and event.start >= end:
        return False
    if start is not None and not (event.end > start or event.start >= start):
        return False
    return True


class SqlEventRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    # Core statements on the session's connection: the ORM's bulk path costs about as much as
    # the whole rest of a heartbeat flush (bench/bench_ingest.py --profile).
    def add(self, event: Event) -> int:
        row = event_to_row(event)
        row.pop("id", None)
        table = _EVENTS
        return int(self._s.connection().execute(insert(table).returning(table.c.id), row).scalar_one())

    def add_many(self, events: Sequence[Event]) -> None:
        if events:
            rows = [event_to_row(e) for e in events]
            for r in rows:
                r.pop("id", None)
            self._s.connection().execute(insert(_EVENTS), rows)

    def delete_many(self, ids: Sequence[int]) -> None:
        """Delete stored events (the triggers mark their hours for the rollups)."""
        for i in range(0, len(ids), 500):
            self._s.connection().execute(delete(_EVENTS).where(_EVENTS.c.id.in_(list(ids[i:i + 500]))))

    def update_many(self, events: Sequence[Event]) -> None:
        if not events:
            return
        stmt = (
            update(_EVENTS)
            .where(_EVENTS.c.id == bindparam("_id"))
            .values(duration_us=bindparam("duration_us"), counts=bindparam("counts"),
                    start_us=bindparam("start_us"), data=bindparam("data"))
        )
        rows = []
        for e in events:
            if e.id is None:
                raise ValueError("update_many needs stored events (with an id)")
            r = event_to_row(e)
            r["_id"] = r.pop("id")
            del r["source"], r["device"]  # an event never moves to another source or device
            rows.append(r)
        self._s.connection().execute(stmt, rows)

    def update_if(self, event: Event, expected: Event) -> bool:
        """Update the stored event only if it still equals `expected`; False if it did not."""
        if event.id is None or expected.id != event.id:
            raise ValueError("update_if needs the stored event's id on both events")
        t = _EVENTS
        old = event_to_row(expected)
        new = event_to_row(event)
        result = self._s.connection().execute(
            update(t).where(t.c.id == event.id, t.c.source == old["source"], t.c.device == old["device"],
                            t.c.start_us == old["start_us"], t.c.duration_us == old["duration_us"],
                            t.c.data == old["data"], t.c.counts == old["counts"])
            .values(start_us=new["start_us"], duration_us=new["duration_us"], data=new["data"],
                    counts=new["counts"]))
        return result.rowcount == 1

    def get_many(self, ids: Sequence[int]) -> dict[int, Event]:
        if not ids:
            return {}
        t = _EVENTS.c
        rows = self._s.connection().execute(
            select(t.id, t.source, t.start_us, t.duration_us, t.data, t.counts, t.device).where(t.id.in_(list(ids))))
        return {r[0]: row_to_event(*r) for r in rows}

    def last(self, source: str, device: str | None = None) -> Event | None:
        """The latest event of `source` (recorded on `device`, if given)."""
        t = _EVENTS.c
        q = select(t.id, t.source, t.start_us, t.duration_us, t.data, t.counts, t.device).where(
            t.source == source)
        if device is not None:
            # Walks (source, start) back to the device's latest row: the live tracker's own rows
            # are the latest of its sources, so this stops at once in the common case.
            q = q.where(t.device == device)
        row = self._s.execute(q.order_by(t.start_us.desc(), t.id.desc()).limit(1)).first()
        return row_to_event(*row) if row else None

    def range(self, source: str | None = None, start: datetime | None = None,
              end: datetime | None = None, limit: int | None = None) -> list[Event]:
        t = _EVENTS.c
        q = select(t.id, t.source, t.start_us, t.duration_us, t.data, t.counts, t.device)
        sources = [source] if source is not None else self.sources()
        if source is not None:
            q = q.where(t.source == source)
        if end is not None:
            q = q.where(t.start_us < to_us(end))
        if start is not None:
            start_us = to_us(start)
            # Only events starting within the longest stored duration before `start` can reach
            # into the range; the (source, duration) index answers max() without a scan.
            lookback = 0
            for src in sources:
                lookback = max(lookback, self._s.execute(
                    select(func.max(t.duration_us)).where(t.source == src)).scalar() or 0)
            q = q.where(t.start_us >= start_us - lookback)
            q = q.where((t.start_us + t.duration_us > start_us) | (t.start_us >= start_us))
        q = q.order_by(t.start_us, t.id)
        if limit is not None:
            q = q.limit(limit)
        return [row_to_event(*r) for r in self._s.execute(q)]

    def stream(self, source: str | None = None, start: datetime | None = None,
               end: datetime | None = None, *, newest_first: bool = False,
               limit: int | None = None) -> Iterator[Event]:
        """The events `range` gives, read one at a time as the caller consumes them (oldest or
        newest first): for output too big to hold in memory, and the latest N without a sort.

        One query per source walks its (source, start_us) index in order; the sources are merged
        by (start, id). Valid while the unit of work is open.
        """
        sources = [source] if source is not None else self.sources()
        streams = [self._stream_source(src, start, end, newest_first, limit) for src in sources]
        merged = heapq.merge(*streams, key=lambda e: (e.start, e.id or 0), reverse=newest_first)
        return itertools.islice(merged, limit) if limit is not None else merged

    def _stream_source(self, source: str, start: datetime | None, end: datetime | None,
                       newest_first: bool, limit: int | None) -> Iterator[Event]:
        t = EventRow.__table__.c
        q = select(t.id, t.source, t.start_us, t.duration_us, t.data, t.counts, t.device).where(
            t.source == source)
        if end is not None:
            q = q.where(t.start_us < to_us(end))
        if start is not None:
            start_us = to_us(start)
            # As in range(): only events starting within the source's longest duration before
            # `start` can reach into the range.
            lookback = self._s.execute(
                select(func.max(t.duration_us)).where(t.source == source)).scalar() or 0
            q = q.where(t.start_us >= start_us - lookback)
            q = q.where((t.start_us + t.duration_us > start_us) | (t.start_us >= start_us))
        if newest_first:
            q = q.order_by(t.start_us.desc(), t.id.desc())
        else:
            q = q.order_by(t.start_us, t.id)
        if limit is not None:
            q = q.limit(limit)
        # A Core result on the connection fetches rows as they are iterated (an ORM result
        # would buffer them all first).
        for row in self._s.connection().execute(q):
            yield row_to_event(*row)

    def sources(self) -> list[str]:
        t = _EVENTS.c
        return list(self._s.execute(select(t.source).distinct().order_by(t.source)).scalars())

    def count(self, source: str | None = None) -> int:
        q = select(func.count()).select_from(EventRow)
        if source is not None:
            q = q.where(EventRow.source == source)
        return int(self._s.execute(q).scalar_one())


_STATE_GET = text("SELECT value, updated_us FROM state WHERE key = :key")
_STATE_SET = text("INSERT INTO state (key, value, updated_us) VALUES (:key, :value, :updated_us) "
                  "ON CONFLICT(key) DO UPDATE SET value = excluded.value, "
                  "updated_us = excluded.updated_us")


class SqlStateRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    # Plain statements, not the ORM: the tracker reads the pause state every 2 s and writes its
    # status every 5 s all day, and the ORM's identity-map round trip cost more than the query.
    def get(self, key: str) -> StateValue | None:
        row = self._s.execute(_STATE_GET, {"key": key}).first()
        if row is None:
            return None
        return StateValue(json.loads(row[0]), from_us(row[1]))

    def set(self, key: str, value: Any, now: datetime) -> None:
        self._s.execute(_STATE_SET, {"key": key, "value": json.dumps(value, sort_keys=True),
                                     "updated_us": to_us(now)})


class MemoryEventRepository:
    """The same contract in memory: for service tests and as the contract suite's reference."""

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self._events: dict[int, Event] = {}
        self._next_id = 1
        # The memory unit of work points this at its rollups: what the SQLite triggers do.
        self.on_change: ChangeListener | None = None
        for e in events:
            self.add(e)

    def _changed(self, old: Event | None, new: Event | None) -> None:
        if self.on_change is not None:
            self.on_change(old, new)

    def add(self, event: Event) -> int:
        event_id = self._next_id
        self._next_id += 1
        self._events[event_id] = stored = event.with_(id=event_id)
        self._changed(None, stored)
        return event_id

    def add_many(self, events: Sequence[Event]) -> None:
        for e in events:
            self.add(e)

    def delete_many(self, ids: Sequence[int]) -> None:
        for i in ids:
            old = self._events.pop(i, None)
            if old is not None:
                self._changed(old, None)

    def update_many(self, events: Sequence[Event]) -> None:
        for e in events:
            if e.id is None or e.id not in self._events:
                raise ValueError("update_many needs stored events (with an id)")
            old, self._events[e.id] = self._events[e.id], e
            self._changed(old, e)

    def get_many(self, ids: Sequence[int]) -> dict[int, Event]:
        return {i: self._events[i] for i in ids if i in self._events}

    def update_if(self, event: Event, expected: Event) -> bool:
        if event.id is None or expected.id != event.id:
            raise ValueError("update_if needs the stored event's id on both events")
        if self._events.get(event.id) != expected:
            return False
        self._events[event.id] = event
        self._changed(expected, event)
        return True

    def _sorted(self) -> list[Event]:
        return sorted(self._events.values(), key=lambda e: (e.start, e.id))

    def last(self, source: str, device: str | None = None) -> Event | None:
        mine = [e for e in self._sorted()
                if e.source == source and (device is None or e.device == device)]
        return mine[-1] if mine else None

    def range(self, source: str | None = None, start: datetime | None = None,
              end: datetime | None = None, limit: int | None = None) -> list[Event]:
        out = [e for e in self._sorted()
               if (source is None or e.source == source) and _overlaps(e, start, end)]
        return out[:limit] if limit is not None else out

    def stream(self, source: str | None = None, start: datetime | None = None,
               end: datetime | None = None, *, newest_first: bool = False,
               limit: int | None = None) -> Iterator[Event]:
        out = self.range(source, start, end)
        if newest_first:
            out.reverse()
        return iter(out[:limit] if limit is not None else out)

    def sources(self) -> list[str]:
        return sorted({e.source for e in self._events.values()})

    def clone(self) -> "MemoryEventRepository":
        other = MemoryEventRepository()
        other._events, other._next_id = dict(self._events), self._next_id
        return other

    def count(self, source: str | None = None) -> int:
        return sum(1 for e in self._events.values() if source is None or e.source == source)


class MemoryStateRepository:
    def __init__(self) -> None:
        self._values: dict[str, StateValue] = {}

    def get(self, key: str) -> StateValue | None:
        return self._values.get(key)

    def set(self, key: str, value: Any, now: datetime) -> None:
        self._values[key] = StateValue(json.loads(json.dumps(value)), now)

    def clone(self) -> "MemoryStateRepository":
        other = MemoryStateRepository()
        other._values = dict(self._values)
        return other


__all__ = [
    "EventRepository", "StateRepository", "StateValue", "SqlEventRepository", "SqlStateRepository",
    "MemoryEventRepository", "MemoryStateRepository",
]
