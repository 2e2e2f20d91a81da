"""Per-day rollups: one row per local day holding that day's summary, and the marks that say
which hours of the record changed since (so only those days are recomputed).

- `rollup_days`: day (ISO date) -> summary JSON, blocks JSON, active seconds as a column (streaks
  read only that). `fingerprint` names the settings the row was computed with (time zone, day
  start, rules, levels...); a row with another fingerprint is stale and never returned. `gen`
  grows each time the day is invalidated: a computed day is stored only if its gen is still the
  one read together with the events (a change that raced the computation wins).
- `rollup_dirty`: spans of UTC hours whose events changed, written by triggers on `events`
  (migration 0003) in the same transaction as any INSERT, UPDATE or DELETE, whoever makes it.
  `gen` grows on every mark of a span, so a refresh that read (span, gen) deletes the mark only
  if no newer change arrived meanwhile.
- `rollup_meta`: small facts (the span of recorded time).

The tables are defined in storage/models/rollups.py; this module is the repository over them,
with an in-memory twin that marks changes the way the triggers do.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Protocol, Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

from tracker_desktop.domain.events import Event

from .codec import from_us, to_us
from .models.rollups import RollupDayRow, RollupDirtyRow, RollupMetaRow
from .rollup_rows import (
    FIRST_HOUR,
    HOUR_US,
    LAST_HOUR,
    MANY_HOURS,
    DirtySpan,
    RollupReads,
    Rows,
    StoredDay,
    clamped_span,
    hours_of,
)

if TYPE_CHECKING:
    from .repositories import MemoryEventRepository

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


class RollupRepository(Protocol):
    def get(self, first: date, last: date, fingerprint: str, *, blocks: bool = True
            ) -> dict[date, StoredDay]: ...
    def active_seconds(self, first: date, last: date, fingerprint: str) -> dict[date, float]: ...
    def gens(self, first: date, last: date) -> dict[date, int]: ...
    def put(self, days: Sequence[StoredDay]) -> None: ...
    def invalidate(self, days: Iterable[date]) -> None: ...
    def stored_days(self, first: date, last: date) -> list[date]: ...
    def count(self, fingerprint: str | None = None) -> int: ...
    def mark_dirty(self, start: datetime, end: datetime) -> None: ...
    def dirty(self) -> list[DirtySpan]: ...
    def clear_dirty(self, entries: Iterable[DirtySpan]) -> None: ...
    def dirty_hours_between(self, first_hour: int, last_hour: int) -> bool: ...
    def get_meta(self, key: str) -> Any: ...
    def set_meta(self, key: str, value: Any) -> None: ...
    def hours_with_events(self, first_hour: int, last_hour: int) -> set[int]: ...
    def event_span_us(self, lo_us: int | None = None, hi_us: int | None = None
                      ) -> tuple[int, int] | None: ...
    def events_near(self, source: str, start: datetime, end: datetime) -> list[Event]: ...


class SqlRollupRepository(RollupReads):
    """Rollups in SQLite through a SQLAlchemy session: the reads of RollupReads, and the writes."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def _rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Rows:
        return self._s.execute(text(sql), dict(params or {}))

    def put(self, days: Sequence[StoredDay]) -> None:
        """Store computed days; a day whose gen moved on since it was read is left alone."""
        if not days:
            return
        rows = [{
            "day": d.day.isoformat(), "fingerprint": d.fingerprint,
            "active_us": round(d.active_seconds * 1e6), "idle_us": round(d.idle_seconds * 1e6),
            "break_us": round(d.break_seconds * 1e6), "points": d.points,
            "summary": _dumps(d.summary or {}), "blocks": _dumps(d.blocks or []),
            "computed_us": to_us(d.computed) if d.computed else 0, "gen": d.gen,
        } for d in days]
        self._s.execute(text(
            "INSERT INTO rollup_days (day, fingerprint, active_us, idle_us, break_us, points, "
            "summary, blocks, computed_us, gen) VALUES (:day, :fingerprint, :active_us, :idle_us, "
            ":break_us, :points, :summary, :blocks, :computed_us, :gen) "
            "ON CONFLICT(day) DO UPDATE SET fingerprint = excluded.fingerprint, "
            "active_us = excluded.active_us, idle_us = excluded.idle_us, "
            "break_us = excluded.break_us, points = excluded.points, summary = excluded.summary, "
            "blocks = excluded.blocks, computed_us = excluded.computed_us "
            "WHERE rollup_days.gen = excluded.gen"), rows)

    def invalidate(self, days: Iterable[date]) -> None:
        """Mark days stale (their rows stop being returned) and move their gen on."""
        params = [{"day": d.isoformat()} for d in days]
        if params:
            self._s.execute(text(
                "INSERT INTO rollup_days (day, fingerprint, active_us, idle_us, break_us, points, "
                "summary, blocks, computed_us, gen) VALUES (:day, '', 0, 0, 0, 0, '{}', '[]', 0, 1) "
                "ON CONFLICT(day) DO UPDATE SET fingerprint = '', gen = rollup_days.gen + 1"), params)

    def mark_dirty(self, start: datetime, end: datetime) -> None:
        """Mark [start, end] changed by hand. Changes to `events` need no call: the triggers mark
        them; this stays for callers written before them and for invalidating on purpose."""
        span = clamped_span(to_us(start), to_us(end))
        if span is not None:
            self._s.execute(
                text("INSERT INTO rollup_dirty (first_hour, last_hour, gen) VALUES (:a, :b, 1) "
                     "ON CONFLICT(first_hour, last_hour) DO UPDATE SET gen = gen + 1"),
                {"a": span[0], "b": span[1]})

    def clear_dirty(self, entries: Iterable[DirtySpan]) -> None:
        params = [{"a": a, "b": b, "gen": g} for a, b, g in entries]
        if params:
            self._s.execute(text("DELETE FROM rollup_dirty WHERE first_hour = :a AND last_hour = :b "
                                 "AND gen = :gen"), params)

    def set_meta(self, key: str, value: Any) -> None:
        self._s.merge(RollupMetaRow(key=key, value=json.dumps(value)))


