"""Goals (daily or weekly targets for active time or a category's time, or caps on a distracting
category) and the streak of consecutive days meeting the daily active goal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Mapping

from .categories import Category, format_category
from .days import days, monday
from .summary import DaySummary

ACTIVE = "active"
CATEGORY = "category"
DAY, WEEK = "day", "week"
# Work days as date.weekday() numbers. Daily goals and the streak look at work days only, as
# WakaTime and RescueTime do: a Monday–Friday worker's streak survives the weekend (issue 7, 12).
ALL_DAYS: frozenset[int] = frozenset(range(7))
MONDAY_TO_FRIDAY: frozenset[int] = frozenset(range(5))


@dataclass(frozen=True, slots=True)
class Goal:
    name: str
    metric: str  # "active" (all active time) or "category" (a category and its subcategories)
    period: str  # "day" or "week"
    seconds: float  # the target (at least) or the cap (at most)
    at_most: bool = False
    category: Category | None = None

    def __post_init__(self) -> None:
        if self.metric not in (ACTIVE, CATEGORY):
            raise ValueError(f"goal {self.name!r}: metric must be 'active' or 'category'")
        if self.period not in (DAY, WEEK):
            raise ValueError(f"goal {self.name!r}: period must be 'day' or 'week'")
        if self.metric == CATEGORY and not self.category:
            raise ValueError(f"goal {self.name!r}: a category goal needs a category")
        if self.seconds < 0:
            raise ValueError(f"goal {self.name!r}: the target must not be negative")

    def value(self, day: DaySummary) -> float:
        if self.metric == ACTIVE:
            return day.active
        assert self.category is not None
        name = format_category(self.category)
        prefix = name + " > "
        return sum(s for cat, (s, _) in day.categories.items() if cat == name or cat.startswith(prefix))

    def met(self, seconds: float) -> bool:
        return seconds <= self.seconds if self.at_most else seconds >= self.seconds


@dataclass(frozen=True, slots=True)
class GoalProgress:
    goal: Goal
    seconds: float  # in the period that contains the range's last day, up to that day
    periods: int  # days (or weeks) of the range
    periods_met: int
    average: float = 0.0  # seconds per period over the range

    @property
    def met(self) -> bool:
        return self.goal.met(self.seconds)

    @property
    def percent(self) -> float:
        if self.goal.seconds <= 0:
            return 100.0 if not self.goal.at_most or self.seconds <= 0 else float("inf")
        return self.seconds / self.goal.seconds * 100

    def to_json(self) -> dict[str, object]:
        g = self.goal
        return {
            "name": g.name, "metric": g.metric, "period": g.period,
            "category": format_category(g.category) if g.category else None,
            "direction": "at_most" if g.at_most else "at_least",
            "target_seconds": g.seconds, "seconds": round(self.seconds, 3), "met": self.met,
            "progress_percent": round(self.percent, 1), "periods": self.periods,
            "periods_met": self.periods_met, "average_seconds": round(self.average, 3),
        }


def evaluate(goal: Goal, summaries: Mapping[date, DaySummary], first: date, last: date,
             work_days: frozenset[int] = ALL_DAYS) -> GoalProgress:
    """Progress over [first, last]; weekly goals count whole ISO weeks up to `last`, so the
    summaries must start at the Monday of `first`'s week. Missing days count as empty.
    Daily goals count work days only (`periods` is 0 for a range of days off); `seconds` is
    always the last day's."""
    def value(d: date) -> float:
        s = summaries.get(d)
        return goal.value(s) if s is not None else 0.0

    if goal.period == DAY:
        values = [value(d) for d in days(first, last) if d.weekday() in work_days]
        if not values:
            return GoalProgress(goal, value(last), 0, 0, 0.0)
        return GoalProgress(goal, value(last), len(values), sum(1 for v in values if goal.met(v)),
                            sum(values) / len(values))
    else:
        values = []
        week = monday(first)
        while week <= last:
            end = min(week + timedelta(days=6), last)
            values.append(sum(value(d) for d in days(week, end)))
            week += timedelta(days=7)
    return GoalProgress(goal, values[-1], len(values), sum(1 for v in values if goal.met(v)),
                        sum(values) / len(values))


def streak(active_seconds: Callable[[date], float], end: date, threshold: float,
           today: date | None = None, floor: date | None = None,
           work_days: frozenset[int] = ALL_DAYS) -> int:
    """Consecutive work days up to `end` with at least `threshold` active seconds; days off
    are skipped (they neither break nor extend the streak).

    A day still in progress (`end` == `today`) that has not met the goal yet does not break the
    streak: it is counted from the day before. `floor` is a day known to be before all data.
    """
    if not work_days:
        return 0
    d = end
    if today is not None and end == today and active_seconds(end) < threshold:
        d -= timedelta(days=1)
    count = 0
    while floor is None or d >= floor:
        if d.weekday() in work_days:
            if active_seconds(d) < threshold:
                break
            count += 1
        d -= timedelta(days=1)
    return count
