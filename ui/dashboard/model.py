"""The dashboard's view-model logic with no Qt in it: date navigation, and `build_view`, which
turns the service's `DashboardData` into exactly what each chart and label is handed.

Unit-tested without Qt (tests/unit/ui); the widgets only copy these values into pyqtgraph.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tracker_desktop.domain.days import Period, day_period, month_period, week_period

if TYPE_CHECKING:
    from tracker_desktop.services.dashboard import DashboardData, Span

KINDS = ("day", "week", "month")
DIMENSIONS = ("categories", "apps", "domains", "projects", "languages")
DIMENSION_TITLES = {"categories": "Categories", "apps": "Apps", "domains": "Sites",
                    "projects": "Projects", "languages": "Languages"}
BARS = 10  # names per bar chart
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
GREEN, YELLOW, RED, GREY = "good", "fair", "poor", "none"
TREND_EPSILON = 2.0  # score points: smaller moves show a flat arrow


# -- navigation ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Nav:
    """Which period is shown: a kind (day / week / month) and a day inside it."""

    kind: str
    anchor: date

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"period kind must be one of {', '.join(KINDS)}, not {self.kind!r}")

    @property
    def period(self) -> Period:
        if self.kind == "day":
            return day_period(self.anchor)
        if self.kind == "week":
            y, w, _ = self.anchor.isocalendar()
            return week_period(f"{y}-W{w:02d}")
        return month_period(f"{self.anchor:%Y-%m}")

    def step(self, n: int) -> "Nav":
        """`n` periods later (earlier when negative)."""
        if self.kind == "day":
            return Nav("day", self.anchor + timedelta(days=n))
        if self.kind == "week":
            return Nav("week", self.anchor + timedelta(weeks=n))
        months = self.anchor.year * 12 + self.anchor.month - 1 + n
        y, m = divmod(months, 12)
        return Nav("month", _clamped(y, m + 1, self.anchor.day))

    def with_kind(self, kind: str) -> "Nav":
        return Nav(kind, self.anchor)

    def today(self, today: date) -> "Nav":
        return Nav(self.kind, today)

    def contains(self, day: date) -> bool:
        p = self.period
        return p.first <= day <= p.last

    @property
    def title(self) -> str:
        p = self.period
        if self.kind == "day":
            return f"{p.first:%A, %d %B %Y}"
        if self.kind == "week":
            y, w, _ = p.first.isocalendar()
            return f"Week {w}, {y}  ·  {p.first:%d %b} – {p.last:%d %b}"
        return f"{p.first:%B %Y}"


def _clamped(y: int, m: int, d: int) -> date:
    for day in (d, 30, 29, 28):
        try:
            return date(y, m, min(d, day))
        except ValueError:
            continue
    return date(y, m, 28)


# -- formatting ----------------------------------------------------------------------------

def duration(seconds: float) -> str:
    """'3 h 05 min', '42 min', '35 s'."""
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    h, m = divmod(s // 60, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min"


def score_band(score: float | None) -> str:
    """Seed 003's colours: green ≥ 80, yellow 60–79, red < 60."""
    if score is None:
        return GREY
    if score >= 80:
        return GREEN
    if score >= 60:
        return YELLOW
    return RED


def trend(scores: list[float | None]) -> tuple[str, float | None]:
    """The arrow beside the gauge: the last score against the mean of the days before it (those
    with any data). Returns ("up" | "down" | "flat" | "none", the difference)."""
    if not scores or scores[-1] is None:
        return "none", None
    before = [s for s in scores[:-1] if s is not None]
    if not before:
        return "none", None
    diff = scores[-1] - sum(before) / len(before)
    if diff > TREND_EPSILON:
        return "up", diff
    if diff < -TREND_EPSILON:
        return "down", diff
    return "flat", diff


