"""Reports for a day, ISO week, month or any range of days, read from per-day rollups.

The report is the sum of its days' rollups plus what needs more than the range: best hours (the
30 days up to the range end), the streak (days up to the range end meeting the daily active goal)
and weekly goals (whole ISO weeks). Only days not rolled up yet are computed from raw events.
`ReportService.report` returns a typed `Report` (real datetimes and dates); JSON is made only at
the edge, by `Report.to_json()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Mapping

from tracker_desktop.domain.days import Period, days, monday
from tracker_desktop.domain.goals import GoalProgress, evaluate, streak
from tracker_desktop.domain.summary import (
    DaySummary,
    Totals,
    best_hours,
    category_tree,
    ranked,
)

from .rollups import Progress, RollupService

BEST_HOURS_DAYS = 30
# Periods up to this many days list their blocks; longer ones only on request (a year of blocks is
# thousands of entries nobody reads in a range report, and was most of its time and size).
BLOCK_DAYS = 7
LEVEL_NAMES = {2: "very_productive", 1: "productive", 0: "neutral", -1: "distracting",
               -2: "very_distracting"}


def _r(x: float) -> float:
    return round(x, 3)


def _score(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


@dataclass(frozen=True, slots=True)
class NamedTime:
    """Time spent on one app, site, project, language or file."""

    name: str
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "seconds": self.seconds}


@dataclass(frozen=True, slots=True)
class AppTime:
    """Time spent in one app, with its window titles that had the most of it."""

    name: str
    seconds: float
    # Most first. Over several days a title's time is exact when it was among its app's top titles
    # every day (summary.MAX_TITLES_PER_APP_PER_DAY); the tail can be low. The app's seconds
    # minus these is the time in other titles (or in none).
    titles: tuple[NamedTime, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "seconds": self.seconds,
                "titles": [t.to_json() for t in self.titles]}


@dataclass(frozen=True, slots=True)
class CategoryTime:
    name: str
    seconds: float
    score: float | None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "seconds": self.seconds, "score": self.score}


@dataclass(frozen=True, slots=True)
class ReportBlock:
    kind: str  # active, idle or break
    start: datetime  # in the report's time zone
    end: datetime
    seconds: float  # the span
    active_seconds: float  # measured active time inside (a span may include short gaps)
    score: float | None
    category: str | None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "seconds": self.seconds, "active_seconds": self.active_seconds,
                "score": self.score, "category": self.category}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "ReportBlock":
        return cls(d["kind"], datetime.fromisoformat(d["start"]), datetime.fromisoformat(d["end"]),
                   d["seconds"], d.get("active_seconds", 0.0), d.get("score"), d.get("category"))


@dataclass(frozen=True, slots=True)
class Focus:
    seconds: float
    start: datetime
    end: datetime

    def to_json(self) -> dict[str, Any]:
        return {"seconds": self.seconds, "start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True, slots=True)
class HourTime:
    hour: int  # local clock hour, 0–23
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"hour": self.hour, "seconds": self.seconds}


@dataclass(frozen=True, slots=True)
class DayLine:
    """One day of a range: the per-day series every report has, whatever its length."""

    day: date
    active_seconds: float
    idle_seconds: float
    productivity_score: float | None

    def to_json(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "active_seconds": self.active_seconds,
                "idle_seconds": self.idle_seconds, "productivity_score": self.productivity_score}


@dataclass(frozen=True, slots=True)
class Report:
    """A period's report as every surface gets it; `to_json()` is the `report --json` form."""

    period: str
    start: datetime  # the period's bounds in its time zone
    end: datetime
    first_day: date
    last_day: date
    days: int
    timezone: str
    day_start_hour: int
    active_seconds: float
    idle_seconds: float
    break_seconds: float
    idle_percent: float
    productivity_score: float | None
    productivity: Mapping[str, float]  # seconds per level name, very_productive first
    categories: tuple[CategoryTime, ...]  # most time first
    category_tree: tuple[CategoryTime, ...]  # every category and its parents, by name
    apps: tuple[AppTime, ...]  # each with its top window titles
    domains: tuple[NamedTime, ...]
    projects: tuple[NamedTime, ...]
    languages: tuple[NamedTime, ...]
    files: tuple[NamedTime, ...]
    keystrokes: int
    clicks: int
    input: Mapping[str, int]
    editor: Mapping[str, int]
    context_switches: int  # window (or tab) switches
    app_switches: int  # app or site changes
    longest_focus: Focus | None
    hourly: tuple[float, ...]  # active seconds per local clock hour over the period
    best_hours: tuple[HourTime, ...]  # over the 30 days up to the last day
    streak_days: int
    goals: tuple[GoalProgress, ...]
    daily: tuple[DayLine, ...]
    blocks: tuple[ReportBlock, ...]  # empty unless blocks_included
    blocks_included: bool
    today: date  # the local day the report was made on ("today" means this day, nothing else)
    device: str | None = None  # the one device reported on; None: every device

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period, "start": self.start.isoformat(), "end": self.end.isoformat(),
            "first_day": self.first_day.isoformat(), "last_day": self.last_day.isoformat(),
            "days": self.days, "timezone": self.timezone, "day_start_hour": self.day_start_hour,
            "active_seconds": self.active_seconds, "idle_seconds": self.idle_seconds,
            "break_seconds": self.break_seconds, "idle_percent": self.idle_percent,
            "productivity_score": self.productivity_score, "productivity": dict(self.productivity),
            "categories": [c.to_json() for c in self.categories],
            "category_tree": [c.to_json() for c in self.category_tree],
            "apps": [n.to_json() for n in self.apps],
            "domains": [n.to_json() for n in self.domains],
            "projects": [n.to_json() for n in self.projects],
            "languages": [n.to_json() for n in self.languages],
            "files": [n.to_json() for n in self.files],
            "keystrokes": self.keystrokes, "clicks": self.clicks,
            "input": dict(self.input), "editor": dict(self.editor),
            "context_switches": self.context_switches, "app_switches": self.app_switches,
            "longest_focus": None if self.longest_focus is None else self.longest_focus.to_json(),
            "hourly": list(self.hourly),
            "best_hours": [h.to_json() for h in self.best_hours],
            "streak_days": self.streak_days,
            "goals": [g.to_json() for g in self.goals],
            "daily": [d.to_json() for d in self.daily],
            "blocks": [b.to_json() for b in self.blocks],
            "blocks_included": self.blocks_included,
            "today": self.today.isoformat(),
            "device": self.device,
        }


