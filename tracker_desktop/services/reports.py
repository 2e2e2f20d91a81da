"""Reports for a day, ISO week, month or any range of days, read from per-day rollups.

The report is the sum of its days' rollups plus what needs more than the range: best hours (the
30 days up to the range end), the streak (days up to the range end meeting the daily active goal)
and weekly goals (whole ISO weeks). Only days not rolled up yet are computed from raw events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tracker_desktop.domain.days import Period, days, monday
from tracker_desktop.domain.goals import evaluate, streak
from tracker_desktop.domain.summary import (
    DaySummary,
    Totals,
    best_hours,
    category_tree,
    ranked,
)

from .rollups import Progress, RollupService

BEST_HOURS_DAYS = 30
LEVEL_NAMES = {2: "very_productive", 1: "productive", 0: "neutral", -1: "distracting",
               -2: "very_distracting"}


def _r(x: float) -> float:
    return round(x, 3)


def _score(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def _names(values: dict[str, float], limit: int | None) -> list[dict[str, Any]]:
    return [{"name": n, "seconds": _r(s)} for n, s in ranked(values, limit)]


@dataclass
class ReportService:
    rollups: RollupService
    top: int | None = 50  # longest lists (apps, domains, files...) are cut to this many names

    def report(self, period: Period, progress: Progress | None = None) -> dict[str, Any]:
        setup = self.rollups.setup
        first, last = period.first, period.last
        context_first = min(monday(first), last - timedelta(days=BEST_HOURS_DAYS - 1))
        rolled = self.rollups.read(context_first, last, progress=progress)
        summaries = {d: r.summary for d, r in rolled.items()}

        totals = Totals()
        for d in days(first, last):
            totals.add(summaries[d])

        hourly = [0.0] * 24
        for d in days(last - timedelta(days=BEST_HOURS_DAYS - 1), last):
            for h, v in enumerate(summaries[d].hourly):
                hourly[h] += v

        today = self.rollups.today()
        streak_days = self._streak(summaries, last, today)
        goals = [evaluate(g, summaries, first, last).to_json() for g in setup.goals]

        start, end = period.bounds(setup.tz, setup.day_start_hour)
        tree = category_tree(totals.categories)
        return {
            "period": period.label,
            "start": start.astimezone(setup.tz).isoformat(),
            "end": end.astimezone(setup.tz).isoformat(),
            "first_day": first.isoformat(),
            "last_day": last.isoformat(),
            "days": period.days,
            "timezone": setup.tz_name,
            "day_start_hour": setup.day_start_hour,
            "active_seconds": _r(totals.active),
            "idle_seconds": _r(totals.idle),
            "break_seconds": _r(totals.breaks),
            "idle_percent": round(totals.idle_percent, 2),
            "productivity_score": _score(totals.score),
            "productivity": {LEVEL_NAMES[lv]: _r(totals.levels.get(lv, 0.0)) for lv in (2, 1, 0, -1, -2)},
            "categories": [
                {"name": n, "seconds": _r(v[0]), "score": _score(v[1] / (v[0] * 4) * 100 if v[0] else None)}
                for n, v in sorted(totals.categories.items(), key=lambda kv: (-kv[1][0], kv[0]))],
            "category_tree": [
                {"name": n, "seconds": _r(v[0]), "score": _score(v[1] / (v[0] * 4) * 100 if v[0] else None)}
                for n, v in sorted(tree.items(), key=lambda kv: kv[0])],
            "apps": _names(totals.apps, self.top),
            "domains": _names(totals.domains, self.top),
            "projects": _names(totals.projects, self.top),
            "languages": _names(totals.languages, self.top),
            "files": _names(totals.files, self.top),
            "keystrokes": round(totals.input.get("keys", 0.0)),
            "clicks": round(totals.input.get("clicks", 0.0)),
            "input": {k: round(v) for k, v in sorted(totals.input.items())},
            "editor": {k: round(v) for k, v in sorted(totals.editor.items())},
            "context_switches": totals.context_switches,
            "longest_focus": None if totals.focus is None else {
                "seconds": _r(totals.focus.seconds),
                "start": totals.focus.start.astimezone(setup.tz).isoformat(),
                "end": totals.focus.end.astimezone(setup.tz).isoformat()},
            "hourly": [_r(v) for v in totals.hourly],
            "best_hours": [{"hour": h, "seconds": _r(s)} for h, s in best_hours(hourly)],
            "streak_days": streak_days,
            "goals": goals,
            "daily": [{"date": d.isoformat(), "active_seconds": _r(summaries[d].active),
                       "idle_seconds": _r(summaries[d].idle),
                       "productivity_score": _score(summaries[d].score)}
                      for d in days(first, last)],
            "blocks": [b for d in days(first, last) for b in rolled[d].blocks],
        }

    def _streak(self, summaries: dict[date, DaySummary], end: date, today: date) -> int:
        setup = self.rollups.setup
        span = self.rollups.data_days()
        if span is None:
            return 0
        floor = span[0]
        known: dict[date, float] = {d: s.active for d, s in summaries.items()}

        def active(d: date) -> float:
            if d not in known:
                # Walk back a couple of months at a time; only the active-seconds column is read.
                lo = max(d - timedelta(days=61), floor)
                if lo > d:
                    return 0.0
                known.update(self.rollups.active_seconds(lo, d))
            return known.get(d, 0.0)

        return streak(active, end, setup.streak_seconds, today, floor)