# -- what each chart gets ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Bars:
    title: str
    labels: tuple[str, ...]
    hours: tuple[float, ...]
    keys: tuple[str, ...]  # what a click on each bar drills into ("" for no drill-down)
    crumb: str  # "Categories › Work" while drilled in; "" at the top


@dataclass(frozen=True, slots=True)
class TimelineRow:
    name: str
    starts: tuple[float, ...]  # hours since the local day's start
    widths: tuple[float, ...]  # hours
    colors: tuple[str, ...]  # colour keys: a top-level category, "away", "present", "focus"
    spans: tuple["Span", ...]  # what each block was

    def tip(self, i: int) -> str:
        """What hover shows for block `i` (made on hover: a day has thousands of blocks)."""
        return _tip(self.spans[i])


@dataclass(frozen=True, slots=True)
class GoalRow:
    name: str
    percent: float  # 0..100 for the bar (capped)
    text: str  # "3 h 10 min of 4 h 00 min"
    met: bool
    cap: bool  # a cap ("at most"): over 100 % is the bad side


@dataclass(frozen=True, slots=True)
class DashboardView:
    title: str
    kind: str
    dimension: str
    is_today: bool
    empty: bool  # nothing recorded in the period
    active: str
    idle: str
    switches: str
    score: float | None
    score_text: str
    band: str
    arrow: str
    arrow_text: str
    spark_days: tuple[str, ...]
    spark: tuple[float, ...]  # NaN-free: days without data are 0 and marked in spark_missing
    spark_missing: tuple[bool, ...]
    streak: str
    bars: Bars
    timeline_title: str
    timeline: tuple[TimelineRow, ...]
    heatmap: tuple[tuple[float, ...], ...]  # [weekday][hour] in hours
    heatmap_title: str
    trend_labels: tuple[str, ...]
    trend_hours: tuple[float, ...]
    trend_title: str
    goals: tuple[GoalRow, ...]
    focus_lines: tuple[tuple[str, str], ...]
    titles: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # app, ((title, time), ...)
    feed: tuple[tuple[str, str, str, str], ...]  # time, app, title, duration
    categories_legend: tuple[str, ...]  # top-level categories on the timeline, most time first


CODE_KINDS = {"commit": "commit", "pull_request": "pull request", "issue": "issue"}


def feed_rows(data: "DashboardData") -> tuple[tuple[str, str, str, str], ...]:
    """Windows, GitHub items and local commits of the anchor day, newest first: (time, source,
    what, duration or kind)."""
    rows: list[tuple[Any, tuple[str, str, str, str]]] = [
        (f.start, (f"{f.start:%H:%M}", f.app, f.title, duration(f.seconds))) for f in data.feed]
    for c in data.code:
        source = "GitHub" if c.source == "github" else "git"
        rows.append((c.when, (f"{c.when:%H:%M}", f"{source} · {c.repo}",
                              f"{c.title} ({c.ref})" if c.ref else c.title,
                              CODE_KINDS.get(c.kind, c.kind))))
    rows.sort(key=lambda r: r[0], reverse=True)
    return tuple(r for _, r in rows)


def top_category(name: str | None) -> str:
    return (name or "Uncategorized").split(" > ")[0]


def _tip(span: "Span") -> str:
    d = span.detail
    when = f"{span.start:%H:%M:%S}–{span.end:%H:%M:%S} ({duration(span.seconds)})"
    lines = [f"{k}: {v}" for k, v in d.items() if v]
    if span.category:
        lines.append(f"category: {span.category}")
    return "\n".join([when, *lines])


def timeline_rows(data: "DashboardData") -> tuple[TimelineRow, ...]:
    from tracker_desktop.services.dashboard import TIMELINE_ROWS

    tl = data.timeline
    out = []
    for name in TIMELINE_ROWS:
        spans = tl.rows[name]
        day_start = tl.start
        starts = tuple((s.start - day_start).total_seconds() / 3600 for s in spans)
        widths = tuple((s.end - s.start).total_seconds() / 3600 for s in spans)
        if name == "afk":
            colors = tuple("away" if s.away else "present" for s in spans)
        elif name == "focus":
            colors = ("focus",) * len(spans)
        else:
            colors = tuple(top_category(s.category) for s in spans)
        out.append(TimelineRow(name, starts, widths, colors, spans))
    return tuple(out)


