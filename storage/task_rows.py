"""Tasks and time entries as rows, and the queries that read them over any SQLite connection.
Standard library only, like focus_rows.py: `task list`, `timer status` and `report` read through
it without importing SQLAlchemy; storage/tasks.py runs the same queries through a SQLAlchemy
session and adds the writes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Mapping

from tracker_desktop.domain.tasks import Pause, Task, TimeEntry

from .codec import from_us, load_map, to_us
from .rollup_rows import Rows

TASK_COLUMNS = ("id", "title", "description", "status", "priority", "due", "tags",
                "estimate_hours", "project", "created_us", "updated_us", "completed_us")
ENTRY_COLUMNS = ("id", "task_id", "description", "start_us", "end_us", "paused_us", "pauses",
                 "source")
_TASKS = f"SELECT {', '.join(TASK_COLUMNS)} FROM tasks"
_ENTRIES = f"SELECT {', '.join(ENTRY_COLUMNS)} FROM time_entries"


def task_columns(t: Task) -> dict[str, Any]:
    return {
        "title": t.title, "description": t.description, "status": t.status,
        "priority": t.priority, "due": None if t.due is None else t.due.isoformat(),
        "tags": json.dumps(list(t.tags), ensure_ascii=False), "estimate_hours": t.estimate_hours,
        "project": t.project, "created_us": to_us(t.created), "updated_us": to_us(t.updated),
        "completed_us": None if t.completed is None else to_us(t.completed),
    }


def task_from_row(r: Any) -> Task:
    return Task(id=int(r[0]), title=r[1], description=r[2], status=r[3], priority=r[4],
                due=None if r[5] is None else date.fromisoformat(r[5]),
                tags=tuple(json.loads(r[6])), estimate_hours=r[7], project=r[8],
                created=from_us(r[9]), updated=from_us(r[10]),
                completed=None if r[11] is None else from_us(r[11]))


def entry_columns(e: TimeEntry) -> dict[str, Any]:
    paused = e.paused_time(e.end) if e.end is not None else None
    return {
        "task_id": e.task_id, "description": e.description, "start_us": to_us(e.start),
        "end_us": None if e.end is None else to_us(e.end),
        "paused_us": 0 if paused is None else paused // _US,
        "pauses": json.dumps([[to_us(p.start), None if p.end is None else to_us(p.end)]
                              for p in e.pauses]),
        "source": e.source,
    }


def entry_from_row(r: Any) -> TimeEntry:
    return TimeEntry(id=int(r[0]), task_id=r[1], description=r[2], start=from_us(r[3]),
                     end=None if r[4] is None else from_us(r[4]),
                     pauses=tuple(Pause(from_us(a), None if b is None else from_us(b))
                                  for a, b in json.loads(r[6])),
                     source=r[7])


_US = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One manual activity log entry (a `manual` event)."""

    start: datetime
    end: datetime
    data: Mapping[str, Any]
    counts: Mapping[str, Any]


class TaskReads:
    """The read queries; subclasses give `_rows` (a SQLAlchemy session or a sqlite3 connection)."""

    def _rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Rows:
        raise NotImplementedError

    def get(self, task_id: int) -> Task | None:
        row = next(iter(self._rows(f"{_TASKS} WHERE id = :id", {"id": task_id})), None)
        return None if row is None else task_from_row(row)

    def all(self) -> list[Task]:
        return [task_from_row(r) for r in self._rows(f"{_TASKS} ORDER BY id")]

    def entry(self, entry_id: int) -> TimeEntry | None:
        row = next(iter(self._rows(f"{_ENTRIES} WHERE id = :id", {"id": entry_id})), None)
        return None if row is None else entry_from_row(row)

    def running_entry(self) -> TimeEntry | None:
        row = next(iter(self._rows(f"{_ENTRIES} WHERE end_us IS NULL ORDER BY id DESC LIMIT 1")),
                   None)
        return None if row is None else entry_from_row(row)

    def entries(self, start: datetime | None = None, end: datetime | None = None
                ) -> list[TimeEntry]:
        """Entries overlapping [start, end) (the running one's end is open), oldest first."""
        where, params = [], {}
        if end is not None:
            where.append("start_us < :end")
            params["end"] = to_us(end)
        if start is not None:
            where.append("(end_us IS NULL OR end_us > :start)")
            params["start"] = to_us(start)
        sql = _ENTRIES + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY start_us, id"
        return [entry_from_row(r) for r in self._rows(sql, params)]

    def manual_log(self, start: datetime, end: datetime) -> list[LogEntry]:
        """`manual` events overlapping [start, end) (the activity log, and imported stopwatch
        entries), oldest first."""
        rows = self._rows(
            "SELECT start_us, duration_us, data, counts FROM events WHERE source = 'manual' "
            "AND start_us < :end ORDER BY start_us",
            {"end": to_us(end)})
        lo = to_us(start)
        return [LogEntry(from_us(r[0]), from_us(r[0] + r[1]), load_map(r[2]), load_map(r[3]))
                for r in rows if r[0] + r[1] > lo]
