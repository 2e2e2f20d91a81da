"""A day's summary (what rollups store) and the sum of many days (what reports show).

`DaySummary` is plain data with a JSON-friendly dict form, so a rollup can be stored and read back
without the events it came from. `Totals` adds days up: every field is a sum (seconds, points,
counts) or a max (longest focus stretch), so any range's totals are the sum of its days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Mapping

from .scoring import score

DIMENSIONS = ("apps", "domains", "projects", "languages", "files")
# A day keeps at most this many names per dimension (the rest is dropped from the lists, never
# from the totals) so that one pathological day (thousands of generated file names) stays small.
MAX_NAMES_PER_DAY = 500
# Window titles per app (issue 7, item 9), bounded per day so a year of rollups stays small and a
# year report fast: the day's top apps each keep their top titles; the rest of an app's time is
# its "other" remainder, never stored (the app's seconds minus its listed titles' seconds). So a
# range's title totals are exact for titles in every day's top list and low only in the tail.
MAX_TITLE_APPS_PER_DAY = 50
MAX_TITLES_PER_APP_PER_DAY = 20
# Titles are shown, not searched: 200 characters is more than any table shows, and keeps a year
# report's JSON small whatever the titles (the stored limit is 2,000).
MAX_TITLE_CHARS = 200


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _ms(x: float) -> float:
    return round(x, 3)


def _msd(values: Mapping[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in values.items()}


def short_title(title: str) -> str:
    """`title` cut to MAX_TITLE_CHARS, ending in `…` when cut (as the stored limit marks it)."""
    return title if len(title) <= MAX_TITLE_CHARS else title[:MAX_TITLE_CHARS - 1] + "…"


def bounded_titles(titles: Mapping[str, Mapping[str, float]], apps: Mapping[str, float]
                   ) -> dict[str, dict[str, float]]:
    """A day's seconds per (app, title) kept to the apps with the most time (`apps`) and each
    one's top titles; what is dropped stays in the app's own seconds (its "other" remainder)."""
    keep = {a for a, _ in ranked(apps, MAX_TITLE_APPS_PER_DAY)}
    return {app: dict(ranked(per, MAX_TITLES_PER_APP_PER_DAY))
            for app, per in titles.items() if app in keep and per}


@dataclass(frozen=True, slots=True)
class BlockSummary:
    kind: str
    start: datetime
    end: datetime
    points: float = 0.0  # active blocks: Σ seconds × (level + 2) of their time
    category: str | None = None  # active blocks: the category with the most time
    # Active blocks: the measured active seconds inside; short gaps make the span longer.
    active: float = 0.0

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    @property
    def score(self) -> float | None:
        return score(self.points, self.active) if self.kind == "active" else None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "start": self.start.isoformat(),
                             "end": self.end.isoformat()}
        if self.kind == "active":
            d["points"] = self.points
            d["category"] = self.category
            d["active"] = self.active
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "BlockSummary":
        return cls(d["kind"], _dt(d["start"]), _dt(d["end"]), d.get("points", 0.0), d.get("category"),
                   d.get("active", 0.0))


@dataclass(frozen=True, slots=True)
class Stretch:
    """The longest run of productive time (short interruptions included) in a day."""

    seconds: float
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class DaySummary:
    day: date
    start: datetime  # UTC bounds of the local day
    end: datetime
    active: float = 0.0
    idle: float = 0.0
    breaks: float = 0.0
    points: float = 0.0
    categories: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # name: (s, points)
    levels: Mapping[int, float] = field(default_factory=dict)  # category level: seconds
    apps: Mapping[str, float] = field(default_factory=dict)
    domains: Mapping[str, float] = field(default_factory=dict)
    projects: Mapping[str, float] = field(default_factory=dict)
    languages: Mapping[str, float] = field(default_factory=dict)
    files: Mapping[str, float] = field(default_factory=dict)
    # app: {title: seconds}, bounded (see bounded_titles); titles as recorded, so "[redacted]"
    # ones stay redacted.
    titles: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    hourly: tuple[float, ...] = (0.0,) * 24  # active seconds per local clock hour
    input: Mapping[str, float] = field(default_factory=dict)  # keys, clicks, scrolls, moves
    editor: Mapping[str, float] = field(default_factory=dict)  # lines_added, ...
    context_switches: int = 0  # window (or tab) switches
    app_switches: int = 0  # app or site changes
    focus: Stretch | None = None
    blocks: tuple[BlockSummary, ...] = ()

    @property
    def score(self) -> float | None:
        return score(self.points, self.active)

    def to_dict(self, with_blocks: bool = True) -> dict[str, Any]:
        """The stored form. Per-name values keep millisecond precision (shorter to store and
        parse; reports print three decimals), the day's totals keep all of theirs."""
        d: dict[str, Any] = {
            "day": self.day.isoformat(), "start": self.start.isoformat(), "end": self.end.isoformat(),
            "active": self.active, "idle": self.idle, "breaks": self.breaks, "points": self.points,
            "categories": {k: [_ms(v[0]), _ms(v[1])] for k, v in self.categories.items()},
            "levels": {str(k): _ms(v) for k, v in self.levels.items()},
            "hourly": [_ms(v) for v in self.hourly], "input": _msd(self.input),
            "editor": _msd(self.editor),
            "context_switches": self.context_switches, "app_switches": self.app_switches,
            "focus": None if self.focus is None else
            [self.focus.seconds, self.focus.start.isoformat(), self.focus.end.isoformat()],
        }
        for dim in DIMENSIONS:
            values = getattr(self, dim)
            if len(values) > MAX_NAMES_PER_DAY:
                values = dict(sorted(values.items(), key=lambda kv: -kv[1])[:MAX_NAMES_PER_DAY])
            d[dim] = _msd(values)
        d["titles"] = {app: _msd(per) for app, per in self.titles.items()}
        if with_blocks:
            d["blocks"] = [b.to_dict() for b in self.blocks]
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], blocks: list[Mapping[str, Any]] | None = None
                  ) -> "DaySummary":
        focus = d.get("focus")
        raw_blocks = blocks if blocks is not None else d.get("blocks", ())
        return cls(
            day=date.fromisoformat(d["day"]), start=_dt(d["start"]), end=_dt(d["end"]),
            active=d["active"], idle=d["idle"], breaks=d["breaks"], points=d["points"],
            categories={k: (v[0], v[1]) for k, v in d["categories"].items()},
            levels={int(k): v for k, v in d["levels"].items()},
            apps=d["apps"], domains=d["domains"], projects=d["projects"],
            languages=d["languages"], files=d["files"], titles=d.get("titles", {}),
            hourly=tuple(d["hourly"]),
            input=d["input"], editor=d["editor"], context_switches=d["context_switches"],
            app_switches=d.get("app_switches", 0),
            focus=None if not focus else Stretch(focus[0], _dt(focus[1]), _dt(focus[2])),
            blocks=tuple(BlockSummary.from_dict(b) for b in raw_blocks),
        )

    @classmethod
    def empty(cls, day: date, start: datetime, end: datetime) -> "DaySummary":
        return cls(day, start, end)


