"""Rollup rows as the application sees them, and the queries that read them, over any SQLite
connection. Standard library only: `status` and `report` read through it without importing
SQLAlchemy (issue 6: most of their start-up time was imports); storage/rollups.py runs the same
queries through a SQLAlchemy session and adds the writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from tracker_desktop.domain.days import EARLIEST, LATEST
from tracker_desktop.domain.events import Event

from .codec import EPOCH, to_us

HOUR_US = 3_600_000_000
# A span of more hours than this (an event lasting years, or an explicit mark from a stray
# timestamp far from the rest) is not expanded hour by hour: only the hours its events touch and
# the days already stored in it are invalidated, so it cannot cost millions of hours.
MANY_HOURS = 24 * 366
EARLIEST_US, LATEST_US = to_us(EARLIEST), to_us(LATEST)
FIRST_HOUR, LAST_HOUR = EARLIEST_US // HOUR_US, LATEST_US // HOUR_US
_EMPTY: Any = MappingProxyType({})
DirtySpan = tuple[int, int, int]  # (first hour, last hour, gen)


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


def hours_of(start_us: int, end_us: int) -> range:
    """UTC hour numbers an event [start, end) touches (its start hour if it has no length)."""
    first = start_us // HOUR_US
    last = (max(end_us, start_us + 1) - 1) // HOUR_US
    return range(first, last + 1)


def clamped_span(start_us: int, end_us: int) -> tuple[int, int] | None:
    """The hours of [start, end) that reports can cover (1900..9998), or None."""
    lo, hi = max(start_us, EARLIEST_US), min(end_us, LATEST_US)
    if hi < lo:
        return None
    hours = hours_of(lo, hi)
    return hours.start, hours.stop - 1


Rows = Iterable[Any]  # tuples, or rows that unpack like them


class RollupReads:
    """The reading half of the rollup repository, as SQL over `_rows(sql, params)` (named
    parameters, the style both sqlite3 and SQLAlchemy's text() take)."""

    def _rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Rows:
        raise NotImplementedError

    # -- days ------------------------------------------------------------------------------
    def get(self, first: date, last: date, fingerprint: str, *, blocks: bool = True
            ) -> dict[date, StoredDay]:
        """Fresh rows (computed with `fingerprint`) for days in [first, last]."""
        rows = self._rows(
            "SELECT day, active_us, idle_us, break_us, points, summary, gen"
            + (", blocks" if blocks else "") + " FROM rollup_days "
            "WHERE day >= :first AND day <= :last AND fingerprint = :fp",
            {"first": first.isoformat(), "last": last.isoformat(), "fp": fingerprint})
        loads = json.loads
        out = {}
        for r in rows:
            d = date.fromisoformat(r[0])
            out[d] = StoredDay(d, fingerprint, r[1] / 1e6, r[2] / 1e6, r[3] / 1e6, r[4],
                               loads(r[5]), loads(r[7]) if blocks else None, gen=r[6])
        return out

    def active_seconds(self, first: date, last: date, fingerprint: str) -> dict[date, float]:
        rows = self._rows("SELECT day, active_us FROM rollup_days WHERE day >= :first "
                          "AND day <= :last AND fingerprint = :fp",
                          {"first": first.isoformat(), "last": last.isoformat(), "fp": fingerprint})
        return {date.fromisoformat(d): us / 1e6 for d, us in rows}

    def gens(self, first: date, last: date) -> dict[date, int]:
        rows = self._rows("SELECT day, gen FROM rollup_days WHERE day >= :first AND day <= :last",
                          {"first": first.isoformat(), "last": last.isoformat()})
        return {date.fromisoformat(d): int(g) for d, g in rows}

    def stored_days(self, first: date, last: date) -> list[date]:
        """Days in [first, last] with a row, whatever its settings or freshness."""
        rows = self._rows("SELECT day FROM rollup_days WHERE day >= :first AND day <= :last",
                          {"first": first.isoformat(), "last": last.isoformat()})
        return [date.fromisoformat(d) for (d,) in rows]

    def count(self, fingerprint: str | None = None) -> int:
        if fingerprint is None:
            rows = self._rows("SELECT count(*) FROM rollup_days")
        else:
            rows = self._rows("SELECT count(*) FROM rollup_days WHERE fingerprint = :fp",
                              {"fp": fingerprint})
        return int(next(iter(rows))[0])

    # -- change marks ----------------------------------------------------------------------
    def dirty(self) -> list[DirtySpan]:
        rows = self._rows("SELECT first_hour, last_hour, gen FROM rollup_dirty "
                          "ORDER BY first_hour, last_hour")
        return [(int(a), int(b), int(g)) for a, b, g in rows]

    def dirty_hours_between(self, first_hour: int, last_hour: int) -> bool:
        """Whether a pending mark overlaps the hours [first_hour, last_hour]."""
        rows = self._rows("SELECT gen FROM rollup_dirty WHERE first_hour <= :b AND last_hour >= :a "
                          "LIMIT 1", {"a": first_hour, "b": last_hour})
        return next(iter(rows), None) is not None

    def hours_with_events(self, first_hour: int, last_hour: int) -> set[int]:
        """Hours in [first_hour, last_hour] that some event touches."""
        lo, hi = first_hour * HOUR_US, (last_hour + 1) * HOUR_US - 1
        rows = self._rows("SELECT start_us, start_us + duration_us FROM events "
                          "WHERE start_us <= :hi AND start_us + duration_us >= :lo",
                          {"lo": lo, "hi": hi})
        hours: set[int] = set()
        for a, b in rows:
            h = hours_of(int(a), int(b))
            hours.update(range(max(h.start, first_hour), min(h.stop - 1, last_hour) + 1))
        return hours

    # -- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> Any:
        row = next(iter(self._rows("SELECT value FROM rollup_meta WHERE key = :key",
                                   {"key": key})), None)
        return None if row is None else json.loads(row[0])

    # -- reading events in bulk ------------------------------------------------------------
    def events_near(self, source: str, start: datetime, end: datetime) -> list[Event]:
        """Events of `source` overlapping [start, end), oldest first: what EventRepository.range
        returns, decoded faster for bulk analysis (a day repeats the same data text a lot, so
        each distinct text is parsed once per call)."""
        row = next(iter(self._rows("SELECT max(duration_us) FROM events WHERE source = :src",
                                   {"src": source})), None)
        lookback = (row[0] if row else None) or 0
        lo, hi = to_us(start), to_us(end)
        rows = self._rows(
            "SELECT id, start_us, duration_us, data, counts, device FROM events "
            "WHERE source = :src AND start_us >= :lb AND start_us < :hi "
            "AND (start_us + duration_us > :lo OR start_us >= :lo) ORDER BY start_us, id",
            {"src": source, "lb": lo - lookback, "lo": lo, "hi": hi})
        memo: dict[str, Any] = {"{}": _EMPTY}
        out = []
        for id_, start_us, dur_us, data, counts, device in rows:
            d = memo.get(data)
            if d is None:
                d = memo[data] = MappingProxyType(json.loads(data))
            c = memo.get(counts)
            if c is None:
                c = memo[counts] = MappingProxyType(json.loads(counts))
            out.append(Event(source, EPOCH + timedelta(microseconds=start_us),
                             timedelta(microseconds=dur_us), d, c, id_, device or ""))
        return out

    def event_span_us(self, lo_us: int | None = None, hi_us: int | None = None
                      ) -> tuple[int, int] | None:
        """[first start, last end] of all events, or of those overlapping [lo_us, hi_us)."""
        where, params = [], {}
        if lo_us is not None:
            where.append("start_us + duration_us >= :lo")
            params["lo"] = lo_us
        if hi_us is not None:
            where.append("start_us < :hi")
            params["hi"] = hi_us
        sql = "SELECT min(start_us), max(start_us + duration_us) FROM events"
        lo, hi = next(iter(self._rows(sql + (" WHERE " + " AND ".join(where) if where else ""),
                                      params)))
        return None if lo is None else (int(lo), int(hi))
