"""The idle-return question (issue 8 item 3, Super Productivity's idle dialog): coming back from
a long absence while a focus session or a task timer ran, what was the away time?

Pure decisions: whether to ask, and how an answer splits the away span into what gets recorded.
Rules chosen here (documented in the README):
- asked only when a timer ran (a focus session, unless `during_focus` is off; a task timer
  always) and the absence lasted at least `threshold`;
- the away span runs from the absence's start to the moment the person answers: the question
  counts on live while it is open, as Super Productivity's does;
- work is recorded as a `manual` event (manual entries count as active time, also while AFK),
  named after the task when one is given; a break and "not tracked" record no event: the AFK
  record already shows the span as time away, which is what reports count as idle or break;
- a split puts the work first, then the break (the order is not known, the minutes are).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from .events import MANUAL, Event

AwayKind = Literal["break", "work", "split", "untracked"]
AWAY_KINDS: tuple[AwayKind, ...] = ("break", "work", "split", "untracked")
MAX_TASK = 128
_ZERO = timedelta(0)


class AwayError(ValueError):
    """An answer that does not fit the away time (a split longer than the absence...)."""


@dataclass(frozen=True, slots=True)
class IdlePolicy:
    threshold: timedelta = timedelta(minutes=5)  # zero: never ask
    during_focus: bool = True


def should_ask(policy: IdlePolicy, away: timedelta, *, focus_running: bool,
               task_running: bool = False) -> bool:
    """Ask about `away` (the absence's length) now that the person is back?"""
    if policy.threshold <= _ZERO or away < policy.threshold:
        return False
    return task_running or (focus_running and policy.during_focus)


@dataclass(frozen=True, slots=True)
class AwayAnswer:
    kind: AwayKind
    task: str = ""  # work: the task (an id or free text); empty: no task
    work_minutes: float = 0.0  # split: the part that was work


@dataclass(frozen=True, slots=True)
class Allocation:
    kind: Literal["work", "break"]
    start: datetime
    end: datetime
    task: str = ""

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


def allocate(answer: AwayAnswer, start: datetime, end: datetime) -> tuple[Allocation, ...]:
    """The away span [start, end) as the answer tells it."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("away times must be aware datetimes")
    if end < start:
        raise AwayError("the away time ends before it starts")
    if answer.kind not in AWAY_KINDS:
        raise AwayError(f"unknown answer {answer.kind!r}")
    task = answer.task.strip()
    if len(task) > MAX_TASK:
        raise AwayError(f"a task is at most {MAX_TASK} characters")
    if answer.kind == "untracked" or end == start:
        return ()
    if answer.kind == "break":
        return (Allocation("break", start, end),)
    if answer.kind == "work":
        return (Allocation("work", start, end, task),)
    work = timedelta(minutes=answer.work_minutes)
    total = end - start
    if not _ZERO <= work <= total:
        raise AwayError(f"the work part must be 0 to {total.total_seconds() / 60:.0f} minutes")
    parts = (Allocation("work", start, start + work, task),
             Allocation("break", start + work, end))
    return tuple(p for p in parts if p.duration > _ZERO)


def manual_events(allocations: tuple[Allocation, ...]) -> tuple[Event, ...]:
    """What gets stored: a `manual` event for each work part (breaks are the AFK record's)."""
    out = []
    for a in allocations:
        if a.kind != "work":
            continue
        data: dict[str, str] = {"title": a.task or "Work while away", "away": "work"}
        if a.task:
            data["task"] = a.task
        out.append(Event(MANUAL, a.start, a.duration, data))
    return tuple(out)
