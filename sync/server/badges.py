"""Badges: pure rules over a user's daily totals, evaluated on each push."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Mapping, Sequence

NAMES = {
    "streak_7": "7-day streak", "streak_30": "30-day streak", "streak_100": "100-day streak",
    "coding_10h": "First 10 coding hours", "coding_100h": "First 100 coding hours",
    "coding_1000h": "First 1000 coding hours",
    "polyglot": "Polyglot: 5 languages with an hour each",
    "focus_marathon": "Focus marathon: 4 hours of focus in a day",
}
STREAKS = (7, 30, 100)
CODING_HOURS = (10, 100, 1000)
POLYGLOT_LANGUAGES = 5
POLYGLOT_SECONDS = 3600.0
MARATHON_SECONDS = 4 * 3600.0


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    active_seconds: float
    coding_seconds: float
    focus_seconds: float


def longest_streak(active_days: Sequence[date]) -> int:
    """The longest run of consecutive days among `active_days` (any order, duplicates allowed)."""
    best = run = 0
    previous: date | None = None
    for d in sorted(set(active_days)):
        run = run + 1 if previous is not None and d - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = d
    return best


def earned(days: Sequence[Day], language_seconds: Mapping[str, float]) -> dict[str, date]:
    """Every badge these days earn, with the day each was first earned."""
    out: dict[str, date] = {}
    ordered = sorted(days, key=lambda d: d.day)
    run, previous, coding = 0, None, 0.0
    for d in ordered:
        if d.active_seconds > 0:
            run = run + 1 if previous is not None and d.day - previous == timedelta(days=1) else 1
            previous = d.day
            for n in STREAKS:
                if run >= n:
                    out.setdefault(f"streak_{n}", d.day)
        coding += d.coding_seconds
        for h in CODING_HOURS:
            if coding >= h * 3600:
                out.setdefault(f"coding_{h}h", d.day)
        if d.focus_seconds >= MARATHON_SECONDS:
            out.setdefault("focus_marathon", d.day)
    if ordered and sum(1 for s in language_seconds.values() if s >= POLYGLOT_SECONDS) >= POLYGLOT_LANGUAGES:
        out.setdefault("polyglot", ordered[-1].day)
    return out
