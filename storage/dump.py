"""The whole record as rows, table by table, and back: what `export --format json|csv` writes and
`import --format native` restores. Rows are the stored columns as they are (ids, microsecond
times, JSON text), so a restore is exact; rollups are left out (they are recomputed from events,
the triggers mark every restored hour) and so is `state` (a running process's facts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from sqlalchemy import Connection, text

from .codec import to_us

# In restore order. Each with the filter that keeps the rows overlapping [start, end).
TABLES: dict[str, str | None] = {
    "events": "start_us < :end AND start_us + duration_us > :start",
    "tasks": None,  # tasks are not bound to a time: all of them go with any range
    "time_entries": "start_us < :end AND (end_us IS NULL OR end_us > :start)",
    "focus_sessions": "started_us < :end AND (ended_us IS NULL OR ended_us > :start)",
    "focus_profiles": None,
}
# Everything `delete-all` empties (the rollups too, and the shared state).
ALL_DATA = (*TABLES, "rollup_days", "rollup_dirty", "rollup_meta", "state")


class DumpError(ValueError):
    """A dump that cannot be restored here (the message says why); nothing was written."""


def columns(conn: Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(text(f"PRAGMA table_info({table})"))]


def _kinds(conn: Connection, table: str) -> dict[str, tuple[tuple[type, ...], bool]]:
    """Each column's accepted Python types and whether it may be NULL (SQLite itself would
    store a string in an integer column: a restored dump must not)."""
    out = {}
    for r in conn.execute(text(f"PRAGMA table_info({table})")):
        decl = str(r[2]).upper()
        kinds: tuple[type, ...] = (
            (int,) if "INT" in decl or "BOOL" in decl else (int, float) if "FLOAT" in decl
            or "REAL" in decl else (str,))
        out[r[1]] = (kinds, not r[3] or r[5] > 0)  # primary keys may be left out (NULL)
    return out


def count(conn: Connection, table: str, start: datetime | None = None,
          end: datetime | None = None) -> int:
    where, params = _where(table, start, end)
    return int(conn.execute(text(f"SELECT count(*) FROM {table}{where}"), params).scalar_one())


def _where(table: str, start: datetime | None, end: datetime | None
           ) -> tuple[str, dict[str, Any]]:
    cond = TABLES[table]
    if cond is None or (start is None and end is None):
        return "", {}
    lo = -(2**62) if start is None else to_us(start)
    hi = 2**62 if end is None else to_us(end)
    return f" WHERE {cond}", {"start": lo, "end": hi}


def rows(conn: Connection, table: str, start: datetime | None = None,
         end: datetime | None = None) -> Iterator[dict[str, Any]]:
    """The table's rows (in id order) as column: value dicts, read lazily."""
    names = columns(conn, table)
    where, params = _where(table, start, end)
    result = conn.execute(text(f"SELECT {', '.join(names)} FROM {table}{where} ORDER BY id"),
                          params)
    for r in result:
        yield dict(zip(names, r))


def is_empty(conn: Connection) -> list[str]:
    """The tables that hold something (empty list: nothing recorded yet)."""
    return [t for t in TABLES if conn.execute(text(f"SELECT 1 FROM {t} LIMIT 1")).first()]


def insert_rows(conn: Connection, table: str, items: list[Any],
                known: dict[str, dict[str, tuple[tuple[type, ...], bool]]]) -> int:
    """Insert dumped rows as they are, ids included (the caller's transaction: all or
    nothing). An unknown table or column is refused; `known` caches the tables' columns."""
    if table not in TABLES:
        raise DumpError(f"unknown table in the dump: {table}")
    if table not in known:
        known[table] = _kinds(conn, table)
    kinds = known[table]
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for r in items:
        if not isinstance(r, dict):
            raise DumpError(f"{table}: expected rows as objects")
        by_columns.setdefault(tuple(r), []).append(r)
    for cols, group in by_columns.items():
        extra = sorted(set(cols) - set(kinds))
        if extra:
            raise DumpError(f"{table}: unknown column(s) {', '.join(extra)} (a dump from a newer "
                            "version?)")
        for r in group:
            for c, v in r.items():
                types, nullable = kinds[c]
                if v is None and nullable:
                    continue
                if not isinstance(v, types) or (isinstance(v, bool) and bool not in types
                                                and types != (int,)):
                    raise DumpError(f"{table} row {r.get('id')}: {c} = {str(v)[:40]!r} is not "
                                    f"{'a number' if int in types else 'text'}")
        conn.execute(text(f"INSERT INTO {table} ({', '.join(cols)}) "
                          f"VALUES ({', '.join(':' + c for c in cols)})"), group)
    return len(items)