class MemoryRollupRepository:
    """The same contract in memory, over a memory event repository whose every add and update
    marks the old and new spans here, as the SQLite triggers do."""

    def __init__(self, events: "MemoryEventRepository") -> None:
        self._events = events
        self._days: dict[date, StoredDay] = {}
        self._dirty: dict[tuple[int, int], int] = {}
        self._meta: dict[str, str] = {}

    def clone(self, events: "MemoryEventRepository") -> "MemoryRollupRepository":
        other = MemoryRollupRepository(events)
        other._days, other._dirty, other._meta = dict(self._days), dict(self._dirty), dict(self._meta)
        return other

    def event_changed(self, old: Event | None, new: Event | None) -> None:
        """What the triggers do: mark the old row's span, and the new one's when it differs."""
        spans = [hours_of(to_us(e.start), to_us(e.end)) for e in (old, new) if e is not None]
        for i, h in enumerate(spans):
            if i == 0 or h != spans[0]:
                key = (h.start, h.stop - 1)
                self._dirty[key] = self._dirty.get(key, 0) + 1

    # -- days ------------------------------------------------------------------------------
    def get(self, first: date, last: date, fingerprint: str, *, blocks: bool = True
            ) -> dict[date, StoredDay]:
        return {d: s if blocks else replace(s, blocks=None) for d, s in self._days.items()
                if first <= d <= last and s.fingerprint == fingerprint}

    def active_seconds(self, first: date, last: date, fingerprint: str) -> dict[date, float]:
        return {d: s.active_seconds for d, s in self.get(first, last, fingerprint, blocks=False).items()}

    def gens(self, first: date, last: date) -> dict[date, int]:
        return {d: s.gen for d, s in self._days.items() if first <= d <= last}

    def put(self, days: Sequence[StoredDay]) -> None:
        for d in days:
            old = self._days.get(d.day)
            if old is None or old.gen == d.gen:
                # Stored as SQLite would return it: whole microseconds, JSON round-tripped.
                self._days[d.day] = replace(
                    d, active_seconds=round(d.active_seconds * 1e6) / 1e6,
                    idle_seconds=round(d.idle_seconds * 1e6) / 1e6,
                    break_seconds=round(d.break_seconds * 1e6) / 1e6,
                    summary=json.loads(_dumps(d.summary or {})),
                    blocks=json.loads(_dumps(d.blocks or [])), computed=None)

    def invalidate(self, days: Iterable[date]) -> None:
        for d in days:
            old = self._days.get(d)
            self._days[d] = (StoredDay(d, "", 0.0, summary={}, blocks=[], gen=1) if old is None
                             else replace(old, fingerprint="", gen=old.gen + 1))

    def stored_days(self, first: date, last: date) -> list[date]:
        return sorted(d for d in self._days if first <= d <= last)

    def count(self, fingerprint: str | None = None) -> int:
        return sum(1 for s in self._days.values() if fingerprint is None or s.fingerprint == fingerprint)

    # -- change marks ----------------------------------------------------------------------
    def mark_dirty(self, start: datetime, end: datetime) -> None:
        span = clamped_span(to_us(start), to_us(end))
        if span is not None:
            self._dirty[span] = self._dirty.get(span, 0) + 1

    def hours_with_events(self, first_hour: int, last_hour: int) -> set[int]:
        lo, hi = from_us(first_hour * HOUR_US), from_us((last_hour + 1) * HOUR_US)
        hours: set[int] = set()
        for e in self._events.range(None, lo, hi):
            h = hours_of(to_us(e.start), to_us(e.end))
            hours.update(range(max(h.start, first_hour), min(h.stop - 1, last_hour) + 1))
        return hours

    def dirty(self) -> list[DirtySpan]:
        return [(a, b, g) for (a, b), g in sorted(self._dirty.items())]

    def clear_dirty(self, entries: Iterable[DirtySpan]) -> None:
        for a, b, g in entries:
            if self._dirty.get((a, b)) == g:
                del self._dirty[(a, b)]

    def dirty_hours_between(self, first_hour: int, last_hour: int) -> bool:
        return any(a <= last_hour and b >= first_hour for a, b in self._dirty)

    # -- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> Any:
        value = self._meta.get(key)
        return None if value is None else json.loads(value)

    def set_meta(self, key: str, value: Any) -> None:
        self._meta[key] = json.dumps(value)

    # -- reading events in bulk ------------------------------------------------------------
    def events_near(self, source: str, start: datetime, end: datetime) -> list[Event]:
        return self._events.range(source, start, end)

    def event_span_us(self, lo_us: int | None = None, hi_us: int | None = None
                      ) -> tuple[int, int] | None:
        spans = [(to_us(e.start), to_us(e.end)) for e in self._events.range()]
        spans = [(a, b) for a, b in spans
                 if (lo_us is None or b >= lo_us) and (hi_us is None or a < hi_us)]
        return (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None


__all__ = ["RollupDayRow", "RollupDirtyRow", "RollupMetaRow", "RollupRepository", "SqlRollupRepository",
           "MemoryRollupRepository", "StoredDay", "DirtySpan", "HOUR_US", "MANY_HOURS", "FIRST_HOUR",
           "LAST_HOUR", "hours_of"]
