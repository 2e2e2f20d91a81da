"""Tasks and time entries (issue 10; seed 004's task and time-entry services): validation, the
timer with its pauses, the overlap rules of entries, and the analytics over them. Pure: every
function takes the time it needs and returns new values."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Iterable, Mapping, Sequence

from .events import require_utc

STATUSES = ("todo", "in_progress", "done", "archived")
PRIORITIES = ("low", "medium", "high", "urgent")
# Seed 003's quick-add templates for the manual activity log.
TEMPLATES = ("coding", "debugging", "learning", "meeting")
# The category a log entry made from a template counts under (default rule set's names).
TEMPLATE_CATEGORIES = {"coding": "Work > Programming", "debugging": "Work > Programming",
                       "learning": "Learning", "meeting": "Comms > Meetings"}
MAX_TITLE = 200
MAX_TEXT = 2000  # as every text the tracker stores (domain/events.py)
MAX_TAGS = 32
MAX_TAG = 64
MAX_PROJECT = 128
MAX_ESTIMATE_HOURS = 10_000.0
MAX_ENTRY = timedelta(days=7)  # one time entry; a longer one is a forgotten timer
ZERO = timedelta(0)


class TaskError(ValueError):
    """Bad input for a task or a time entry; each edge maps it (the CLI: exit 2)."""


class UnknownTask(TaskError):
    def __init__(self, task_id: object) -> None:
        super().__init__(f"no task with id {task_id}")


class UnknownEntry(TaskError):
    def __init__(self, entry_id: object) -> None:
        super().__init__(f"no time entry with id {entry_id}")


class TimerRunning(TaskError):
    def __init__(self, entry_id: int) -> None:
        super().__init__(f"a timer is already running (entry {entry_id}): `timer stop` it first")


class NoTimer(TaskError):
    def __init__(self) -> None:
        super().__init__("no timer is running: start one with `timer start`")


class Overlap(TaskError):
    def __init__(self, other: int) -> None:
        super().__init__(f"the entry overlaps time entry {other} (pass --allow-overlap to keep both)")


@dataclass(frozen=True, slots=True)
class Task:
    title: str
    created: datetime
    updated: datetime
    description: str = ""
    status: str = "todo"
    priority: str = "medium"
    due: date | None = None
    tags: tuple[str, ...] = ()
    estimate_hours: float | None = None
    project: str | None = None
    completed: datetime | None = None  # when it was last marked done
    id: int | None = None


def _text(value: str, what: str, limit: int, *, blank_ok: bool = True) -> str:
    value = value.strip()
    if not value and not blank_ok:
        raise TaskError(f"{what} must not be blank")
    if len(value) > limit:
        raise TaskError(f"{what} is longer than {limit} characters")
    return value


def _choice(value: str, what: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise TaskError(f"unknown {what} {value!r}: one of {', '.join(choices)}")
    return value


def check_tags(tags: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for t in tags:
        t = t.strip().lower()
        if not t:
            continue
        if len(t) > MAX_TAG or "," in t:
            raise TaskError(f"tag {t[:20]!r} is longer than {MAX_TAG} characters or has a comma")
        if t not in out:
            out.append(t)
    if len(out) > MAX_TAGS:
        raise TaskError(f"at most {MAX_TAGS} tags")
    return tuple(out)


def check_estimate(hours: float | None) -> float | None:
    if hours is None:
        return None
    if not 0 < hours <= MAX_ESTIMATE_HOURS or hours != hours:
        raise TaskError(f"the estimate must be more than 0 and at most {MAX_ESTIMATE_HOURS:g} hours")
    return float(hours)


class Unset(enum.Enum):
    """An optional field not given (None clears it)."""

    UNSET = 0


UNSET = Unset.UNSET


def new_task(title: str, now: datetime, *, description: str = "", priority: str = "medium",
             due: date | None = None, tags: Iterable[str] = (), estimate_hours: float | None = None,
             project: str | None = None, status: str = "todo") -> Task:
    now = require_utc(now)
    task = Task(_text(title, "the title", MAX_TITLE, blank_ok=False), now, now)
    return edit_task(task, now, description=description, priority=priority, due=due, tags=tags,
                     estimate_hours=estimate_hours, project=project, status=status)


def edit_task(task: Task, now: datetime, *, title: str | None = None,
              description: str | None = None, status: str | None = None,
              priority: str | None = None, due: date | None | Unset = UNSET,
              tags: Iterable[str] | None = None, estimate_hours: float | None | Unset = UNSET,
              project: str | None | Unset = UNSET) -> Task:
    """`task` with the given fields changed and validated (None: unchanged; for the optional
    fields `due`, `estimate_hours` and `project`, None clears them)."""
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = _text(title, "the title", MAX_TITLE, blank_ok=False)
    if description is not None:
        changes["description"] = _text(description, "the description", MAX_TEXT)
    if priority is not None:
        changes["priority"] = _choice(priority, "priority", PRIORITIES)
    if not isinstance(due, Unset):
        changes["due"] = due
    if tags is not None:
        changes["tags"] = check_tags(tags)
    if not isinstance(estimate_hours, Unset):
        changes["estimate_hours"] = check_estimate(estimate_hours)
    if not isinstance(project, Unset):
        name = _text(project or "", "the project", MAX_PROJECT)
        changes["project"] = name or None
    if status is not None:
        _choice(status, "status", STATUSES)
        changes["status"] = status
        if status == "done" and task.status != "done":
            changes["completed"] = require_utc(now)
        elif status in ("todo", "in_progress"):
            changes["completed"] = None
    return replace(task, updated=require_utc(now), **changes)


@dataclass(frozen=True, slots=True)
class Pause:
    start: datetime
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class TimeEntry:
    """Time on a task (or on a description alone). Running while `end` is None; the duration
    excludes the pauses."""

    start: datetime
    end: datetime | None = None
    task_id: int | None = None
    description: str = ""
    pauses: tuple[Pause, ...] = ()
    source: str = "timer"  # "timer" or "manual"
    id: int | None = None

    @property
    def running(self) -> bool:
        return self.end is None

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].end is None

    def paused_time(self, now: datetime) -> timedelta:
        until = self.end or now
        return sum(((p.end or until) - p.start for p in self.pauses), ZERO)

    def duration(self, now: datetime) -> timedelta:
        return max(ZERO, (self.end or now) - self.start - self.paused_time(now))

    def worked(self, now: datetime) -> list[tuple[datetime, datetime]]:
        """The spans worked: start to end minus the pauses."""
        end = self.end or now
        out: list[tuple[datetime, datetime]] = []
        at = self.start
        for p in self.pauses:
            if p.start > at:
                out.append((at, p.start))
            at = max(at, p.end or end)
        if end > at:
            out.append((at, end))
        return out


def start_timer(now: datetime, running: TimeEntry | None, *, task_id: int | None = None,
                description: str = "") -> TimeEntry:
    if running is not None:
        raise TimerRunning(running.id or 0)
    desc = _text(description, "the description", MAX_TEXT)
    if task_id is None and not desc:
        raise TaskError("a timer needs a task id or a --description")
    return TimeEntry(require_utc(now), task_id=task_id, description=desc)


def _live(entry: TimeEntry | None) -> TimeEntry:
    if entry is None or entry.end is not None:
        raise NoTimer()
    return entry


def pause_timer(entry: TimeEntry | None, now: datetime) -> TimeEntry:
    e = _live(entry)
    if e.paused:
        raise TaskError("the timer is already paused")
    return replace(e, pauses=(*e.pauses, Pause(max(require_utc(now), e.start))))


def resume_timer(entry: TimeEntry | None, now: datetime) -> TimeEntry:
    e = _live(entry)
    if not e.paused:
        raise TaskError("the timer is not paused")
    last = e.pauses[-1]
    return replace(e, pauses=(*e.pauses[:-1], Pause(last.start, max(require_utc(now), last.start))))


def stop_timer(entry: TimeEntry | None, now: datetime) -> TimeEntry:
    e = _live(entry)
    now = max(require_utc(now), e.start)
    pauses = e.pauses
    if e.paused:  # a paused timer stops where it was paused
        pauses = (*pauses[:-1], Pause(pauses[-1].start, now))
    return replace(e, end=now, pauses=pauses)


def check_entry(entry: TimeEntry, now: datetime, others: Iterable[TimeEntry], *,
                allow_overlap: bool = False) -> TimeEntry:
    """A manual entry (or an edit) as it may be stored: end after start, no end in the future,
    not longer than a week, and (unless allowed) overlapping no other entry."""
    start = require_utc(entry.start)
    if entry.end is None:
        raise TaskError("a manual entry needs an end")
    end = require_utc(entry.end)
    if end <= start:
        raise TaskError(f"the end {end.isoformat()} is not after the start {start.isoformat()}")
    if end > require_utc(now):
        raise TaskError(f"the end {end.isoformat()} is in the future")
    if end - start > MAX_ENTRY:
        raise TaskError("an entry may be at most 7 days long")
    desc = _text(entry.description, "the description", MAX_TEXT)
    if not allow_overlap:
        for o in others:
            if o.id is not None and o.id == entry.id:
                continue
            if o.start < end and start < (o.end or now):
                raise Overlap(o.id or 0)
    return replace(entry, start=start, end=end, description=desc)


# --- analytics ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FocusTime:
    """A finished focus session's time on a task (focus sessions name tasks by string id)."""

    task_id: str | None
    start: datetime
    end: datetime
    seconds: float


