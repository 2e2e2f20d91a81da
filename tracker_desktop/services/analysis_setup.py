"""From settings to the pure analysis: the local time zone, the rules, levels, strategies and goals,
and the fingerprint that says which rollups were computed with the same choices."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker_desktop.config import AnalysisSettings
from tracker_desktop.domain.activity import BROWSER_APPS, EDITOR_APPS, ActivityOptions
from tracker_desktop.domain.analysis import AnalysisConfig
from tracker_desktop.domain.categories import (
    DEFAULT_KINDS,
    DEFAULT_LEVELS,
    DEFAULT_RULES,
    Categorizer,
    parse_category,
    rules_from,
)
from tracker_desktop.domain.goals import ACTIVE, CATEGORY, MONDAY_TO_FRIDAY, Goal
from tracker_desktop.domain.scoring import (
    EntertainmentScorer,
    ResearchScorer,
    ScoringPolicy,
    StandardScorer,
    Strategy,
)

# Bump when the meaning of a stored DaySummary changes: every rollup becomes stale.
# 3: blocks merge short gaps and carry their active seconds; 4: window switches, app switches;
# 5: top window titles per app; 6: devices combine (AFK on one no longer hides another's activity)
ROLLUP_FORMAT = 6


class SystemLocalTimezone(tzinfo):
    """The C library's local time (honours TZ after time.tzset()), DST-aware; the fallback when
    the zone has no IANA name (a POSIX TZ string such as 'CET-1CEST,M3.5.0,M10.5.0/3')."""

    def _stamp(self, dt: datetime) -> float:
        return time.mktime((dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second,
                            dt.weekday(), 0, -1))

    def utcoffset(self, dt: datetime | None) -> timedelta:
        if dt is None:
            return timedelta(seconds=time.localtime().tm_gmtoff)
        return timedelta(seconds=time.localtime(self._stamp(dt)).tm_gmtoff)

    def dst(self, dt: datetime | None) -> timedelta:
        lt = time.localtime(self._stamp(dt)) if dt is not None else time.localtime()
        return timedelta(hours=1) if lt.tm_isdst > 0 else timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        lt = time.localtime(self._stamp(dt)) if dt is not None else time.localtime()
        return lt.tm_zone

    def fromutc(self, dt: datetime) -> datetime:
        stamp = (dt.replace(tzinfo=timezone.utc) - datetime(1970, 1, 1, tzinfo=timezone.utc)).total_seconds()
        offset = time.localtime(stamp).tm_gmtoff
        return (dt + timedelta(seconds=offset)).replace(tzinfo=self)


def resolve_timezone(name: str | None = None) -> tuple[tzinfo, str]:
    """The zone days follow and its name: the setting, else TZ, else the system's zone."""
    if name:
        return ZoneInfo(name), name
    env = os.environ.get("TZ")
    if env:
        key = env[1:] if env.startswith(":") else env
        if key.startswith("/"):
            try:
                with open(key, "rb") as f:
                    return ZoneInfo.from_file(f, key=key), key
            except (OSError, ValueError):
                pass
        else:
            try:
                return ZoneInfo(key), key
            except (ZoneInfoNotFoundError, ValueError):
                pass
        time.tzset()
        return SystemLocalTimezone(), "TZ=" + env
    try:
        link = os.readlink("/etc/localtime")
        if "zoneinfo/" in link:
            key = link.split("zoneinfo/", 1)[1]
            return ZoneInfo(key), key
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    try:
        key = Path("/etc/timezone").read_text().strip()
        if key:
            return ZoneInfo(key), key
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    return SystemLocalTimezone(), "system:" + "/".join(time.tzname)


@dataclass(frozen=True)
class AnalysisSetup:
    config: AnalysisConfig
    tz: tzinfo
    tz_name: str
    day_start_hour: int
    goals: tuple[Goal, ...]
    streak_seconds: float
    fingerprint: str
    work_days: frozenset[int] = MONDAY_TO_FRIDAY  # date.weekday() numbers
    settings: AnalysisSettings = field(repr=False, default_factory=AnalysisSettings)


