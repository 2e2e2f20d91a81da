"""What the dashboard window shows, as typed data: one `snapshot` per period the person looks at.

The figures come from the same services `report` uses (rollups, `ReportService`, the focus
profile); what a report has no use for — the day's events per source for the timeline, the
weekday × hour heatmap, the weekly/monthly trend, the recent-activity feed — is read here.
Everything is read on the caller's thread: the dashboard calls it from its worker, never from
the GUI thread. `version()` is a cheap "has anything been written since?" for live refresh.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from tracker_desktop.domain.activity import Activity
from tracker_desktop.domain.categories import format_category
from tracker_desktop.domain.days import Period, days, monday
from tracker_desktop.domain.events import AFK, BROWSER, EDITOR, WINDOW, Event
from tracker_desktop.domain.focus import FocusProfile

from .reports import Report, ReportService

if TYPE_CHECKING:
    from storage.uow import UnitOfWorkFactory
    from tracker_desktop.domain.clock import Clock

    from .focus import FocusService

# Timeline rows, top to bottom, as ActivityWatch's timeline has them.
FOCUS = "focus"
TIMELINE_ROWS = (WINDOW, BROWSER, EDITOR, AFK, FOCUS)
HEATMAP_DAYS = 28  # the weekday × hour heatmap covers the four weeks up to the period's end
SPARK_DAYS = 7
TREND_WEEKS = 12
TREND_MONTHS = 12
FEED_ITEMS = 15


@dataclass(frozen=True, slots=True)
class Span:
    """One block of the timeline: what one source recorded from `start` to `end`."""

    row: str  # one of TIMELINE_ROWS
    start: datetime  # in the analysis time zone
    end: datetime
    label: str  # app, domain, project, "away"/"present", the focus mode
    category: str | None  # window, browser and editor spans: the category rules' answer
    detail: Mapping[str, str]  # what hover shows: app/title, domain/url, project/file...
    away: bool = False  # AFK spans that are time away

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True, slots=True)
class Timeline:
    day: date
    start: datetime  # the local day's bounds
    end: datetime
    rows: Mapping[str, tuple[Span, ...]]  # every one of TIMELINE_ROWS, oldest first


@dataclass(frozen=True, slots=True)
class DayPoint:
    day: date
    active_seconds: float
    score: float | None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    label: str  # "W07" or "2026-02"
    first: date
    active_seconds: float


@dataclass(frozen=True, slots=True)
class FeedItem:
    start: datetime
    seconds: float
    app: str
    title: str
    category: str | None


@dataclass(frozen=True, slots=True)
class DashboardData:
    period: Period
    kind: str  # "day", "week" or "month": how the period was asked for
    anchor: date  # the day the timeline shows (inside the period)
    report: Report
    recent: tuple[DayPoint, ...]  # the SPARK_DAYS days up to the period's last day
    heatmap: tuple[tuple[float, ...], ...]  # [weekday 0=Mon][hour] active seconds
    heatmap_first: date
    trend: tuple[TrendPoint, ...]  # weeks (day and week views) or months (month view)
    timeline: Timeline
    feed: tuple[FeedItem, ...]  # the anchor day's latest windows, newest first
    focus: FocusProfile
    focus_sessions_today: int  # sessions finished on the anchor day
    version: int  # DashboardService.version() when this was read
    code: tuple["CodeItem", ...] = ()  # the anchor day's GitHub items and local commits, newest first


@dataclass(frozen=True, slots=True)
class CodeItem:
    """A GitHub item (commit, pull request, issue) or a local git commit, for the feed."""

    when: datetime
    source: str  # "github" or "git"
    kind: str  # "commit", "pull_request", "issue"
    repo: str
    title: str
    ref: str = ""  # short sha or #number/url


def code_feed(github: Any, commits: Any, tz: Any, limit: int = FEED_ITEMS) -> tuple[CodeItem, ...]:
    """GitHub items and local commits together, newest first; a commit both pushed to GitHub
    and seen locally shows once (GitHub's)."""
    items = [CodeItem(g.occurred.astimezone(tz), "github", g.kind, g.repo, g.title,
                      g.external_id[:7] if g.kind == "commit" else g.external_id)
             for g in github]
    on_github = {g.external_id for g in github if g.kind == "commit"}
    items += [CodeItem(c.when.astimezone(tz), "git", "commit", c.project, c.subject, c.sha[:7])
              for c in commits if c.sha not in on_github]
    items.sort(key=lambda i: i.when, reverse=True)
    return tuple(items[:limit])


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


class DataVersion:
    """SQLite's `PRAGMA data_version` on a connection of its own: it moves whenever another
    connection commits, so "anything new?" costs one pragma, no table read."""

    def __init__(self, db_path: Path) -> None:
        self._db_path = db_path
        self._conn: sqlite3.Connection | None = None

    def __call__(self) -> int:
        if self._conn is None:
            self._conn = sqlite3.connect(str(self._db_path), check_same_thread=False)
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class DashboardService:
    """Reads for the dashboard over one database; not for two threads at once (one worker).
    `version`: a number that changes when the database does (`DataVersion`)."""

    def __init__(self, reports: ReportService, focus: FocusService, uow: UnitOfWorkFactory,
                 clock: Clock, version: Callable[[], int],
                 code: Callable[[date], tuple[CodeItem, ...]] | None = None) -> None:
        self._code = code
        self._reports = reports
        self._rollups = reports.rollups
        self._focus = focus
        self._uow = uow
        self._clock = clock
        self._version = version

    @property
    def setup(self) -> Any:
        return self._rollups.setup

    def today(self) -> date:
        return self._rollups.today()

    def version(self) -> int:
        """Changes whenever the database does: the live refresh re-reads only when it moved."""
        return self._version()

    def close(self) -> None:
        close = getattr(self._version, "close", None)
        if close is not None:
            close()

    # -- the snapshot ----------------------------------------------------------------------
    def snapshot(self, period: Period, kind: str, anchor: date | None = None) -> DashboardData:
        version = self.version()
        anchor = anchor if anchor is not None and period.first <= anchor <= period.last else period.last
        report = self._reports.report(period, blocks=False)
        heat_first = min(period.first, period.last - timedelta(days=HEATMAP_DAYS - 1))
        summaries = self._rollups.summaries(heat_first, period.last)
        recent = tuple(DayPoint(d, summaries[d].active, summaries[d].score)
                       for d in days(period.last - timedelta(days=SPARK_DAYS - 1), period.last))
        heat = [[0.0] * 24 for _ in range(7)]
        for d, s in summaries.items():
            row = heat[d.weekday()]
            for h, v in enumerate(s.hourly):
                row[h] += v
        timeline = self.timeline(anchor)
        sessions = [s for s in self._finished_sessions()
                    if self._rollups.day_of(s.started) == anchor]
        return DashboardData(
            period=period, kind=kind, anchor=anchor, report=report, recent=recent,
            heatmap=tuple(tuple(r) for r in heat), heatmap_first=heat_first,
            trend=self.trend(period.last, monthly=kind == "month"),
            timeline=timeline, feed=feed(timeline), focus=self._focus.profile(),
            focus_sessions_today=len(sessions), version=version,
            code=self.code(anchor))

    def code(self, day: date) -> tuple[CodeItem, ...]:
        """The day's GitHub items and local commits (none when not wired, or unreadable)."""
        if self._code is None:
            return ()
        try:
            return self._code(day)
        except Exception:  # noqa: BLE001 - a broken repo must not blank the dashboard
            logging.getLogger(__name__).warning("dashboard: code activity unreadable",
                                                exc_info=True)
            return ()

    def trend(self, last: date, *, monthly: bool) -> tuple[TrendPoint, ...]:
        """Active time per ISO week (the TREND_WEEKS up to `last`) or per month (TREND_MONTHS):
        only the active-seconds column of each day is read."""
        if monthly:
            starts = []
            y, m = last.year, last.month
            for _ in range(TREND_MONTHS):
                starts.append(date(y, m, 1))
                y, m = (y, m - 1) if m > 1 else (y - 1, 12)
            starts.reverse()
            values = self._rollups.active_seconds(starts[0], last)
            sums = dict.fromkeys(starts, 0.0)
            for d, v in values.items():
                sums[date(d.year, d.month, 1)] += v
            return tuple(TrendPoint(f"{s:%Y-%m}", s, sums[s]) for s in starts)
        first = monday(last) - timedelta(weeks=TREND_WEEKS - 1)
        values = self._rollups.active_seconds(first, last)
        weeks = [first + timedelta(weeks=i) for i in range(TREND_WEEKS)]
        sums = dict.fromkeys(weeks, 0.0)
        for d, v in values.items():
            sums[monday(d)] += v
        return tuple(TrendPoint(f"W{w.isocalendar()[1]:02d}", w, sums[w]) for w in weeks)

    def _finished_sessions(self) -> list[Any]:
        with self._uow() as uow:
            return list(uow.focus.finished())

    def timeline(self, day: date) -> Timeline:
        """The day's events per source, clipped to the local day, each window/browser/editor
        span with its category; AFK spans; focus sessions that overlap the day."""
        setup = self.setup
        tz = setup.tz
        start, end = self._rollups.bounds(day)
        with self._uow() as uow:
            raw = {src: uow.rollups.events_near(src, start, end)
                   for src in (WINDOW, BROWSER, EDITOR, AFK)}
            running = uow.focus.running()
            finished = list(uow.focus.finished())
        categorize = setup.config.categorizer
        rows: dict[str, list[Span]] = {r: [] for r in TIMELINE_ROWS}

        def clip(e: Event) -> tuple[datetime, datetime] | None:
            a, b = max(e.start, start), min(e.end, end)
            return (a.astimezone(tz), b.astimezone(tz)) if b > a else None

        for e in raw[WINDOW]:
            span = clip(e)
            if span:
                app, title = _text(e.data, "app"), _text(e.data, "title")
                cat = categorize(Activity("window", app=app or None, title=title or None))
                rows[WINDOW].append(Span(WINDOW, *span, app or "(unknown)", format_category(cat),
                                         {"app": app, "title": title}))
        for e in raw[BROWSER]:
            span = clip(e)
            if span:
                domain, url, title = _text(e.data, "domain"), _text(e.data, "url"), _text(e.data, "title")
                cat = categorize(Activity("browser", domain=domain or None, url=url or None,
                                          title=title or None))
                rows[BROWSER].append(Span(BROWSER, *span, domain or url or "(tab)",
                                          format_category(cat),
                                          {"domain": domain, "title": title, "url": url}))
        for e in raw[EDITOR]:
            span = clip(e)
            if span:
                project, lang, file = (_text(e.data, "project"), _text(e.data, "language"),
                                       _text(e.data, "file"))
                cat = categorize(Activity("editor", project=project or None,
                                          language=lang or None, file=file or None))
                rows[EDITOR].append(Span(EDITOR, *span, project or lang or "(editor)",
                                         format_category(cat),
                                         {"project": project, "language": lang, "file": file}))
        for e in raw[AFK]:
            span = clip(e)
            if span:
                away = _text(e.data, "status") == "afk"
                rows[AFK].append(Span(AFK, *span, "away" if away else "present", None,
                                      {"status": "away" if away else "present"}, away=away))
        sessions: list[tuple[datetime, datetime, str, dict[str, str]]] = [
            (s.started, s.ended, str(s.mode),
             {"mode": str(s.mode), "context": s.context,
              "result": "completed" if s.completed else "abandoned"}) for s in finished]
        if running is not None:
            state = running.state
            sessions.append((state.started, self._clock.now(), str(state.plan.mode),
                             {"mode": str(state.plan.mode), "context": state.context or "",
                              "result": "running"}))
        for s_start, s_end, mode, detail in sessions:
            a, b = max(s_start, start), min(s_end, end)
            if b > a:
                rows[FOCUS].append(Span(FOCUS, a.astimezone(tz), b.astimezone(tz), mode, None,
                                        detail))
        for spans in rows.values():
            spans.sort(key=lambda s: s.start)
        return Timeline(day, start.astimezone(tz), end.astimezone(tz),
                        {r: tuple(v) for r, v in rows.items()})


def feed(timeline: Timeline, limit: int = FEED_ITEMS) -> tuple[FeedItem, ...]:
    """The latest windows of the timeline, newest first; consecutive spans of one window are one
    item (a window keeps the focus across several events)."""
    items: list[FeedItem] = []
    for s in reversed(timeline.rows[WINDOW]):
        app, title = s.detail.get("app", ""), s.detail.get("title", "")
        last = items[-1] if items else None
        if last is not None and last.app == app and last.title == title:
            items[-1] = FeedItem(s.start, last.seconds + s.seconds, app, title, last.category)
            continue
        if len(items) == limit:
            break
        items.append(FeedItem(s.start, s.seconds, app, title, s.category))
    return tuple(items)