def bars(data: "DashboardData", dimension: str, drill: str | None = None) -> Bars:
    """The bar chart of one dimension; `drill` is a category (its subcategories are shown), an
    app (its top window titles) or a project (its files)."""
    r = data.report
    title = DIMENSION_TITLES[dimension]
    if dimension == "categories":
        tree = {c.name: c.seconds for c in r.category_tree}
        if drill:
            prefix = drill + " > "
            items = [(n, s) for n, s in tree.items()
                     if n.startswith(prefix) and " > " not in n[len(prefix):]]
            labels = [n[len(prefix):] for n, _ in items]
            keys = [n if any(m.startswith(n + " > ") for m in tree) else "" for n, _ in items]
        else:
            items = [(n, s) for n, s in tree.items() if " > " not in n]
            labels = [n for n, _ in items]
            keys = [n if any(m.startswith(n + " > ") for m in tree) else "" for n, _ in items]
        order = sorted(range(len(items)), key=lambda i: -items[i][1])[:BARS]
        crumb = f"{title} › {drill.replace(' > ', ' › ')}" if drill else ""
        return Bars(title, tuple(labels[i] for i in order),
                    tuple(items[i][1] / 3600 for i in order), tuple(keys[i] for i in order), crumb)
    if dimension == "apps":
        if drill:
            app = next((a for a in r.apps if a.name == drill), None)
            titles = app.titles[:BARS] if app else ()
            return Bars(title, tuple(t.name for t in titles), tuple(t.seconds / 3600 for t in titles),
                        tuple("" for _ in titles), f"{title} › {drill}")
        apps = r.apps[:BARS]
        return Bars(title, tuple(a.name for a in apps), tuple(a.seconds / 3600 for a in apps),
                    tuple(a.name if a.titles else "" for a in apps), "")
    if dimension == "projects":
        def files_of(project: str) -> list[tuple[str, float]]:
            part = f"/{project}/"
            return [(f.name, f.seconds) for f in r.files if part in f"{f.name}"]

        if drill:
            files = files_of(drill)[:BARS]
            return Bars(title, tuple(_short_path(n, drill) for n, _ in files),
                        tuple(sec / 3600 for _, sec in files), tuple("" for _ in files),
                        f"{title} › {drill}")
        projects = r.projects[:BARS]
        return Bars(title, tuple(p.name for p in projects), tuple(p.seconds / 3600 for p in projects),
                    tuple(p.name if files_of(p.name) else "" for p in projects), "")
    named = {"domains": r.domains, "languages": r.languages}[dimension][:BARS]
    return Bars(title, tuple(n.name for n in named), tuple(n.seconds / 3600 for n in named),
                tuple("" for _ in named), "")


def _short_path(path: str, project: str) -> str:
    """A file's path from its project's folder on ("/home/me/src/tracker/ui/x.py" -> "ui/x.py")."""
    return path.split(f"/{project}/", 1)[-1]


def goal_rows(data: "DashboardData") -> tuple[GoalRow, ...]:
    out = []
    for g in data.report.goals:
        target = g.goal.seconds
        word = "at most" if g.goal.at_most else "of"
        per = "this week" if g.goal.period == "week" else "that day"
        text = f"{duration(g.seconds)} {word} {duration(target)} {per}"
        if data.period.days > 1 and g.periods > 1:
            text += f" · met {g.periods_met}/{g.periods}"
        out.append(GoalRow(g.goal.name, min(100.0, g.percent), text, g.met, g.goal.at_most))
    return tuple(out)


