"""Focus sessions and the profile as the application sees them, and the queries that read them,
over any SQLite connection. Standard library only, like rollup_rows.py: `focus status` and
`focus profile` read through it without importing SQLAlchemy; storage/focus.py runs the same
queries through a SQLAlchemy session and adds the writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping

from tracker_desktop.domain.focus import (FinishedSession, FocusProfile, FocusState,
                                           state_from_dict, state_to_dict)

from .codec import from_us, to_us
from .rollup_rows import Rows

PROFILE_ID = 1  # one profile: a single local user

_RECORD_COLUMNS = ("mode, started_us, ended_us, expected_us, actual_us, break_us, cycles, "
                   "interruptions, completed, context, task_id, score, notes, id")
RUNNING_SQL = ("SELECT id, state, score, notes FROM focus_sessions WHERE ended_us IS NULL "
               "ORDER BY id DESC LIMIT 1")
FINISHED_SQL = (f"SELECT {_RECORD_COLUMNS} FROM focus_sessions WHERE ended_us IS NOT NULL "
                "ORDER BY ended_us, id")
PROFILE_SQL = ("SELECT sessions, completed, avg_focus_minutes, avg_break_minutes, "
               "avg_interruptions, completion_ratio, estimation_pct, avg_score, peak_hours, "
               "peak_days, focus_by_hour, computed_us FROM focus_profiles WHERE id = :id")


@dataclass(frozen=True, slots=True)
class StoredFocus:
    """A session's row: its state machine and what the person added at the end."""

    id: int
    state: FocusState
    score: int | None = None
    notes: str = ""


def session_columns(state: FocusState, now: datetime, score: int | None,
                    notes: str) -> dict[str, Any]:
    """The row's columns, derived from the state (times up to `now` while it runs)."""
    expected = state.expected()
    return {
        "mode": state.plan.mode, "started_us": to_us(state.started),
        "ended_us": None if state.ended is None else to_us(state.ended),
        "expected_us": None if expected is None else expected // _US,
        "actual_us": state.actual(now) // _US, "break_us": state.break_time(now) // _US,
        "cycles": state.cycles, "interruptions": state.interruptions,
        "completed": state.completed, "context": state.context, "task_id": state.task_id,
        "score": score, "notes": notes,
        "state": json.dumps(state_to_dict(state), sort_keys=True, separators=(",", ":")),
    }


def _us_td(us: int) -> timedelta:
    return timedelta(microseconds=us)


_US = timedelta(microseconds=1)


def finished_from_row(r: Any) -> FinishedSession:
    return FinishedSession(
        started=from_us(r[1]), ended=from_us(r[2]), mode=r[0],
        expected=None if r[3] is None else _us_td(r[3]), actual=_us_td(r[4]),
        break_time=_us_td(r[5]), cycles=int(r[6]), interruptions=int(r[7]),
        completed=bool(r[8]), context=r[9], task_id=r[10], score=r[11], notes=r[12],
        id=int(r[13]))


def profile_columns(profile: FocusProfile, now: datetime) -> dict[str, Any]:
    return {
        "id": PROFILE_ID, "sessions": profile.sessions, "completed": profile.completed,
        "avg_focus_minutes": profile.avg_focus_minutes,
        "avg_break_minutes": profile.avg_break_minutes,
        "avg_interruptions": profile.avg_interruptions,
        "completion_ratio": profile.completion_ratio, "estimation_pct": profile.estimation_pct,
        "avg_score": profile.avg_score, "peak_hours": json.dumps(list(profile.peak_hours)),
        "peak_days": json.dumps(list(profile.peak_days)),
        "focus_by_hour": json.dumps({str(h): m for h, m in profile.focus_by_hour}),
        "computed_us": to_us(profile.computed or now),
    }


def profile_from_row(r: Any) -> FocusProfile:
    return FocusProfile(
        sessions=int(r[0]), completed=int(r[1]), avg_focus_minutes=float(r[2]),
        avg_break_minutes=float(r[3]), avg_interruptions=float(r[4]),
        completion_ratio=float(r[5]), estimation_pct=r[6], avg_score=r[7],
        peak_hours=tuple(json.loads(r[8])), peak_days=tuple(json.loads(r[9])),
        focus_by_hour=tuple(sorted((int(h), float(m)) for h, m in json.loads(r[10]).items())),
        computed=from_us(r[11]))


class FocusReads:
    """The read queries; subclasses give `_rows` (a SQLAlchemy session or a sqlite3 connection)."""

    def _rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Rows:
        raise NotImplementedError

    def running(self) -> StoredFocus | None:
        """The session not stopped yet, if any (at most one: the service sees to that)."""
        row = next(iter(self._rows(RUNNING_SQL)), None)
        if row is None:
            return None
        return StoredFocus(int(row[0]), state_from_dict(json.loads(row[1])), row[2], row[3])

    def finished(self) -> list[FinishedSession]:
        """Every stopped session, oldest end first."""
        return [finished_from_row(r) for r in self._rows(FINISHED_SQL)]

    def profile(self) -> FocusProfile | None:
        row = next(iter(self._rows(PROFILE_SQL, {"id": PROFILE_ID})), None)
        return None if row is None else profile_from_row(row)