@dataclass(frozen=True, slots=True)
class Estimation:
    task_id: int
    title: str
    estimate_hours: float
    actual_hours: float

    @property
    def pct(self) -> float:
        """How much longer (positive) or shorter (negative) than estimated, in percent."""
        return (self.actual_hours - self.estimate_hours) / self.estimate_hours * 100


@dataclass(frozen=True, slots=True)
class TaskAnalytics:
    per_task: Mapping[int, float] = field(default_factory=dict)  # task id: seconds
    untracked_task_seconds: float = 0.0  # entries without a task (their description only)
    per_project: Mapping[str, float] = field(default_factory=dict)
    per_tag: Mapping[str, float] = field(default_factory=dict)
    estimations: tuple[Estimation, ...] = ()
    on_time: int = 0
    late: int = 0
    done_without_due: int = 0
    avg_completion_hours: float | None = None  # created → done, over tasks done in the period
    done_per_week: Mapping[str, int] = field(default_factory=dict)  # "2026-W02": n
    titles: Mapping[int, str] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.per_task.values()) + self.untracked_task_seconds

    @property
    def estimation_pct(self) -> float | None:
        """Over all estimated tasks: total actual vs total estimate (positive: under-estimated)."""
        est = sum(e.estimate_hours for e in self.estimations)
        if not est:
            return None
        return (sum(e.actual_hours for e in self.estimations) - est) / est * 100