def _names(values: dict[str, float], limit: int | None) -> tuple[NamedTime, ...]:
    return tuple(NamedTime(n, _r(s)) for n, s in ranked(values, limit))


def _apps(totals: Totals, limit: int | None, titles: int | None) -> tuple[AppTime, ...]:
    return tuple(AppTime(n, _r(s), _names(totals.titles.get(n, {}), titles))
                 for n, s in ranked(totals.apps, limit))


def _category(name: str, secs: float, pts: float) -> CategoryTime:
    return CategoryTime(name, _r(secs), _score(pts / (secs * 4) * 100 if secs else None))


@dataclass
class ReportService:
    rollups: RollupService
    top: int | None = 50  # longest lists (apps, domains, files...) are cut to this many names
    titles: int | None = 10  # window titles listed per app

    def report(self, period: Period, progress: Progress | None = None, *,
               blocks: bool | None = None) -> Report:
        """The report of `period`; its blocks are listed when `blocks` is true, or by default
        when the period is at most BLOCK_DAYS long."""
        setup = self.rollups.setup
        first, last = period.first, period.last
        with_blocks = period.days <= BLOCK_DAYS if blocks is None else blocks
        # One device's report computes every day from raw events (rollups hold the all-devices
        # view): its best hours and streak look at the period alone, not 30 days and the whole
        # history before it, so a day costs a day.
        narrow = setup.config.activity.device is not None
        context_first = first if narrow else min(monday(first),
                                                 last - timedelta(days=BEST_HOURS_DAYS - 1))
        rolled = self.rollups.read(context_first, last, blocks=with_blocks, progress=progress)
        summaries = {d: r.summary for d, r in rolled.items()}

        totals = Totals()
        for d in days(first, last):
            totals.add(summaries[d])

        hourly = [0.0] * 24
        for d in days(max(context_first, last - timedelta(days=BEST_HOURS_DAYS - 1)), last):
            for h, v in enumerate(summaries[d].hourly):
                hourly[h] += v

        today = self.rollups.today()
        streak_days = self._streak(summaries, last, today, first if narrow else None)
        goals = tuple(evaluate(g, summaries, first, last, setup.work_days) for g in setup.goals)

        tz = setup.tz
        start, end = period.bounds(tz, setup.day_start_hour)
        tree = category_tree(totals.categories)
        focus = totals.focus
        return Report(
            period=period.label, start=start.astimezone(tz), end=end.astimezone(tz),
            first_day=first, last_day=last, days=period.days, timezone=setup.tz_name,
            day_start_hour=setup.day_start_hour,
            active_seconds=_r(totals.active), idle_seconds=_r(totals.idle),
            break_seconds=_r(totals.breaks), idle_percent=round(totals.idle_percent, 2),
            productivity_score=_score(totals.score),
            productivity={LEVEL_NAMES[lv]: _r(totals.levels.get(lv, 0.0)) for lv in (2, 1, 0, -1, -2)},
            categories=tuple(_category(n, v[0], v[1]) for n, v in
                             sorted(totals.categories.items(), key=lambda kv: (-kv[1][0], kv[0]))),
            category_tree=tuple(_category(n, v[0], v[1]) for n, v in sorted(tree.items())),
            apps=_apps(totals, self.top, self.titles), domains=_names(totals.domains, self.top),
            projects=_names(totals.projects, self.top), languages=_names(totals.languages, self.top),
            files=_names(totals.files, self.top),
            keystrokes=round(totals.input.get("keys", 0.0)),
            clicks=round(totals.input.get("clicks", 0.0)),
            input={k: round(v) for k, v in sorted(totals.input.items())},
            editor={k: round(v) for k, v in sorted(totals.editor.items())},
            context_switches=totals.context_switches, app_switches=totals.app_switches,
            longest_focus=None if focus is None else Focus(
                _r(focus.seconds), focus.start.astimezone(tz), focus.end.astimezone(tz)),
            hourly=tuple(_r(v) for v in totals.hourly),
            best_hours=tuple(HourTime(h, _r(s)) for h, s in best_hours(hourly)),
            streak_days=streak_days,
            goals=goals,
            daily=tuple(DayLine(d, _r(summaries[d].active), _r(summaries[d].idle),
                                _score(summaries[d].score)) for d in days(first, last)),
            blocks=tuple(ReportBlock.from_json(b) for d in days(first, last)
                         for b in rolled[d].blocks) if with_blocks else (),
            blocks_included=with_blocks,
            today=today,
            device=setup.config.activity.device,
        )

    def _streak(self, summaries: dict[date, DaySummary], end: date, today: date,
                since: date | None = None) -> int:
        setup = self.rollups.setup
        span = self.rollups.data_days()
        if span is None:
            return 0
        floor = span[0] if since is None else max(span[0], since)
        known: dict[date, float] = {d: s.active for d, s in summaries.items()}

        def active(d: date) -> float:
            if d not in known:
                # Walk back a couple of months at a time; only the active-seconds column is read.
                lo = max(d - timedelta(days=61), floor)
                if lo > d:
                    return 0.0
                known.update(self.rollups.active_seconds(lo, d))
            return known.get(d, 0.0)

        return streak(active, end, setup.streak_seconds, today, floor, setup.work_days)
