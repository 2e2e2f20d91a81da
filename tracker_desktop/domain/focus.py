"""Focus sessions (issue 8 part 2): a pure state machine for Pomodoro, Flowtime and a plain
countdown, and what a finished session records. The clock comes in as `now` arguments; timers
and the CLI only call `advance(now)` and the verbs below.

Rules chosen here (documented in the README):
- a session is *completed* when at least one work phase was completed (a Pomodoro or countdown
  work phase that ran to its end; a Flowtime work phase ended by `skip`/`stop` after at least
  `MIN_FLOW_WORK`), else *abandoned*; a skipped Pomodoro work phase is not a cycle;
- every `pause` counts as an interruption (a pause during a break too: the person left the timer);
- a countdown ends by itself when its timer runs out; the session then waits for `stop`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

Mode = Literal["pomodoro", "flowtime", "countdown"]
PhaseKind = Literal["work", "short_break", "long_break"]
MODES: tuple[Mode, ...] = ("pomodoro", "flowtime", "countdown")
MIN_FLOW_WORK = timedelta(minutes=1)
_ZERO = timedelta(0)


class FocusError(ValueError):
    """A verb that does not apply to the session as it is (pause while paused, ...)."""


@dataclass(frozen=True, slots=True)
class FocusPlan:
    """How a session runs: the `[focus]` settings, with `--minutes` applied."""

    mode: Mode = "pomodoro"
    work: timedelta = timedelta(minutes=25)
    short_break: timedelta = timedelta(minutes=5)
    long_break: timedelta = timedelta(minutes=15)
    long_break_every: int = 4
    auto_start_breaks: bool = True
    auto_start_work: bool = False
    flow_break_ratio: float = 0.2
    # The person's estimate of the session's focus time (under/over-estimation in the profile).
    expected: timedelta | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}")
        for name in ("work", "short_break", "long_break"):
            if getattr(self, name) <= _ZERO:
                raise ValueError(f"{name} must be longer than 0")
        if self.long_break_every < 1:
            raise ValueError("long_break_every must be at least 1")
        if not 0 < self.flow_break_ratio <= 1:
            raise ValueError("flow_break_ratio must be in (0, 1]")


@dataclass(frozen=True, slots=True)
class Phase:
    """One phase. `end` None: running. `planned` None: counts up (Flowtime work).
    `paused` is the time spent paused inside [start, end)."""

    kind: PhaseKind
    start: datetime
    planned: timedelta | None
    end: datetime | None = None
    paused: timedelta = _ZERO
    done: bool = False  # ran to its end (or a Flowtime work phase the person ended)

    def active(self, now: datetime) -> timedelta:
        """Time in the phase not spent paused, up to its end (or `now` while it runs)."""
        return max(_ZERO, (self.end or now) - self.start - self.paused)


@dataclass(frozen=True, slots=True)
class Pending:
    """The next phase, waiting for `start_next` (auto-start off) or for the timer."""

    kind: PhaseKind
    planned: timedelta | None


@dataclass(frozen=True, slots=True)
class PhaseChange:
    """What `advance` and the verbs report, for notifications: a phase ended and what follows
    (`started` False: the next one waits for `start_next`; `next` None: the session's timer ran
    out, e.g. a countdown)."""

    at: datetime
    ended: PhaseKind
    next: PhaseKind | None
    started: bool


@dataclass(frozen=True, slots=True)
class FocusState:
    plan: FocusPlan
    started: datetime
    phases: tuple[Phase, ...]  # in order; only the last may be running (end None)
    context: str = ""
    task_id: str | None = None
    pending: Pending | None = None
    paused_at: datetime | None = None
    interruptions: int = 0
    ended: datetime | None = None

    # -- what the session records -------------------------------------------------------------
    @property
    def current(self) -> Phase | None:
        if self.phases and self.phases[-1].end is None:
            return self.phases[-1]
        return None

    @property
    def cycles(self) -> int:
        return sum(1 for p in self.phases if p.kind == "work" and p.done)

    @property
    def completed(self) -> bool:
        return self.cycles > 0

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    def _at(self, now: datetime) -> datetime:
        # Time stands still while paused: a paused phase's active time stops at the pause.
        return self.paused_at or self.ended or now

    def actual(self, now: datetime) -> timedelta:
        """Focus time: the work phases minus their pauses."""
        at = self._at(now)
        return sum((_active(p, at) for p in self.phases if p.kind == "work"), _ZERO)

    def break_time(self, now: datetime) -> timedelta:
        at = self._at(now)
        return sum((_active(p, at) for p in self.phases if p.kind != "work"), _ZERO)

    def remaining(self, now: datetime) -> timedelta | None:
        """Time left in the running phase; None when it counts up or nothing runs."""
        cur = self.current
        if cur is None or cur.planned is None:
            return None
        return max(_ZERO, cur.planned - _active(cur, self._at(now)))

    def expected(self) -> timedelta | None:
        if self.plan.expected is not None:
            return self.plan.expected
        return None if self.plan.mode == "flowtime" else self.plan.work


def _active(phase: Phase, at: datetime) -> timedelta:
    if phase.end is not None:
        return phase.active(phase.end)
    return max(_ZERO, at - phase.start - phase.paused)


def _check_time(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("focus times must be aware datetimes")


def start(plan: FocusPlan, now: datetime, *, context: str = "",
          task_id: str | None = None) -> FocusState:
    """A new session, its first work phase running."""
    _check_time(now)
    planned = None if plan.mode == "flowtime" else plan.work
    return FocusState(plan, now, (Phase("work", now, planned),), context=context, task_id=task_id)


def _running(state: FocusState, verb: str) -> None:
    if state.ended is not None:
        raise FocusError(f"cannot {verb}: the session has ended")


def _after(state: FocusState, ended: Phase) -> Pending | None:
    """The phase that follows `ended` (already in `state.phases`), None when the session's timer
    is done."""
    plan = state.plan
    if ended.kind != "work":
        return Pending("work", None if plan.mode == "flowtime" else plan.work)
    if plan.mode == "countdown":
        return None
    if plan.mode == "flowtime":
        worked = ended.active(ended.end or ended.start)
        return Pending("short_break", max(timedelta(seconds=1), worked * plan.flow_break_ratio))
    if ended.done and state.cycles % plan.long_break_every == 0:
        return Pending("long_break", plan.long_break)
    return Pending("short_break", plan.short_break)


def _close(state: FocusState, at: datetime, *, done: bool) -> tuple[FocusState, PhaseChange]:
    """End the running phase at `at` and begin (or queue) the next one."""
    cur = state.current
    assert cur is not None
    closed = replace(cur, end=at, done=done)
    state = replace(state, phases=state.phases[:-1] + (closed,))
    nxt = _after(state, closed)
    if nxt is None:
        return state, PhaseChange(at, closed.kind, None, False)
    auto = state.plan.auto_start_work if nxt.kind == "work" else state.plan.auto_start_breaks
    if auto:
        state = replace(state, phases=state.phases + (Phase(nxt.kind, at, nxt.planned),))
    else:
        state = replace(state, pending=nxt)
    return state, PhaseChange(at, closed.kind, nxt.kind, auto)


def advance(state: FocusState, now: datetime) -> tuple[FocusState, tuple[PhaseChange, ...]]:
    """Move through every phase whose timer ran out by `now` (what a timer tick calls).
    A paused, waiting or ended session does not move."""
    _check_time(now)
    changes: list[PhaseChange] = []
    while state.ended is None and state.paused_at is None:
        cur = state.current
        if cur is None or cur.planned is None:
            break
        due = cur.start + cur.paused + cur.planned
        if due > now:
            break
        state, change = _close(state, due, done=True)
        changes.append(change)
    return state, tuple(changes)


def pause(state: FocusState, now: datetime) -> FocusState:
    state, _ = advance(state, now)
    _running(state, "pause")
    if state.paused_at is not None:
        raise FocusError("the session is already paused")
    if state.current is None:
        raise FocusError("nothing is running to pause (the next phase waits for `start_next`)")
    return replace(state, paused_at=now, interruptions=state.interruptions + 1)


def resume(state: FocusState, now: datetime) -> FocusState:
    _running(state, "resume")
    if state.paused_at is None:
        raise FocusError("the session is not paused")
    cur = state.current
    assert cur is not None
    gap = max(_ZERO, now - state.paused_at)
    resumed = replace(cur, paused=cur.paused + gap)
    return replace(state, phases=state.phases[:-1] + (resumed,), paused_at=None)


def _unpaused(state: FocusState, now: datetime) -> FocusState:
    return resume(state, now) if state.paused_at is not None else state


def start_next(state: FocusState, now: datetime) -> FocusState:
    """Start the phase waiting for it (auto-start off)."""
    state, _ = advance(state, now)
    _running(state, "start the next phase")
    if state.pending is None:
        raise FocusError("no phase is waiting to start")
    p = state.pending
    return replace(state, pending=None, phases=state.phases + (Phase(p.kind, now, p.planned),))


def skip(state: FocusState, now: datetime) -> tuple[FocusState, tuple[PhaseChange, ...]]:
    """End the current phase now and move to the next; with a phase waiting, skip that one and
    start the one after it. A skipped Pomodoro work phase is no cycle; ending Flowtime work this
    way is how it is meant to end (a cycle if it lasted `MIN_FLOW_WORK`)."""
    state, changes = advance(state, now)
    _running(state, "skip")
    state = _unpaused(state, now)
    cur = state.current
    if cur is not None:
        state, change = _close(state, now, done=_flow_work_done(state, cur, now))
        return state, changes + (change,)
    if state.pending is None:
        raise FocusError("nothing to skip: the timer has run out, `stop` the session")
    skipped = state.pending
    follow = _after(replace(state, pending=None), Phase(skipped.kind, now, skipped.planned, end=now))
    state = replace(state, pending=None)
    if follow is None:
        return state, changes
    state = replace(state, phases=state.phases + (Phase(follow.kind, now, follow.planned),))
    return state, changes + (PhaseChange(now, skipped.kind, follow.kind, True),)


def _flow_work_done(state: FocusState, cur: Phase, now: datetime) -> bool:
    return (state.plan.mode == "flowtime" and cur.kind == "work"
            and _active(cur, now) >= MIN_FLOW_WORK)


def stop(state: FocusState, now: datetime) -> FocusState:
    """End the session now: the running phase ends here (a paused one at `now`, its pause
    counted as paused time)."""
    state, _ = advance(state, now)
    _running(state, "stop")
    state = _unpaused(state, now)
    cur = state.current
    if cur is not None:
        closed = replace(cur, end=now, done=_flow_work_done(state, cur, now))
        state = replace(state, phases=state.phases[:-1] + (closed,))
    return replace(state, pending=None, ended=now)


# -- stored form (JSON-ready; storage keeps it with the session row) ------------------------------

def _td(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def _from_td(value: Any) -> timedelta | None:
    return None if value is None else timedelta(seconds=float(value))


def _dt(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(timezone.utc).isoformat()


def _from_dt(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def state_to_dict(state: FocusState) -> dict[str, Any]:
    p = state.plan
    return {
        "v": 1,
        "plan": {"mode": p.mode, "work": _td(p.work), "short_break": _td(p.short_break),
                 "long_break": _td(p.long_break), "long_break_every": p.long_break_every,
                 "auto_start_breaks": p.auto_start_breaks, "auto_start_work": p.auto_start_work,
                 "flow_break_ratio": p.flow_break_ratio, "expected": _td(p.expected)},
        "started": _dt(state.started),
        "phases": [{"kind": ph.kind, "start": _dt(ph.start), "planned": _td(ph.planned),
                    "end": _dt(ph.end), "paused": _td(ph.paused), "done": ph.done}
                   for ph in state.phases],
        "context": state.context, "task_id": state.task_id,
        "pending": None if state.pending is None else {
            "kind": state.pending.kind, "planned": _td(state.pending.planned)},
        "paused_at": _dt(state.paused_at), "interruptions": state.interruptions,
        "ended": _dt(state.ended),
    }


def state_from_dict(d: dict[str, Any]) -> FocusState:
    p = d["plan"]
    plan = FocusPlan(p["mode"], timedelta(seconds=p["work"]), timedelta(seconds=p["short_break"]),
                     timedelta(seconds=p["long_break"]), int(p["long_break_every"]),
                     bool(p["auto_start_breaks"]), bool(p["auto_start_work"]),
                     float(p["flow_break_ratio"]), _from_td(p["expected"]))
    phases = tuple(Phase(ph["kind"], datetime.fromisoformat(ph["start"]), _from_td(ph["planned"]),
                         _from_dt(ph["end"]), timedelta(seconds=ph["paused"]), bool(ph["done"]))
                   for ph in d["phases"])
    pend = d["pending"]
    return FocusState(plan, datetime.fromisoformat(d["started"]), phases, d["context"],
                      d["task_id"],
                      None if pend is None else Pending(pend["kind"], _from_td(pend["planned"])),
                      _from_dt(d["paused_at"]), int(d["interruptions"]), _from_dt(d["ended"]))


# -- finished sessions, the profile and insights --------------------------------------------------

@dataclass(frozen=True, slots=True)
class FinishedSession:
    """What a stopped session records (seed 002's `focus_sessions`)."""

    started: datetime
    ended: datetime
    mode: Mode
    expected: timedelta | None
    actual: timedelta
    break_time: timedelta
    cycles: int
    interruptions: int
    completed: bool
    context: str = ""
    task_id: str | None = None
    score: int | None = None
    notes: str = ""
    id: int | None = None


def finish(state: FocusState, *, score: int | None = None, notes: str = "",
           session_id: int | None = None) -> FinishedSession:
    """The record of a stopped session; `score` is the person's rating, 1-5."""
    if state.ended is None:
        raise FocusError("the session is still running: stop it first")
    if score is not None and not 1 <= score <= 5:
        raise FocusError(f"a focus score is 1 to 5, not {score}")
    end = state.ended
    return FinishedSession(state.started, end, state.plan.mode, state.expected(),
                           state.actual(end), state.break_time(end), state.cycles,
                           state.interruptions, state.completed, state.context, state.task_id,
                           score, notes, session_id)


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PEAKS = 3


@dataclass(frozen=True, slots=True)
class FocusProfile:
    """Seed 002's `user_focus_profiles`, over finished sessions. Minutes are floats.
    `estimation_pct`: how much longer (positive: underestimated) or shorter the focus time was
    than expected, averaged over sessions with an estimate; None without any."""

    sessions: int = 0
    completed: int = 0
    avg_focus_minutes: float = 0.0
    avg_break_minutes: float = 0.0
    avg_interruptions: float = 0.0
    completion_ratio: float = 0.0
    estimation_pct: float | None = None
    avg_score: float | None = None
    peak_hours: tuple[int, ...] = ()
    peak_days: tuple[str, ...] = ()
    focus_by_hour: tuple[tuple[int, float], ...] = field(default=())  # (local hour, minutes)
    computed: datetime | None = None


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def _hour_minutes(session: FinishedSession, tz: Any) -> dict[int, float]:
    """The session's focus minutes spread evenly over the local hours from its start to its end
    (a finished session keeps no phases, so pauses and breaks are spread too)."""
    start, end = session.started.astimezone(tz), session.ended.astimezone(tz)
    total = (end - start).total_seconds()
    focus = _minutes(session.actual)
    if total <= 0:
        return {start.hour: focus}
    out: dict[int, float] = {}
    t = start
    while t < end:
        nxt = min(end, t.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))
        out[t.hour] = out.get(t.hour, 0.0) + focus * (nxt - t).total_seconds() / total
        t = nxt
    return out