def _clip(a: datetime, b: datetime, start: datetime, end: datetime) -> float:
    lo, hi = max(a, start), min(b, end)
    return (hi - lo).total_seconds() if hi > lo else 0.0


def task_analytics(tasks: Sequence[Task], entries: Sequence[TimeEntry],
                   focus: Sequence[FocusTime], start: datetime, end: datetime, now: datetime,
                   tz: tzinfo) -> TaskAnalytics:
    """Time per task, project and tag over [start, end) (entries minus pauses, and focus
    sessions on a task: a focus session's time that an entry on the same task already covers is
    not counted twice); estimated vs actual (all time on a task, whatever the period) for tasks
    with an estimate that are done or had time in the period; done on time vs late, average
    completion time and tasks done per ISO week, over tasks completed in the period."""
    by_id = {t.id: t for t in tasks if t.id is not None}
    in_period: dict[int, float] = {}
    all_time: dict[int, float] = {}
    untracked = 0.0
    covered: dict[int, list[tuple[datetime, datetime]]] = {}
    for e in entries:
        for a, b in e.worked(now):
            secs = _clip(a, b, start, end)
            if e.task_id is None or e.task_id not in by_id:
                untracked += secs
                continue
            in_period[e.task_id] = in_period.get(e.task_id, 0.0) + secs
            all_time[e.task_id] = all_time.get(e.task_id, 0.0) + (b - a).total_seconds()
            covered.setdefault(e.task_id, []).append((a, b))
    for s in focus:
        tid = _int_id(s.task_id)
        if tid is None or tid not in by_id:
            continue
        # Only the part of the session no entry on the task covers (a timer and a focus
        # session on the same task at once are one stretch of work).
        overlap = sum(_clip(a, b, s.start, s.end) for a, b in covered.get(tid, ()))
        span = (s.end - s.start).total_seconds()
        share = s.seconds / span if span > 0 else 0.0
        extra = max(0.0, s.seconds - overlap * share)
        if extra <= 0:
            continue
        all_time[tid] = all_time.get(tid, 0.0) + extra
        secs = _clip(s.start, s.end, start, end) * share
        secs = max(0.0, min(extra, secs))
        if secs > 0:
            in_period[tid] = in_period.get(tid, 0.0) + secs
    per_project: dict[str, float] = {}
    per_tag: dict[str, float] = {}
    for tid, secs in in_period.items():
        t = by_id[tid]
        if t.project:
            per_project[t.project] = per_project.get(t.project, 0.0) + secs
        for tag in t.tags:
            per_tag[tag] = per_tag.get(tag, 0.0) + secs
    done = [t for t in tasks if t.completed is not None and start <= t.completed < end]
    estimations = tuple(
        Estimation(t.id, t.title, t.estimate_hours, all_time.get(t.id, 0.0) / 3600)
        for t in sorted(tasks, key=lambda t: t.id or 0)
        if t.id is not None and t.estimate_hours
        and (t in done or in_period.get(t.id, 0.0) > 0))
    on_time = late = no_due = 0
    weeks: dict[str, int] = {}
    hours: list[float] = []
    for t in done:
        assert t.completed is not None
        local = t.completed.astimezone(tz).date()
        if t.due is None:
            no_due += 1
        elif local <= t.due:
            on_time += 1
        else:
            late += 1
        y, w, _ = local.isocalendar()
        key = f"{y}-W{w:02d}"
        weeks[key] = weeks.get(key, 0) + 1
        hours.append((t.completed - t.created).total_seconds() / 3600)
    return TaskAnalytics(
        per_task=dict(sorted(in_period.items(), key=lambda kv: (-kv[1], kv[0]))),
        untracked_task_seconds=untracked,
        per_project=dict(sorted(per_project.items(), key=lambda kv: (-kv[1], kv[0]))),
        per_tag=dict(sorted(per_tag.items(), key=lambda kv: (-kv[1], kv[0]))),
        estimations=estimations, on_time=on_time, late=late, done_without_due=no_due,
        avg_completion_hours=sum(hours) / len(hours) if hours else None,
        done_per_week=dict(sorted(weeks.items())),
        titles={tid: by_id[tid].title for tid in by_id})


def _int_id(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip().lstrip("#")
    return int(value) if value.isdigit() else None


def cut_entry(entry: TimeEntry, start: datetime, end: datetime) -> tuple[TimeEntry, ...]:
    """What is left of a finished entry once [start, end) is deleted: itself if it does not
    overlap, nothing if inside, else the part before and/or the part after (pauses clipped to
    each; the part after is a new entry: id None)."""
    if entry.end is None:
        raise TaskError(f"entry {entry.id} is the running timer: stop it first")
    if entry.end <= start or entry.start >= end:
        return (entry,)
    out: list[TimeEntry] = []
    for a, b, keep_id in ((entry.start, start, True), (end, entry.end, False)):
        if b > a:
            pauses = tuple(Pause(max(p.start, a), min(p.end or b, b)) for p in entry.pauses
                           if p.start < b and (p.end or b) > a)
            out.append(replace(entry, start=a, end=b, pauses=pauses,
                               id=entry.id if keep_id or not out else None))
    return tuple(out)