def for_device(setup: AnalysisSetup, device: str) -> AnalysisSetup:
    """`setup` narrowed to one device's events (report --device). Its days are never stored:
    rollups hold the all-devices view, so the fingerprint says so."""
    options = replace(setup.config.activity, device=device)
    return replace(setup, config=replace(setup.config, activity=options),
                   fingerprint=f"{setup.fingerprint}@{device}")


def _default_rules_digest() -> str:
    rules = [(r.category, sorted((k, p.pattern, p.flags) for k, p in r.patterns.items()))
             for r in DEFAULT_RULES]
    return json.dumps([rules, dict(DEFAULT_LEVELS), dict(DEFAULT_KINDS), BROWSER_APPS, EDITOR_APPS])


def build_setup(settings: AnalysisSettings | None = None, tz_name: str | None = None,
                local_device: str = "") -> AnalysisSetup:
    """Everything the analysis needs, from the `[analysis]` settings section; `local_device` is
    this machine's device name (what events recorded with no device belong to)."""
    s = settings or AnalysisSettings()
    tz, zone = resolve_timezone(tz_name or s.timezone)
    user_rules = rules_from(r.model_dump() for r in s.rules)
    rules = [*user_rules, *(DEFAULT_RULES if s.default_rules else ())]
    levels = {parse_category(k): v for k, v in DEFAULT_LEVELS.items()}
    levels.update({parse_category(k): v for k, v in s.levels.items()})
    kinds = {parse_category(k): v for k, v in DEFAULT_KINDS.items()}
    kinds.update({parse_category(k): v for k, v in s.kinds.items()})
    strategies: dict[str, Strategy] = {
        "standard": StandardScorer(),
        "research": ResearchScorer(s.research_min_dwell_seconds),
        "entertainment": EntertainmentScorer(s.entertainment_glance_seconds,
                                             s.entertainment_allowance_minutes * 60),
    }
    options = ActivityOptions(
        flood_seconds=s.flood_seconds,
        browser_apps=re.compile(s.browser_apps or BROWSER_APPS, re.I),
        editor_apps=re.compile(s.editor_apps or EDITOR_APPS, re.I),
        local_device=local_device,
    )
    config = AnalysisConfig(
        categorizer=Categorizer(rules),
        scoring=ScoringPolicy(levels, kinds, strategies),
        activity=options,
        break_after=timedelta(minutes=s.break_minutes),
        merge_gap=timedelta(seconds=s.merge_gap_seconds),
        focus_gap=timedelta(seconds=s.focus_interruption_seconds),
    )
    streak = s.daily_active_goal_minutes * 60
    goals = [Goal("Daily active time", ACTIVE, "day", streak)]
    for g in s.goals:
        target = g.min_minutes if g.min_minutes is not None else g.max_minutes
        assert target is not None
        if g.metric == "active":
            goals.append(Goal(g.name, ACTIVE, g.period, target * 60, g.max_minutes is not None))
        else:
            cat = s.coding_category if g.metric == "coding" else g.category
            assert cat is not None
            goals.append(Goal(g.name, CATEGORY, g.period, target * 60, g.max_minutes is not None,
                              parse_category(cat)))
    # Goals are evaluated on stored days, so they are not part of the fingerprint.
    relevant = s.model_dump(exclude={"goals", "daily_active_goal_minutes", "timezone", "coding_category",
                                     "work_days"})
    digest = hashlib.sha256(json.dumps(
        [ROLLUP_FORMAT, zone, relevant, _default_rules_digest(), local_device], sort_keys=True,
        default=str
    ).encode()).hexdigest()[:16]
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    work_days = frozenset(names.index(d) for d in s.work_days)
    return AnalysisSetup(config, tz, zone, s.day_start_hour, tuple(goals), streak, digest,
                         work_days, s)
