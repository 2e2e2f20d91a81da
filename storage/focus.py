"""Focus sessions and the profile: the repository over a SQLAlchemy session (the reads are
focus_rows.py's, shared with the lean sqlite3 path) and its in-memory twin."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Mapping, Protocol

from sqlalchemy import text
from sqlalchemy.orm import Session

from tracker_desktop.domain.focus import FinishedSession, FocusProfile, FocusState, finish

from .focus_rows import FocusReads, StoredFocus, profile_columns, session_columns
from .rollup_rows import Rows


class FocusRepository(Protocol):
    def running(self) -> StoredFocus | None: ...
    def finished(self) -> list[FinishedSession]: ...
    def profile(self) -> FocusProfile | None: ...
    def add(self, state: FocusState, now: datetime) -> int: ...
    def save(self, session_id: int, state: FocusState, now: datetime, *,
             score: int | None = None, notes: str = "") -> None: ...
    def put_profile(self, profile: FocusProfile, now: datetime) -> None: ...




class SqlFocusRepository(FocusReads):
    def __init__(self, session: Session) -> None:
        self._s = session

    def _rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Rows:
        return self._s.execute(text(sql), dict(params or {}))

    def add(self, state: FocusState, now: datetime) -> int:
        cols = session_columns(state, now, None, "")
        names = ", ".join(cols)
        row = self._s.execute(text(
            f"INSERT INTO focus_sessions ({names}) VALUES ({', '.join(':' + c for c in cols)}) "
            "RETURNING id"), cols).one()
        return int(row[0])

    def save(self, session_id: int, state: FocusState, now: datetime, *,
             score: int | None = None, notes: str = "") -> None:
        cols = session_columns(state, now, score, notes)
        sets = ", ".join(f"{c} = :{c}" for c in cols)
        self._s.execute(text(f"UPDATE focus_sessions SET {sets} WHERE id = :id"),
                        cols | {"id": session_id})

    def put_profile(self, profile: FocusProfile, now: datetime) -> None:
        cols = profile_columns(profile, now)
        names = ", ".join(cols)
        updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
        self._s.execute(text(
            f"INSERT INTO focus_profiles ({names}) VALUES ({', '.join(':' + c for c in cols)}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}"), cols)


class MemoryFocusRepository:
    """The same contract in memory (the contract suite's reference)."""

    def __init__(self) -> None:
        self._sessions: dict[int, StoredFocus] = {}
        self._profile: FocusProfile | None = None
        self._next_id = 1

    def running(self) -> StoredFocus | None:
        live = [s for s in self._sessions.values() if s.state.ended is None]
        return max(live, key=lambda s: s.id) if live else None

    def finished(self) -> list[FinishedSession]:
        done = [s for s in self._sessions.values() if s.state.ended is not None]
        done.sort(key=lambda s: (s.state.ended, s.id))
        return [(finish(s.state, score=s.score, notes=s.notes, session_id=s.id))
                for s in done]

    def profile(self) -> FocusProfile | None:
        return self._profile

    def add(self, state: FocusState, now: datetime) -> int:
        session_id = self._next_id
        self._next_id += 1
        self._sessions[session_id] = StoredFocus(session_id, _state_round_trip(state))
        return session_id

    def save(self, session_id: int, state: FocusState, now: datetime, *,
             score: int | None = None, notes: str = "") -> None:
        if session_id in self._sessions:
            self._sessions[session_id] = StoredFocus(session_id, _state_round_trip(state),
                                                     score, notes)

    def put_profile(self, profile: FocusProfile, now: datetime) -> None:
        from .focus_rows import profile_from_row

        c = profile_columns(profile, now)
        self._profile = profile_from_row(
            [c["sessions"], c["completed"], c["avg_focus_minutes"], c["avg_break_minutes"],
             c["avg_interruptions"], c["completion_ratio"], c["estimation_pct"], c["avg_score"],
             c["peak_hours"], c["peak_days"], c["focus_by_hour"], c["computed_us"]])

    def clone(self) -> "MemoryFocusRepository":
        other = MemoryFocusRepository()
        other._sessions = dict(self._sessions)
        other._profile = self._profile
        other._next_id = self._next_id
        return other


def _state_round_trip(state: FocusState) -> FocusState:
    from tracker_desktop.domain.focus import state_from_dict, state_to_dict

    return state_from_dict(json.loads(json.dumps(state_to_dict(state))))