def _add(into: dict[str, float], values: Mapping[str, float]) -> None:
    for k, v in values.items():
        into[k] = into.get(k, 0.0) + v


@dataclass
class Totals:
    """Running sums over days (a range report); add days in any order."""

    days: int = 0
    active: float = 0.0
    idle: float = 0.0
    breaks: float = 0.0
    points: float = 0.0
    categories: dict[str, list[float]] = field(default_factory=dict)
    levels: dict[int, float] = field(default_factory=dict)
    apps: dict[str, float] = field(default_factory=dict)
    domains: dict[str, float] = field(default_factory=dict)
    projects: dict[str, float] = field(default_factory=dict)
    languages: dict[str, float] = field(default_factory=dict)
    files: dict[str, float] = field(default_factory=dict)
    titles: dict[str, dict[str, float]] = field(default_factory=dict)  # app: {title: seconds}
    hourly: list[float] = field(default_factory=lambda: [0.0] * 24)
    input: dict[str, float] = field(default_factory=dict)
    editor: dict[str, float] = field(default_factory=dict)
    context_switches: int = 0
    app_switches: int = 0
    focus: Stretch | None = None
    blocks: list[BlockSummary] = field(default_factory=list)

    def add(self, day: DaySummary) -> "Totals":
        self.days += 1
        self.active += day.active
        self.idle += day.idle
        self.breaks += day.breaks
        self.points += day.points
        for name, (secs, pts) in day.categories.items():
            acc = self.categories.get(name)
            if acc is None:
                self.categories[name] = [secs, pts]
            else:
                acc[0] += secs
                acc[1] += pts
        for level, secs in day.levels.items():
            self.levels[level] = self.levels.get(level, 0.0) + secs
        _add(self.apps, day.apps)
        _add(self.domains, day.domains)
        _add(self.projects, day.projects)
        _add(self.languages, day.languages)
        _add(self.files, day.files)
        for app, per in day.titles.items():
            acc_titles = self.titles.get(app)
            if acc_titles is None:
                self.titles[app] = dict(per)
            else:
                _add(acc_titles, per)
        hourly = self.hourly
        for i, v in enumerate(day.hourly):
            if v:
                hourly[i] += v
        _add(self.input, day.input)
        _add(self.editor, day.editor)
        self.context_switches += day.context_switches
        self.app_switches += day.app_switches
        if day.focus is not None and (self.focus is None or day.focus.seconds > self.focus.seconds):
            self.focus = day.focus
        self.blocks.extend(day.blocks)
        return self

    @property
    def score(self) -> float | None:
        return score(self.points, self.active)

    @property
    def idle_percent(self) -> float:
        present = self.active + self.idle
        return 0.0 if present <= 0 else self.idle / present * 100


def ranked(values: Mapping[str, float], limit: int | None = None) -> list[tuple[str, float]]:
    """Names by seconds, most first (ties by name, so output is stable)."""
    items = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    return items[:limit] if limit is not None else items


def category_tree(categories: Mapping[str, list[float] | tuple[float, float]]
                  ) -> dict[str, tuple[float, float]]:
    """Totals for every category and each of its parents ('Work' includes 'Work > Programming')."""
    out: dict[str, list[float]] = {}
    for name, (secs, pts) in categories.items():
        parts = name.split(" > ")
        for i in range(1, len(parts) + 1):
            key = " > ".join(parts[:i])
            acc = out.setdefault(key, [0.0, 0.0])
            acc[0] += secs
            acc[1] += pts
    return {k: (v[0], v[1]) for k, v in out.items()}


def best_hours(hourly: list[float] | tuple[float, ...], count: int = 3) -> list[tuple[int, float]]:
    """The `count` clock hours with the most active time (hours with none are never "best")."""
    ranked_hours = sorted(((h, s) for h, s in enumerate(hourly) if s > 0), key=lambda hs: (-hs[1], hs[0]))
    return ranked_hours[:count]