def focus_lines(data: "DashboardData") -> tuple[tuple[str, str], ...]:
    p = data.focus
    r = data.report
    lines = []
    if r.longest_focus is not None:
        lf = r.longest_focus
        lines.append(("Longest focus stretch",
                      f"{duration(lf.seconds)} ({lf.start:%H:%M}–{lf.end:%H:%M})"))
    lines.append(("Focus sessions that day", str(data.focus_sessions_today)))
    if p.sessions:
        lines += [
            ("Sessions (all time)", f"{p.sessions}, {p.completion_ratio * 100:.0f} % completed"),
            ("Average focus / break", f"{p.avg_focus_minutes:.0f} min / {p.avg_break_minutes:.0f} min"),
            ("Interruptions per session", f"{p.avg_interruptions:.1f}"),
        ]
        if p.estimation_pct is not None:
            word = "longer" if p.estimation_pct >= 0 else "shorter"
            lines.append(("Versus your estimates", f"{abs(p.estimation_pct):.0f} % {word}"))
        if p.peak_hours:
            lines.append(("Peak focus hours", ", ".join(f"{h:02d}:00" for h in p.peak_hours)))
    else:
        lines.append(("Focus sessions", "none yet — start one from the tray or `focus start`"))
    if r.best_hours:
        lines.append(("Most active hours (30 days)",
                      ", ".join(f"{h.hour:02d}:00" for h in r.best_hours)))
    return tuple(lines)


def build_view(data: "DashboardData", nav: Nav, today: date, dimension: str = "categories",
               drill: str | None = None) -> DashboardView:
    r = data.report
    band = score_band(r.productivity_score)
    scores = [d.score for d in data.recent]
    arrow, diff = trend(scores)
    arrow_text = "" if diff is None else (
        f"{round(diff):+d} vs the {len(scores) - 1} days before" if round(diff) else
        f"level with the {len(scores) - 1} days before")
    heat = tuple(tuple(v / 3600 for v in row) for row in data.heatmap)
    legend: dict[str, float] = {}
    for s in data.timeline.rows["window"]:
        k = top_category(s.category)
        legend[k] = legend.get(k, 0.0) + s.seconds
    return DashboardView(
        title=nav.title,
        kind=nav.kind,
        dimension=dimension,
        is_today=nav.contains(today),
        empty=r.active_seconds <= 0 and r.idle_seconds <= 0,
        active=duration(r.active_seconds),
        idle=f"{duration(r.idle_seconds)} idle · {duration(r.break_seconds)} breaks",
        switches=f"{r.app_switches} app switches · {r.keystrokes:,} keys".replace(",", " "),
        score=r.productivity_score,
        score_text="–" if r.productivity_score is None else f"{r.productivity_score:.0f}",
        band=band,
        arrow=arrow,
        arrow_text=arrow_text,
        spark_days=tuple(f"{d.day:%a}" for d in data.recent),
        spark=tuple(0.0 if s is None else s for s in scores),
        spark_missing=tuple(s is None for s in scores),
        streak=f"{r.streak_days} day{'s' if r.streak_days != 1 else ''}",
        bars=bars(data, dimension, drill),
        timeline_title=f"Timeline · {data.anchor:%A %d %B}",
        timeline=timeline_rows(data),
        heatmap=heat,
        heatmap_title=f"Active hours by weekday · {data.heatmap_first:%d %b} – {r.last_day:%d %b}",
        trend_labels=tuple(p.label for p in data.trend),
        trend_hours=tuple(p.active_seconds / 3600 for p in data.trend),
        trend_title="Active time per month" if data.kind == "month" else "Active time per week",
        goals=goal_rows(data),
        focus_lines=focus_lines(data),
        titles=tuple((a.name, tuple((t.name, duration(t.seconds)) for t in a.titles[:3]))
                     for a in r.apps[:5] if a.titles),
        feed=feed_rows(data),
        categories_legend=tuple(k for k, _ in sorted(legend.items(), key=lambda kv: -kv[1])),
    )
