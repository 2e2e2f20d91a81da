"""Received WakaTime heartbeats (`wakatime_heartbeats`): which dedupe keys are stored, adding
new ones in the same transaction as the events they became, and who sent them (per editor)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Protocol, Sequence, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from .codec import from_us, to_us
from .models.wakatime import WakaTimeHeartbeatRow

_TABLE = cast(Table, WakaTimeHeartbeatRow.__table__)
_CHUNK = 500  # keys per IN (...) query, below SQLite's variable limit


@dataclass(frozen=True, slots=True)
class Received:
    """A heartbeat received: its dedupe key, its time, its editor and when it arrived."""

    key: str
    time: datetime
    received: datetime
    editor: str = ""


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
    def editors(self) -> list[EditorSeen]: ...


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
            self._session.execute(insert(_TABLE).prefix_with("OR IGNORE"), [
                {"key": r.key, "time_us": to_us(r.time), "received_us": to_us(r.received),
                 "editor": r.editor} for r in rows])

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

    def editors(self) -> list[EditorSeen]:
        by: dict[str, list[Received]] = {}
        for r in self.rows.values():
            by.setdefault(r.editor, []).append(r)
        out = [EditorSeen(e, len(rs), max(r.time for r in rs), max(r.received for r in rs))
               for e, rs in by.items()]
        return sorted(out, key=lambda s: s.last_received, reverse=True)
