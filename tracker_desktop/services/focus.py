"""Focus sessions (issue 8 part 2): start, pause, resume, skip, stop and read the running
session and the focus profile. The running session lives in the database, so every process (the
CLI, the tray) acts on the same one; each verb is one write unit of work.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Callable

from tracker_desktop.domain import focus as f
from tracker_desktop.domain.clock import Clock
from tracker_desktop.domain.focus import (
    FinishedSession,
    FocusError,
    FocusPlan,
    FocusProfile,
    FocusState,
    PhaseChange,
)

if TYPE_CHECKING:
    from storage.uow import UnitOfWorkFactory
    from tracker_desktop.config import FocusSettings

logger = logging.getLogger(__name__)
MAX_MINUTES = 24 * 60


class NoFocusSession(FocusError):
    def __init__(self) -> None:
        super().__init__("no focus session is running: start one with `focus start`")


class FocusAlreadyRunning(FocusError):
    def __init__(self, session_id: int) -> None:
        super().__init__(f"focus session {session_id} is already running: "
                         "`focus stop` it before starting another")


@dataclass(frozen=True, slots=True)
class FocusStatus:
    """The session as it is at `at`. `phase`: the running phase's kind; None when the next one
    waits (`pending`) or the timer ran out (`done`)."""

    at: datetime
    session_id: int | None = None
    state: FocusState | None = None
    changes: tuple[PhaseChange, ...] = ()  # phase changes this call brought about

    @property
    def running(self) -> bool:
        return self.state is not None

    def to_json(self, tz: tzinfo) -> dict[str, Any]:
        s = self.state
        if s is None:
            return {"running": False}
        cur = s.current
        phase = cur.kind if cur is not None else None
        remaining = s.remaining(self.at)
        return {
            "running": True, "id": self.session_id, "mode": s.plan.mode,
            "phase": phase, "paused": s.paused,
            "waiting": None if s.pending is None else s.pending.kind,
            "done": cur is None and s.pending is None,
            "remaining_seconds": None if remaining is None else round(remaining.total_seconds()),
            "phase_seconds": None if cur is None else round(
                (cur.active(s.paused_at or self.at)).total_seconds()),
            "focus_minutes": _m(s.actual(self.at)), "break_minutes": _m(s.break_time(self.at)),
            "cycles": s.cycles, "interruptions": s.interruptions,
            "started": s.started.astimezone(tz).isoformat(), "context": s.context,
            "task_id": s.task_id,
            "changes": [{"at": c.at.astimezone(tz).isoformat(), "ended": c.ended, "next": c.next,
                         "started": c.started} for c in self.changes],
        }


@dataclass(frozen=True, slots=True)
class StoppedSession:
    session: FinishedSession
    insights: tuple[str, ...]

    def to_json(self, tz: tzinfo) -> dict[str, Any]:
        s = self.session
        return {
            "id": s.id, "mode": s.mode, "completed": s.completed,
            "started": s.started.astimezone(tz).isoformat(),
            "ended": s.ended.astimezone(tz).isoformat(),
            "expected_minutes": None if s.expected is None else _m(s.expected),
            "focus_minutes": _m(s.actual), "break_minutes": _m(s.break_time),
            "cycles": s.cycles, "interruptions": s.interruptions, "score": s.score,
            "notes": s.notes, "context": s.context, "task_id": s.task_id,
            "insights": list(self.insights),
        }


def profile_to_json(p: FocusProfile) -> dict[str, Any]:
    return {
        "sessions": p.sessions, "completed": p.completed,
        "avg_focus_minutes": round(p.avg_focus_minutes, 1),
        "avg_break_minutes": round(p.avg_break_minutes, 1),
        "avg_interruptions": round(p.avg_interruptions, 2),
        "completion_ratio": round(p.completion_ratio, 2),
        "estimation_pct": None if p.estimation_pct is None else round(p.estimation_pct, 1),
        "avg_score": None if p.avg_score is None else round(p.avg_score, 2),
        "peak_hours": list(p.peak_hours), "peak_days": list(p.peak_days),
        "focus_minutes_by_hour": {str(h): round(m, 1) for h, m in p.focus_by_hour},
    }


def _m(delta: timedelta) -> float:
    return round(delta.total_seconds() / 60, 2)


def plan_from_settings(settings: FocusSettings, *, mode: str | None = None,
                       minutes: float | None = None) -> FocusPlan:
    """The plan for a new session: the `[focus]` settings, `--mode` and `--minutes` applied
    (the work phase's length, or the estimate of a Flowtime session)."""
    if minutes is not None and not 0 < minutes <= MAX_MINUTES:
        raise FocusError(f"--minutes must be more than 0 and at most {MAX_MINUTES}")
    chosen = mode or settings.mode
    if chosen not in f.MODES:
        raise FocusError(f"unknown mode {chosen!r}: one of {', '.join(f.MODES)}")
    work = timedelta(minutes=settings.work_minutes)
    expected = None
    if minutes is not None:
        if chosen == "flowtime":
            expected = timedelta(minutes=minutes)
        else:
            work = timedelta(minutes=minutes)
    return FocusPlan(mode=chosen,
                     work=work, short_break=timedelta(minutes=settings.short_break_minutes),
                     long_break=timedelta(minutes=settings.long_break_minutes),
                     long_break_every=settings.long_break_every,
                     auto_start_breaks=settings.auto_start_breaks,
                     auto_start_work=settings.auto_start_work,
                     flow_break_ratio=settings.flowtime_break_ratio, expected=expected)


class FocusService:
    def __init__(self, uow: UnitOfWorkFactory, settings: FocusSettings, clock: Clock,
                 tz: tzinfo) -> None:
        self._uow = uow
        self._settings = settings
        self._clock = clock
        self._tz = tz

    def start(self, *, mode: str | None = None, minutes: float | None = None,
              context: str = "", task_id: str | None = None) -> FocusStatus:
        plan = plan_from_settings(self._settings, mode=mode, minutes=minutes)
        now = self._clock.now()
        with self._uow(write=True) as u:
            running = u.focus.running()
            if running is not None:
                raise FocusAlreadyRunning(running.id)
            state = f.start(plan, now, context=context, task_id=task_id)
            session_id = u.focus.add(state, now)
            u.commit()
        logger.info("focus session %s started (%s)", session_id, plan.mode)
        return FocusStatus(now, session_id, state)

    def _act(self, verb: Callable[[FocusState, datetime],
                                  tuple[FocusState, tuple[PhaseChange, ...]]]) -> FocusStatus:
        now = self._clock.now()
        with self._uow(write=True) as u:
            running = u.focus.running()
            if running is None:
                raise NoFocusSession()
            advanced, changes = f.advance(running.state, now)
            state, more = verb(advanced, now)
            u.focus.save(running.id, state, now)
            u.commit()
        return FocusStatus(now, running.id, state, changes + more)

    def pause(self) -> FocusStatus:
        return self._act(lambda s, now: (f.pause(s, now), ()))

    def resume(self) -> FocusStatus:
        return self._act(lambda s, now: (f.resume(s, now), ()))

    def start_next(self) -> FocusStatus:
        return self._act(lambda s, now: (f.start_next(s, now), ()))

    def skip(self) -> FocusStatus:
        return self._act(f.skip)

    def tick(self) -> FocusStatus:
        """Move the running session through the phases whose timers ran out and store it, if
        any did (what the tray's timer will call; `status` computes the same without writing)."""
        status = self.status()
        if status.changes:
            return self._act(lambda s, now: (s, ()))
        return status

    def status(self) -> FocusStatus:
        """The running session as of now (phases advanced in memory; nothing written)."""
        now = self._clock.now()
        with self._uow() as u:
            running = u.focus.running()
        if running is None:
            return FocusStatus(now)
        state, changes = f.advance(running.state, now)
        return FocusStatus(now, running.id, state, changes)

    def stop(self, *, score: int | None = None, notes: str = "") -> StoppedSession:
        """End the running session with the person's rating; recompute the profile."""
        if score is not None and not 1 <= score <= 5:
            raise FocusError(f"--score must be 1 to 5, not {score}")
        now = self._clock.now()
        with self._uow(write=True) as u:
            running = u.focus.running()
            if running is None:
                raise NoFocusSession()
            state = f.stop(running.state, now)
            u.focus.save(running.id, state, now, score=score, notes=notes)
            finished = u.focus.finished()
            before = f.focus_profile([s for s in finished if s.id != running.id], self._tz, now)
            u.focus.put_profile(f.focus_profile(finished, self._tz, now), now)
            u.commit()
        this = next(s for s in finished if s.id == running.id)
        logger.info("focus session %s stopped (%s)", running.id,
                    "completed" if this.completed else "abandoned")
        return StoppedSession(this, f.insights(this, before))

    def profile(self) -> FocusProfile:
        """The stored profile (recomputed after every session and by the tracker's job)."""
        with self._uow() as u:
            stored = u.focus.profile()
        return stored if stored is not None else FocusProfile()

    def recompute(self) -> FocusProfile:
        """Recompute and store the profile (the tracker's 5-minute job: the time zone or the
        sessions may have changed since)."""
        now = self._clock.now()
        with self._uow(write=True) as u:
            profile = f.focus_profile(u.focus.finished(), self._tz, now)
            u.focus.put_profile(profile, now)
            u.commit()
        return profile
