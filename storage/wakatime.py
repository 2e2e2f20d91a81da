"""Received WakaTime heartbeats (`wakatime_heartbeats`): which dedupe keys are stored, adding
new ones in the same transaction as the events they became, the stretch a late heartbeat lands
in, and who sent them (per editor)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable, Iterator, Mapping, Protocol, Sequence, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from .codec import dump_map, from_us, load_map, to_us
from .models.wakatime import WakaTimeHeartbeatRow

_TABLE = cast(Table, WakaTimeHeartbeatRow.__table__)
_CHUNK = 500  # keys per IN (...) query, below SQLite's variable limit


@dataclass(frozen=True, slots=True)
class Received:
    """A heartbeat received: its dedupe key, time, editor, arrival, and the event data it became."""

    key: str
    time: datetime
    received: datetime
    editor: str = ""
    source: str = "editor"
    data: Mapping[str, Any] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EditorSeen:
    """What one editor sent: how many heartbeats, the latest heartbeat time, the last arrival."""

    editor: str
    heartbeats: int
    last_time: datetime
    last_received: datetime


class WakaTimeRepository(Protocol):
    def seen(self, keys: Iterable[str]) -> set[str]: ...
    def add_many(self, rows: Sequence[Received]) -> None: ...
    def latest_time(self) -> datetime | None: ...
    def run_start(self, source: str, before: datetime, timeout: timedelta) -> datetime | None: ...
    def next_run_start(self, source: str, after: datetime, timeout: timedelta) -> datetime | None: ...
    def between(self, source: str, first: datetime, last: datetime | None) -> list[Received]: ...
    def editors(self) -> list[EditorSeen]: ...


def _run_edge(walk: Iterator[tuple[int, str]], timeout: timedelta, *, forward: bool
              ) -> datetime | None:
    """Walking away from an instant over one source's heartbeats: back, the first heartbeat of
    the run (same data, gaps at most `timeout`: one event) holding the nearest one; forward, the
    heartbeat that starts the event after the run holding the nearest one. None: no such one."""
    limit = timeout // timedelta(microseconds=1)
    run: tuple[int, str] | None = None
    for us, data in walk:
        if run is not None and (data != run[1] or abs(us - run[0]) > limit):
            return from_us(us) if forward else from_us(run[0])
        run = (us, data)
    return None if forward or run is None else from_us(run[0])


def _row(r: Received) -> dict[str, Any]:
    return {"key": r.key, "time_us": to_us(r.time), "received_us": to_us(r.received),
            "editor": r.editor, "source": r.source, "data": dump_map(r.data),
            "counts": dump_map(r.counts)}


class SqlWakaTimeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def seen(self, keys: Iterable[str]) -> set[str]:
        wanted = list(keys)
        out: set[str] = set()
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i:i + _CHUNK]
            out.update(self._session.execute(
                select(WakaTimeHeartbeatRow.key).where(WakaTimeHeartbeatRow.key.in_(chunk))).scalars())
        return out

    def add_many(self, rows: Sequence[Received]) -> None:
        if rows:
            self._session.connection().execute(insert(_TABLE).prefix_with("OR IGNORE"),
                                               [_row(r) for r in rows])

    def latest_time(self) -> datetime | None:
        us = self._session.execute(select(func.max(WakaTimeHeartbeatRow.time_us))).scalar()
        return None if us is None else from_us(int(us))

    def _walk(self, source: str, at: datetime, forward: bool) -> Iterator[tuple[int, str]]:
        """(time_us, data) of `source`'s heartbeats from `at` (exclusive), going back or forward."""
        t = WakaTimeHeartbeatRow
        edge = to_us(at)
        while True:
            q = select(t.time_us, t.data).where(t.source == source)
            q = (q.where(t.time_us > edge).order_by(t.time_us) if forward
                 else q.where(t.time_us < edge).order_by(t.time_us.desc()))
            rows = [(int(u), d) for u, d in self._session.execute(q.limit(500)).all()]
            yield from rows
            if len(rows) < 500:
                return
            edge = rows[-1][0]

    def run_start(self, source: str, before: datetime, timeout: timedelta) -> datetime | None:
        return _run_edge(self._walk(source, before, False), timeout, forward=False)

    def next_run_start(self, source: str, after: datetime, timeout: timedelta) -> datetime | None:
        return _run_edge(self._walk(source, after, True), timeout, forward=True)

    def between(self, source: str, first: datetime, last: datetime | None) -> list[Received]:
        t = WakaTimeHeartbeatRow
        q = (select(t.key, t.time_us, t.received_us, t.editor, t.source, t.data, t.counts)
             .where(t.source == source, t.time_us >= to_us(first)))
        if last is not None:
            q = q.where(t.time_us <= to_us(last))
        rows = self._session.execute(q.order_by(t.time_us)).all()
        return [Received(k, from_us(tu), from_us(ru), e, s, load_map(d), load_map(c))
                for k, tu, ru, e, s, d, c in rows]

    def editors(self) -> list[EditorSeen]:
        t = WakaTimeHeartbeatRow
        rows = self._session.execute(
            select(t.editor, func.count(), func.max(t.time_us), func.max(t.received_us))
            .group_by(t.editor).order_by(func.max(t.received_us).desc())).all()
        return [EditorSeen(e, n, from_us(last), from_us(rec)) for e, n, last, rec in rows]


class MemoryWakaTimeRepository:
    def __init__(self, rows: dict[str, Received] | None = None) -> None:
        self.rows: dict[str, Received] = rows or {}

    def clone(self) -> "MemoryWakaTimeRepository":
        return MemoryWakaTimeRepository(dict(self.rows))

    def seen(self, keys: Iterable[str]) -> set[str]:
        return {k for k in keys if k in self.rows}

    def add_many(self, rows: Sequence[Received]) -> None:
        for r in rows:
            self.rows.setdefault(r.key, r)

    def latest_time(self) -> datetime | None:
        return max((r.time for r in self.rows.values()), default=None)

    def _walk(self, source: str, at: datetime, forward: bool) -> Iterator[tuple[int, str]]:
        rows = sorted((to_us(r.time), dump_map(r.data)) for r in self.rows.values()
                      if r.source == source and (r.time > at if forward else r.time < at))
        return iter(rows if forward else rows[::-1])

    def run_start(self, source: str, before: datetime, timeout: timedelta) -> datetime | None:
        return _run_edge(self._walk(source, before, False), timeout, forward=False)

    def next_run_start(self, source: str, after: datetime, timeout: timedelta) -> datetime | None:
        return _run_edge(self._walk(source, after, True), timeout, forward=True)

    def between(self, source: str, first: datetime, last: datetime | None) -> list[Received]:
        return sorted((r for r in self.rows.values() if r.source == source and r.time >= first
                       and (last is None or r.time <= last)), key=lambda r: r.time)

    def editors(self) -> list[EditorSeen]:
        by: dict[str, list[Received]] = {}
        for r in self.rows.values():
            by.setdefault(r.editor, []).append(r)
        out = [EditorSeen(e, len(rs), max(r.time for r in rs), max(r.received for r in rs))
               for e, rs in by.items()]
        return sorted(out, key=lambda s: s.last_received, reverse=True)