def clear(conn: Connection) -> dict[str, int]:
    """Delete every row of every data table (`delete-all`)."""
    out = {}
    for table in ALL_DATA:
        out[table] = conn.execute(text(f"DELETE FROM {table}")).rowcount or 0
    return out


def cut_events(conn: Any, start: datetime, end: datetime) -> int:
    """Delete the events' time inside [start, end): events inside go, events across a bound
    are cut at it (one across the whole range becomes two). The triggers mark every hour
    changed, so the rollups of those days are recomputed. Returns the rows deleted or changed."""
    s, e = to_us(start), to_us(end)
    p = {"s": s, "e": e}
    cols = [c for c in columns(conn, "events") if c != "id"]
    # Across the whole range: the part after it becomes a new row, the row keeps the part before.
    tail = ", ".join(":e" if c == "start_us" else "start_us + duration_us - :e"
                     if c == "duration_us" else c for c in cols)
    across = "start_us < :s AND start_us + duration_us > :e"
    n = conn.execute(text(f"INSERT INTO events ({', '.join(cols)}) SELECT {tail} FROM events "
                          f"WHERE {across}"), p).rowcount or 0
    n += conn.execute(text("UPDATE events SET duration_us = :s - start_us "
                           "WHERE start_us < :s AND start_us + duration_us > :s"), p).rowcount or 0
    n += conn.execute(text("UPDATE events SET duration_us = start_us + duration_us - :e, "
                           "start_us = :e WHERE start_us >= :s AND start_us < :e "
                           "AND start_us + duration_us > :e"), p).rowcount or 0
    n += conn.execute(text("DELETE FROM events WHERE start_us >= :s AND start_us < :e"),
                      p).rowcount or 0
    return n


def cut_entries(conn: Any, start: datetime, end: datetime) -> int:
    """The same for time entries (`domain.tasks.cut_entry`); the running timer is refused
    (TaskError) if it overlaps."""
    from tracker_desktop.domain.tasks import cut_entry

    from .task_rows import ENTRY_COLUMNS, entry_columns, entry_from_row

    s, e = to_us(start), to_us(end)
    found = [entry_from_row(r) for r in conn.execute(text(
        f"SELECT {', '.join(ENTRY_COLUMNS)} FROM time_entries WHERE start_us < :e "
        "AND (end_us IS NULL OR end_us > :s)"), {"s": s, "e": e})]
    for entry in found:
        pieces = cut_entry(entry, start, end)
        conn.execute(text("DELETE FROM time_entries WHERE id = :id"), {"id": entry.id})
        for piece in pieces:
            cols = entry_columns(piece) | ({"id": piece.id} if piece.id is not None else {})
            conn.execute(text(f"INSERT INTO time_entries ({', '.join(cols)}) "
                              f"VALUES ({', '.join(':' + c for c in cols)})"), cols)
    return len(found)


def delete_focus(conn: Any, start: datetime, end: datetime) -> int:
    """Finished focus sessions overlapping [start, end) (a session's record cannot be cut);
    the running one is refused by the caller."""
    return conn.execute(text("DELETE FROM focus_sessions WHERE ended_us IS NOT NULL "
                             "AND started_us < :e AND ended_us > :s"),
                        {"s": to_us(start), "e": to_us(end)}).rowcount or 0
