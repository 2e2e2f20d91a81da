"""Per-day rollups: one row per local day holding that day's summary, and the marks that say
which hours of the record changed since (so only those days are recomputed).

- `rollup_days`: day (ISO date) -> summary JSON, blocks JSON, active seconds as a column (streaks
  read only that). `fingerprint` names the settings the row was computed with (time zone, day
  start, rules, levels...); a row with another fingerprint is stale and never returned. `gen`
  grows each time the day is invalidated: a computed day is stored only if its gen is still the
  one read together with the events (a change that raced the computation wins).
- `rollup_dirty`: UTC hours whose events changed. Writers mark them in the same transaction as
  the change (the heartbeat engine's flush does). `gen` grows on every mark, so a refresh that
  read (hour, gen) deletes the mark only if no newer change arrived meanwhile.
- `rollup_meta`: small facts (the event-id watermark, the span of recorded time).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Iterable, Protocol, Sequence

from sqlalchemy import BigInteger, Float, Integer, String, Text, func, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from tracker_desktop.domain.days import EARLIEST, LATEST
from tracker_desktop.domain.events import Event

from .codec import EPOCH, to_us
from .models import Base, EventRow

HOUR_US = 3_600_000_000
# A change spanning more hours than this (an import of years, or a stray timestamp far from the
# rest) marks only the hours its events touch instead of every hour in between.
MANY_HOURS = 24 * 366
_EARLIEST_US, _LATEST_US = to_us(EARLIEST), to_us(LATEST)
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_EMPTY: Any = MappingProxyType({})


class RollupDayRow(Base):
    __tablename__ = "rollup_days"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    active_us: Mapped[int] = mapped_column(BigInteger)
    idle_us: Mapped[int] = mapped_column(BigInteger)
    break_us: Mapped[int] = mapped_column(BigInteger)
    points: Mapped[float] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text)
    blocks: Mapped[str] = mapped_column(Text)
    computed_us: Mapped[int] = mapped_column(BigInteger)
    gen: Mapped[int] = mapped_column(Integer, default=0)


class RollupDirtyRow(Base):
    __tablename__ = "rollup_dirty"

    hour: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # UTC hours since the epoch
    gen: Mapped[int] = mapped_column(Integer)


class RollupMetaRow(Base):
    __tablename__ = "rollup_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True, slots=True)
class StoredDay:
    day: date
    fingerprint: str
    active_seconds: float
    idle_seconds: float = 0.0
    break_seconds: float = 0.0
    points: float = 0.0
    summary: dict[str, Any] | None = None
    blocks: list[dict[str, Any]] | None = None
    computed: datetime | None = None
    gen: int = 0  # on put: the gen read with the events; the row is written only if unchanged


class RollupRepository(Protocol):
    def get(self, first: date, last: date, fingerprint: str, *, blocks: bool = True
            ) -> dict[date, StoredDay]: ...
    def active_seconds(self, first: date, last: date, fingerprint: str) -> dict[date, float]: ...
    def gens(self, first: date, last: date) -> dict[date, int]: ...
    def put(self, days: Sequence[StoredDay]) -> None: ...
    def invalidate(self, days: Iterable[date]) -> None: ...
    def count(self, fingerprint: str | None = None) -> int: ...
    def mark_dirty(self, start: datetime, end: datetime) -> None: ...
    def dirty(self) -> list[tuple[int, int]]: ...
    def clear_dirty(self, entries: Iterable[tuple[int, int]]) -> None: ...
    def dirty_hours_between(self, first_hour: int, last_hour: int) -> bool: ...
    def get_meta(self, key: str) -> Any: ...
    def set_meta(self, key: str, value: Any) -> None: ...
    def max_event_id(self) -> int: ...
    def hours_of_events_after(self, event_id: int) -> set[int]: ...
    def event_span_us(self, lo_us: int | None = None, hi_us: int | None = None
                      ) -> tuple[int, int] | None: ...
    def events_near(self, source: str, start: datetime, end: datetime) -> list[Event]: ...


def hours_of(start_us: int, end_us: int) -> range:
    """UTC hour numbers an event [start, end) touches (its start hour if it has no length)."""
    first = start_us // HOUR_US
    last = (max(end_us, start_us + 1) - 1) // HOUR_US
    return range(first, last + 1)


class SqlRollupRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    # -- days ------------------------------------------------------------------------------
    def get(self, first: date, last: date, fingerprint: str, *, blocks: bool = True
            ) -> dict[date, StoredDay]:
        """Fresh rows (computed with `fingerprint`) for days in [first, last]."""
        t = RollupDayRow.__table__.c
        cols = [t.day, t.active_us, t.idle_us, t.break_us, t.points, t.summary, t.gen]
        if blocks:
            cols.append(t.blocks)
        rows = self._s.execute(
            select(*cols).where(t.day >= first.isoformat(), t.day <= last.isoformat(),
                                t.fingerprint == fingerprint))
        loads = json.loads
        out = {}
        for r in rows:
            d = date.fromisoformat(r[0])
            out[d] = StoredDay(d, fingerprint, r[1] / 1e6, r[2] / 1e6, r[3] / 1e6, r[4],
                               loads(r[5]), loads(r[7]) if blocks else None, gen=r[6])
        return out

    def active_seconds(self, first: date, last: date, fingerprint: str) -> dict[date, float]:
        t = RollupDayRow.__table__.c
        rows = self._s.execute(
            select(t.day, t.active_us).where(t.day >= first.isoformat(), t.day <= last.isoformat(),
                                             t.fingerprint == fingerprint))
        return {date.fromisoformat(d): us / 1e6 for d, us in rows}

    def gens(self, first: date, last: date) -> dict[date, int]:
        t = RollupDayRow.__table__.c
        rows = self._s.execute(select(t.day, t.gen).where(t.day >= first.isoformat(),
                                                          t.day <= last.isoformat()))
        return {date.fromisoformat(d): g for d, g in rows}

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

    def count(self, fingerprint: str | None = None) -> int:
        q = select(func.count()).select_from(RollupDayRow)
        if fingerprint is not None:
            q = q.where(RollupDayRow.fingerprint == fingerprint)
        return int(self._s.execute(q).scalar_one())

    # -- change marks ----------------------------------------------------------------------
    def mark_dirty(self, start: datetime, end: datetime) -> None:
        """Mark the hours of [start, end] changed (only those reports can cover: see days.py)."""
        lo, hi = max(to_us(start), _EARLIEST_US), min(to_us(end), _LATEST_US)
        if hi < lo:
            return
        span = hours_of(lo, hi)
        hours = span if len(span) <= MANY_HOURS else sorted(self._hours_with_events(lo, hi))
        self._s.execute(
            text("INSERT INTO rollup_dirty (hour, gen) VALUES (:hour, 1) "
                 "ON CONFLICT(hour) DO UPDATE SET gen = gen + 1"),
            [{"hour": h} for h in hours])

    def _hours_with_events(self, lo: int, hi: int) -> set[int]:
        rows = self._s.execute(
            text("SELECT DISTINCT start_us / :h, (start_us + duration_us) / :h FROM events "
                 "WHERE start_us <= :hi AND start_us + duration_us >= :lo"),
            {"h": HOUR_US, "lo": lo, "hi": hi})
        first, last = lo // HOUR_US, hi // HOUR_US
        hours: set[int] = set()
        for a, b in rows:
            hours.update(range(max(int(a), first), min(int(b), last) + 1))
        return hours

    def dirty(self) -> list[tuple[int, int]]:
        t = RollupDirtyRow.__table__.c
        return [(h, g) for h, g in self._s.execute(select(t.hour, t.gen).order_by(t.hour))]

    def clear_dirty(self, entries: Iterable[tuple[int, int]]) -> None:
        params = [{"hour": h, "gen": g} for h, g in entries]
        if params:
            self._s.execute(text("DELETE FROM rollup_dirty WHERE hour = :hour AND gen = :gen"), params)

    def dirty_hours_between(self, first_hour: int, last_hour: int) -> bool:
        t = RollupDirtyRow.__table__.c
        return self._s.execute(
            select(t.hour).where(t.hour >= first_hour, t.hour <= last_hour).limit(1)).first() is not None

    # -- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> Any:
        row = self._s.get(RollupMetaRow, key)
        return None if row is None else json.loads(row.value)

    def set_meta(self, key: str, value: Any) -> None:
        self._s.merge(RollupMetaRow(key=key, value=json.dumps(value)))

    # -- what changed in the events table --------------------------------------------------
    def max_event_id(self) -> int:
        return int(self._s.execute(select(func.max(EventRow.id))).scalar() or 0)

    def hours_of_events_after(self, event_id: int) -> set[int]:
        """Hours touched by events with a higher id (rows other writers added without a mark)."""
        rows = self._s.execute(
            text("SELECT DISTINCT start_us / :h, (start_us + duration_us) / :h FROM events "
                 "WHERE id > :id"), {"h": HOUR_US, "id": event_id})
        first, last = _EARLIEST_US // HOUR_US, _LATEST_US // HOUR_US
        hours: set[int] = set()
        for a, b in rows:
            hours.update(range(max(int(a), first), min(int(b), last) + 1))
        return hours

    def events_near(self, source: str, start: datetime, end: datetime) -> list[Event]:
        """Events of `source` overlapping [start, end), oldest first: what EventRepository.range
        returns, decoded faster for bulk analysis (a day repeats the same data text a lot, so
        each distinct text is parsed once per call)."""
        t = EventRow.__table__.c
        lookback = self._s.execute(select(func.max(t.duration_us)).where(t.source == source)).scalar() or 0
        lo, hi = to_us(start), to_us(end)
        rows = self._s.execute(
            text("SELECT id, start_us, duration_us, data, counts FROM events "
                 "WHERE source = :src AND start_us >= :lb AND start_us < :hi "
                 "AND (start_us + duration_us > :lo OR start_us >= :lo) ORDER BY start_us, id"),
            {"src": source, "lb": lo - lookback, "lo": lo, "hi": hi})
        memo: dict[str, Any] = {"{}": _EMPTY}
        out = []
        for id_, start_us, dur_us, data, counts in rows:
            d = memo.get(data)
            if d is None:
                d = memo[data] = MappingProxyType(json.loads(data))
            c = memo.get(counts)
            if c is None:
                c = memo[counts] = MappingProxyType(json.loads(counts))
            out.append(Event(source, EPOCH + timedelta(microseconds=start_us),
                             timedelta(microseconds=dur_us), d, c, id_))
        return out

    def event_span_us(self, lo_us: int | None = None, hi_us: int | None = None
                      ) -> tuple[int, int] | None:
        """[first start, last end] of all events, or of those overlapping [lo_us, hi_us)."""
        t = EventRow.__table__.c
        q = select(func.min(t.start_us), func.max(t.start_us + t.duration_us))
        if lo_us is not None:
            q = q.where(t.start_us + t.duration_us >= lo_us)
        if hi_us is not None:
            q = q.where(t.start_us < hi_us)
        lo, hi = self._s.execute(q).one()
        return None if lo is None else (int(lo), int(hi))


__all__ = ["RollupDayRow", "RollupDirtyRow", "RollupMetaRow", "RollupRepository", "SqlRollupRepository",
           "StoredDay", "HOUR_US", "hours_of"]
