"""Tasks, time entries and the manual activity log (issue 10): each verb one write unit of
work, checked before anything is written (bad input changes nothing); reads on the lean path.
Returns domain dataclasses; JSON is made at the edges (`task_json`, `entry_json`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Callable, Iterable

from tracker_desktop.domain import tasks as t
from tracker_desktop.domain.clock import Clock
from tracker_desktop.domain.events import MANUAL, Event
from tracker_desktop.domain.tasks import (
    FocusTime,
    TaskAnalytics,
    TaskError,
    Task,
    TimeEntry,
    UnknownEntry,
    UnknownTask,
)

if TYPE_CHECKING:
    from storage.uow import UnitOfWorkFactory

logger = logging.getLogger(__name__)
MAX_LOG_MINUTES = 24 * 60
MAX_ERRORS = 10_000


def _iso(when: datetime | None, tz: tzinfo) -> str | None:
    return None if when is None else when.astimezone(tz).isoformat()


def task_json(task: Task, tz: tzinfo) -> dict[str, Any]:
    return {"id": task.id, "title": task.title, "description": task.description,
            "status": task.status, "priority": task.priority,
            "due": None if task.due is None else task.due.isoformat(), "tags": list(task.tags),
            "estimate_hours": task.estimate_hours, "project": task.project,
            "created": _iso(task.created, tz), "updated": _iso(task.updated, tz),
            "completed": _iso(task.completed, tz)}


def entry_json(entry: TimeEntry, now: datetime, tz: tzinfo) -> dict[str, Any]:
    return {"id": entry.id, "task_id": entry.task_id, "description": entry.description,
            "start": _iso(entry.start, tz), "end": _iso(entry.end, tz),
            "running": entry.running, "paused": entry.paused,
            "seconds": round(entry.duration(now).total_seconds(), 3),
            "paused_seconds": round(entry.paused_time(now).total_seconds(), 3),
            "pauses": [[_iso(p.start, tz), _iso(p.end, tz)] for p in entry.pauses],
            "source": entry.source}


@dataclass(frozen=True, slots=True)
class LogSummary:
    """The manual activity log over a period: its own source in reports."""

    entries: int = 0
    seconds: float = 0.0
    errors: int = 0
    per_title: tuple[tuple[str, float], ...] = ()  # most time first
    per_template: tuple[tuple[str, float], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"entries": self.entries, "seconds": round(self.seconds, 3), "errors": self.errors,
                "titles": [{"name": n, "seconds": round(s, 3)} for n, s in self.per_title],
                "templates": [{"name": n, "seconds": round(s, 3)} for n, s in self.per_template]}


@dataclass(frozen=True, slots=True)
class TaskReport:
    analytics: TaskAnalytics
    log: LogSummary

    def to_json(self) -> dict[str, Any]:
        a = self.analytics
        names = a.titles

        def rows(values: dict[Any, float] | Any) -> list[dict[str, Any]]:
            return [{"name": k, "seconds": round(v, 3)} for k, v in values.items()]

        return {
            "tracked_seconds": round(a.total_seconds, 3),
            "without_task_seconds": round(a.untracked_task_seconds, 3),
            "tasks": [{"id": k, "title": names.get(k, ""), "seconds": round(v, 3)}
                      for k, v in a.per_task.items()],
            "projects": rows(a.per_project), "tags": rows(a.per_tag),
            "estimates": [{"id": e.task_id, "title": e.title, "estimate_hours": e.estimate_hours,
                           "actual_hours": round(e.actual_hours, 3), "pct": round(e.pct, 1)}
                          for e in a.estimations],
            "estimation_pct": None if a.estimation_pct is None else round(a.estimation_pct, 1),
            "done_on_time": a.on_time, "done_late": a.late, "done_without_due": a.done_without_due,
            "avg_completion_hours": None if a.avg_completion_hours is None
            else round(a.avg_completion_hours, 2),
            "done_per_week": dict(a.done_per_week),
            "manual_log": self.log.to_json(),
        }


class TaskService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, tz: tzinfo) -> None:
        self._uow = uow
        self._clock = clock
        self.tz = tz

    # --- tasks ---------------------------------------------------------------------------------

    def add(self, title: str, **fields: Any) -> Task:
        task = t.new_task(title, self._clock.now(), **fields)
        with self._uow(write=True) as u:
            task = replace(task, id=u.tasks.add(task))
            u.commit()
        logger.info("task %s added", task.id)
        return task

    def get(self, task_id: int) -> Task:
        with self._uow() as u:
            task = u.tasks.get(task_id)
        if task is None:
            raise UnknownTask(task_id)
        return task

    def find(self, *, status: str | None = None, search: str | None = None,
             project: str | None = None, tag: str | None = None,
             priority: str | None = None) -> list[Task]:
        """Tasks matching every filter given; archived ones only when asked for by status."""
        if status is not None and status not in t.STATUSES:
            raise TaskError(f"unknown status {status!r}: one of {', '.join(t.STATUSES)}")
        if priority is not None and priority not in t.PRIORITIES:
            raise TaskError(f"unknown priority {priority!r}: one of {', '.join(t.PRIORITIES)}")
        with self._uow() as u:
            tasks = u.tasks.all()
        needle = (search or "").casefold()
        return [x for x in tasks
                if (x.status == status if status else x.status != "archived")
                and (priority is None or x.priority == priority)
                and (project is None or (x.project or "").casefold() == project.casefold())
                and (tag is None or tag.strip().lower() in x.tags)
                and (not needle or needle in x.title.casefold()
                     or needle in x.description.casefold())]

    def edit(self, task_id: int, **changes: Any) -> Task:
        now = self._clock.now()
        with self._uow(write=True) as u:
            task = u.tasks.get(task_id)
            if task is None:
                raise UnknownTask(task_id)
            task = t.edit_task(task, now, **changes)
            u.tasks.update(task)
            u.commit()
        return task

    def done(self, task_id: int) -> Task:
        return self.edit(task_id, status="done")

    def archive(self, task_id: int) -> Task:
        return self.edit(task_id, status="archived")

    def delete(self, task_id: int) -> Task:
        with self._uow(write=True) as u:
            task = u.tasks.get(task_id)
            if task is None:
                raise UnknownTask(task_id)
            running = u.tasks.running_entry()
            if running is not None and running.task_id == task_id:
                raise TaskError(f"the running timer is on task {task_id}: `timer stop` it first")
            u.tasks.delete(task_id)
            u.commit()
        return task

    # --- the timer -----------------------------------------------------------------------------

    def timer_start(self, task_id: int | None = None, description: str = "") -> TimeEntry:
        now = self._clock.now()
        with self._uow(write=True) as u:
            if task_id is not None and u.tasks.get(task_id) is None:
                raise UnknownTask(task_id)
            entry = t.start_timer(now, u.tasks.running_entry(), task_id=task_id,
                                  description=description)
            entry = replace(entry, id=u.tasks.add_entry(entry))
            if task_id is not None:
                task = u.tasks.get(task_id)
                if task is not None and task.status == "todo":
                    u.tasks.update(t.edit_task(task, now, status="in_progress"))
            u.commit()
        return entry

    def _timer(self, act: Callable[[TimeEntry | None, datetime], TimeEntry]) -> TimeEntry:
        now = self._clock.now()
        with self._uow(write=True) as u:
            entry = act(u.tasks.running_entry(), now)
            u.tasks.update_entry(entry)
            u.commit()
        return entry

    def timer_pause(self) -> TimeEntry:
        return self._timer(t.pause_timer)

    def timer_resume(self) -> TimeEntry:
        return self._timer(t.resume_timer)

    def timer_stop(self) -> TimeEntry:
        return self._timer(t.stop_timer)

    def timer_status(self) -> TimeEntry | None:
        with self._uow() as u:
            return u.tasks.running_entry()

    def now(self) -> datetime:
        return self._clock.now()

    # --- entries -------------------------------------------------------------------------------

    def entry_add(self, start: datetime, end: datetime, *, task_id: int | None = None,
                  description: str = "", allow_overlap: bool = False) -> TimeEntry:
        now = self._clock.now()
        entry = TimeEntry(start, end, task_id, description, source="manual")
        with self._uow(write=True) as u:
            if task_id is not None and u.tasks.get(task_id) is None:
                raise UnknownTask(task_id)
            entry = t.check_entry(entry, now, u.tasks.entries(entry.start, end),
                                  allow_overlap=allow_overlap)
            entry = replace(entry, id=u.tasks.add_entry(entry))
            u.commit()
        return entry

    def entries(self, start: datetime | None = None, end: datetime | None = None,
                task_id: int | None = None) -> list[TimeEntry]:
        with self._uow() as u:
            found = u.tasks.entries(start, end)
        return [e for e in found if task_id is None or e.task_id == task_id]

    def entry_edit(self, entry_id: int, *, start: datetime | None = None,
                   end: datetime | None = None, task_id: int | None | t.Unset = t.UNSET,
                   description: str | None = None, allow_overlap: bool = False) -> TimeEntry:
        now = self._clock.now()
        with self._uow(write=True) as u:
            entry = u.tasks.entry(entry_id)
            if entry is None:
                raise UnknownEntry(entry_id)
            if entry.running and (start is not None or end is not None):
                raise TaskError(f"entry {entry_id} is the running timer: stop it before "
                                "changing its times")
            new_task = entry.task_id if isinstance(task_id, t.Unset) else task_id
            if new_task is not None and new_task != entry.task_id and u.tasks.get(new_task) is None:
                raise UnknownTask(new_task)
            changed = replace(entry, start=start or entry.start, end=end or entry.end,
                              description=entry.description if description is None else description,
                              task_id=new_task)
            if not entry.running:
                # Pauses outside the new span are dropped; the others are clipped to it.
                assert changed.end is not None
                pauses = tuple(t.Pause(max(p.start, changed.start), min(p.end or changed.end, changed.end))
                               for p in entry.pauses
                               if p.start < changed.end and (p.end or changed.end) > changed.start)
                changed = t.check_entry(replace(changed, pauses=pauses), now,
                                        u.tasks.entries(changed.start, changed.end),
                                        allow_overlap=allow_overlap)
            u.tasks.update_entry(changed)
            u.commit()
        return changed

    def entry_delete(self, entry_id: int) -> TimeEntry:
        with self._uow(write=True) as u:
            entry = u.tasks.entry(entry_id)
            if entry is None:
                raise UnknownEntry(entry_id)
            u.tasks.delete_entry(entry_id)
            u.commit()
        return entry

    # --- the manual activity log ---------------------------------------------------------------

    def log(self, text: str, minutes: float, *, errors: int = 0, context: str = "",
            template: str | None = None, task_id: int | None = None) -> Event:
        """Log the last `minutes` as a `manual` event: it counts as active time in reports
        (manual entries win over what the collectors saw, even while AFK) and as its own
        source in the report's manual-log section."""
        title = text.strip()
        if not title and template is None:
            raise TaskError("the log entry needs a text (or --template)")
        if len(title) > t.MAX_TEXT or len(context) > t.MAX_TEXT:
            raise TaskError(f"texts are at most {t.MAX_TEXT} characters")
        if not 0 < minutes <= MAX_LOG_MINUTES or minutes != minutes:
            raise TaskError(f"--minutes must be more than 0 and at most {MAX_LOG_MINUTES}")
        if not 0 <= errors <= MAX_ERRORS:
            raise TaskError(f"--errors must be 0 to {MAX_ERRORS}")
        if template is not None and template not in t.TEMPLATES:
            raise TaskError(f"unknown template {template!r}: one of {', '.join(t.TEMPLATES)}")
        now = self._clock.now()
        duration = timedelta(seconds=round(minutes * 60))
        data: dict[str, Any] = {"title": title or template, "errors": errors}
        if template is not None:
            data["template"] = template
            data["category"] = t.TEMPLATE_CATEGORIES[template]
        if context.strip():
            data["context"] = context.strip()
        with self._uow(write=True) as u:
            if task_id is not None:
                if u.tasks.get(task_id) is None:
                    raise UnknownTask(task_id)
                data["task"] = str(task_id)
            event = Event(MANUAL, now - duration, duration, data)
            event = replace(event, id=u.events.add(event))
            u.commit()
        return event

    # --- analytics -----------------------------------------------------------------------------

    def report(self, start: datetime, end: datetime) -> TaskReport:
        now = self._clock.now()
        with self._uow() as u:
            tasks = u.tasks.all()
            entries = u.tasks.entries()
            finished = u.focus.finished()
            running = u.focus.running()
            logs = u.tasks.manual_log(start, end)
        focus = [FocusTime(s.task_id, s.started, s.ended, s.actual.total_seconds())
                 for s in finished if s.task_id]
        if running is not None and running.state.task_id:
            st = running.state
            focus.append(FocusTime(st.task_id, st.started, now, st.actual(now).total_seconds()))
        analytics = t.task_analytics(tasks, entries, focus, start, end, now, self.tz)
        return TaskReport(analytics, _log_summary(logs, start, end))


def _log_summary(logs: Iterable[Any], start: datetime, end: datetime) -> LogSummary:
    titles: dict[str, float] = {}
    templates: dict[str, float] = {}
    n = errors = 0
    total = 0.0
    for e in logs:
        secs = (min(e.end, end) - max(e.start, start)).total_seconds()
        if secs <= 0:
            continue
        n += 1
        total += secs
        name = str(e.data.get("title") or "manual")
        titles[name] = titles.get(name, 0.0) + secs
        tpl = e.data.get("template")
        if isinstance(tpl, str):
            templates[tpl] = templates.get(tpl, 0.0) + secs
        err = e.data.get("errors")
        errors += err if isinstance(err, int) else 0

    def ranked(d: dict[str, float]) -> tuple[tuple[str, float], ...]:
        return tuple(sorted(d.items(), key=lambda kv: (-kv[1], kv[0])))

    return LogSummary(n, total, errors, ranked(titles), ranked(templates))


def parse_due(text: str, today: date) -> date | None:
    """--due: YYYY-MM-DD, today, tomorrow, or "" / none to clear."""
    word = text.strip().lower()
    if word in ("", "none"):
        return None
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise TaskError(f"--due {text!r} is not a date (YYYY-MM-DD, today, tomorrow)") from None
