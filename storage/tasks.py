"""Tasks and time entries: the repository over a SQLAlchemy session (the reads are
task_rows.py's, shared with the lean sqlite3 path) and its in-memory twin."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, Mapping, Protocol

from sqlalchemy import text
from sqlalchemy.orm import Session

from tracker_desktop.domain.tasks import Task, TimeEntry

from .rollup_rows import Rows
from .task_rows import LogEntry, TaskReads, entry_columns, task_columns


class TaskRepository(Protocol):
    def get(self, task_id: int) -> Task | None: ...
    def all(self) -> list[Task]: ...
    def add(self, task: Task) -> int: ...
    def update(self, task: Task) -> None: ...
    def delete(self, task_id: int) -> None: ...
    def entry(self, entry_id: int) -> TimeEntry | None: ...
    def running_entry(self) -> TimeEntry | None: ...
    def entries(self, start: datetime | None = None, end: datetime | None = None
                ) -> list[TimeEntry]: ...
    def add_entry(self, entry: TimeEntry) -> int: ...
    def update_entry(self, entry: TimeEntry) -> None: ...
    def delete_entry(self, entry_id: int) -> None: ...
    def manual_log(self, start: datetime, end: datetime) -> list[LogEntry]: ...


class SqlTaskRepository(TaskReads):
    def __init__(self, session: Session) -> None:
        self._s = session

    def _rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Rows:
        return self._s.execute(text(sql), dict(params or {}))

    def _insert(self, table: str, cols: dict[str, Any]) -> int:
        row = self._s.execute(text(
            f"INSERT INTO {table} ({', '.join(cols)}) "
            f"VALUES ({', '.join(':' + c for c in cols)}) RETURNING id"), cols).one()
        return int(row[0])

    def _update(self, table: str, row_id: int | None, cols: dict[str, Any]) -> None:
        sets = ", ".join(f"{c} = :{c}" for c in cols)
        self._s.execute(text(f"UPDATE {table} SET {sets} WHERE id = :id"), cols | {"id": row_id})

    def add(self, task: Task) -> int:
        return self._insert("tasks", task_columns(task))

    def update(self, task: Task) -> None:
        self._update("tasks", task.id, task_columns(task))

    def delete(self, task_id: int) -> None:
        # Its entries stay (time was spent), no longer on a task: seed 004's ON DELETE SET NULL.
        self._s.execute(text("UPDATE time_entries SET task_id = NULL WHERE task_id = :id"),
                        {"id": task_id})
        self._s.execute(text("DELETE FROM tasks WHERE id = :id"), {"id": task_id})

    def add_entry(self, entry: TimeEntry) -> int:
        return self._insert("time_entries", entry_columns(entry))

    def update_entry(self, entry: TimeEntry) -> None:
        self._update("time_entries", entry.id, entry_columns(entry))

    def delete_entry(self, entry_id: int) -> None:
        self._s.execute(text("DELETE FROM time_entries WHERE id = :id"), {"id": entry_id})

    def manual_log(self, start: datetime, end: datetime) -> list[LogEntry]:
        return TaskReads.manual_log(self, start, end)


class MemoryTaskRepository:
    """The same contract in memory (the contract suite's reference). The manual log is read
    from the unit of work's event repository, as the SQL one reads the events table."""

    def __init__(self, events: Any = None) -> None:
        self._events = events
        self._tasks: dict[int, Task] = {}
        self._entries: dict[int, TimeEntry] = {}
        self._next = {"tasks": 1, "entries": 1}

    def _id(self, kind: str) -> int:
        n = self._next[kind]
        self._next[kind] = n + 1
        return n

    def get(self, task_id: int) -> Task | None:
        return self._tasks.get(task_id)

    def all(self) -> list[Task]:
        return [self._tasks[k] for k in sorted(self._tasks)]

    def add(self, task: Task) -> int:
        tid = self._id("tasks")
        self._tasks[tid] = replace(task, id=tid)
        return tid

    def update(self, task: Task) -> None:
        if task.id in self._tasks:
            self._tasks[task.id] = task

    def delete(self, task_id: int) -> None:
        self._tasks.pop(task_id, None)
        for k, e in list(self._entries.items()):
            if e.task_id == task_id:
                self._entries[k] = replace(e, task_id=None)

    def entry(self, entry_id: int) -> TimeEntry | None:
        return self._entries.get(entry_id)

    def running_entry(self) -> TimeEntry | None:
        live = [e for e in self._entries.values() if e.end is None]
        return max(live, key=lambda e: e.id or 0) if live else None

    def entries(self, start: datetime | None = None, end: datetime | None = None
                ) -> list[TimeEntry]:
        out = [e for e in self._entries.values()
               if (end is None or e.start < end)
               and (start is None or e.end is None or e.end > start)]
        return sorted(out, key=lambda e: (e.start, e.id or 0))

    def add_entry(self, entry: TimeEntry) -> int:
        eid = self._id("entries")
        self._entries[eid] = replace(entry, id=eid)
        return eid

    def update_entry(self, entry: TimeEntry) -> None:
        if entry.id in self._entries:
            self._entries[entry.id] = entry

    def delete_entry(self, entry_id: int) -> None:
        self._entries.pop(entry_id, None)

    def manual_log(self, start: datetime, end: datetime) -> list[LogEntry]:
        if self._events is None:
            return []
        return [LogEntry(e.start, e.end, dict(e.data), dict(e.counts))
                for e in self._events.range("manual", start, end) if e.end > start]

    def clone(self, events: Any = None) -> "MemoryTaskRepository":
        other = MemoryTaskRepository(events)
        other._tasks = dict(self._tasks)
        other._entries = dict(self._entries)
        other._next = dict(self._next)
        return other

