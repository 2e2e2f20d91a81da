"""Reading the database on the standard library's sqlite3, writing through the full store.

`status` and `report` mostly read rows that are already there (the tracker's state, stored day
rollups). Importing SQLAlchemy to do that cost more than everything else they do (issue 6:
`status` took 0.5 s, most of it imports), so their reads run on a plain sqlite3 connection and
SQLAlchemy is imported only if a write is needed (a day to store, marks to consume).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Callable, Mapping

from .codec import StateValue, from_us
from .focus_rows import FocusReads
from .rollup_rows import RollupReads, Rows
from .task_rows import TaskReads
from .schema import script_head, stored_revision

BUSY_TIMEOUT_MS = 30_000


class LiteRollupReader(RollupReads):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def _rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Rows:
        return self._conn.execute(sql, dict(params or {}))

    def _writes(self, *_: Any) -> None:
        raise NeedsWriter("rollups are written through a write unit of work")

    put = invalidate = mark_dirty = clear_dirty = set_meta = _writes


class LiteStateReader:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, key: str) -> StateValue | None:
        row = self._conn.execute("SELECT value, updated_us FROM state WHERE key = ?",
                                 (key,)).fetchone()
        return None if row is None else StateValue(json.loads(row[0]), from_us(row[1]))

    def set(self, key: str, value: Any, now: Any) -> None:
        raise NeedsWriter("state.set writes: use a write unit of work")


class LiteFocusReader(FocusReads):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def _rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Rows:
        return self._conn.execute(sql, dict(params or {}))

    def _writes(self, *_: Any, **__: Any) -> None:
        raise NeedsWriter("focus sessions are written through a write unit of work")

    add = save = put_profile = _writes


class LiteTaskReader(TaskReads):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def _rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Rows:
        return self._conn.execute(sql, dict(params or {}))

    def _writes(self, *_: Any, **__: Any) -> None:
        raise NeedsWriter("tasks and time entries are written through a write unit of work")

    add = update = delete = add_entry = update_entry = delete_entry = _writes


class NeedsWriter(RuntimeError):
    """A read unit of work was asked to write (a bug in the caller)."""


class LiteReadUnitOfWork:
    """One read transaction on the sqlite3 connection: rollups and state, nothing to commit."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.rollups = LiteRollupReader(conn)
        self.state = LiteStateReader(conn)
        self.focus = LiteFocusReader(conn)
        self.tasks = LiteTaskReader(conn)

    def __enter__(self) -> LiteReadUnitOfWork:
        # One snapshot for the block, as the SQLAlchemy unit of work gives (WAL: no lock taken).
        self._conn.execute("BEGIN")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._conn.in_transaction:  # SQLite may have rolled back itself (BUSY, IOERR...)
            self._conn.execute("ROLLBACK")

    def commit(self) -> None:
        raise NeedsWriter("a read unit of work has nothing to commit")

    def rollback(self) -> None:
        pass

    @property
    def events(self) -> Any:
        raise NeedsWriter("events are read through the full store")


class ReadThenWrite:
    """A unit-of-work factory: reads on a sqlite3 connection, writes on the full store (its
    SQLAlchemy factory, made on the first write by `full`)."""

    def __init__(self, conn: sqlite3.Connection, full: Callable[[], Callable[..., Any]]) -> None:
        self._conn = conn
        self._full = full

    def __call__(self, write: bool = False) -> Any:
        if write:
            return self._full()(write=True)
        return LiteReadUnitOfWork(self._conn)


def connect_current(db_path: Path) -> sqlite3.Connection | None:
    """A sqlite3 connection to the database if its schema is the one this version writes;
    None if it must be migrated (or looks damaged: the full store says how, with the details)."""
    conn = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if stored_revision(conn) == script_head():
            return conn
    except sqlite3.DatabaseError:
        pass
    conn.close()
    return None