def _top(weights: dict[Any, float]) -> tuple[Any, ...]:
    ranked = sorted((k for k, w in weights.items() if w > 0), key=lambda k: (-weights[k], k))
    return tuple(ranked[:PEAKS])


def focus_profile(sessions: list[FinishedSession], tz: Any, now: datetime) -> FocusProfile:
    """Averages and peaks over finished sessions; `tz` (a tzinfo) gives local hours and days."""
    if not sessions:
        return FocusProfile(computed=now)
    n = len(sessions)
    by_hour: dict[int, float] = {}
    by_day: dict[str, float] = {}
    for s in sessions:
        for hour, minutes in _hour_minutes(s, tz).items():
            by_hour[hour] = by_hour.get(hour, 0.0) + minutes
        day = WEEKDAYS[s.started.astimezone(tz).weekday()]
        by_day[day] = by_day.get(day, 0.0) + _minutes(s.actual)
    estimates = [(s.actual / s.expected - 1) * 100 for s in sessions
                 if s.expected is not None and s.expected > _ZERO]
    scores = [s.score for s in sessions if s.score is not None]
    completed = sum(1 for s in sessions if s.completed)
    return FocusProfile(
        sessions=n, completed=completed,
        avg_focus_minutes=sum(_minutes(s.actual) for s in sessions) / n,
        avg_break_minutes=sum(_minutes(s.break_time) for s in sessions) / n,
        avg_interruptions=sum(s.interruptions for s in sessions) / n,
        completion_ratio=completed / n,
        estimation_pct=sum(estimates) / len(estimates) if estimates else None,
        avg_score=sum(scores) / len(scores) if scores else None,
        peak_hours=_top(by_hour), peak_days=_top(by_day),
        focus_by_hour=tuple(sorted(by_hour.items())), computed=now)


def insights(session: FinishedSession, others: FocusProfile) -> tuple[str, ...]:
    """Short remarks on a session against the profile of the sessions before it."""
    minutes = _minutes(session.actual)
    out: list[str] = []
    if others.sessions and others.avg_focus_minutes > 0:
        pct = round((minutes / others.avg_focus_minutes - 1) * 100)
        if pct == 0:
            out.append(f"{minutes:.0f} min, as long as your average")
        else:
            word = "longer" if pct > 0 else "shorter"
            out.append(f"{minutes:.0f} min, {abs(pct)} % {word} than your average")
    else:
        out.append(f"{minutes:.0f} min of focus")
    if session.interruptions == 0 and session.actual > _ZERO:
        out.append("no interruptions")
    elif others.sessions and session.interruptions < others.avg_interruptions:
        out.append(f"{session.interruptions} interruption(s), fewer than usual")
    if session.expected is not None and session.expected > _ZERO:
        pct = round((session.actual / session.expected - 1) * 100)
        if pct:
            out.append(f"{abs(pct)} % {'over' if pct > 0 else 'under'} your estimate")
    if session.score is not None and session.score >= 4:
        out.append(f"rated {session.score}/5: keep it up")
    return tuple(out)
