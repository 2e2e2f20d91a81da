"""What the Tasks, Insights and Leaderboard tabs show, without Qt: the reads (`fetch_*`, run on
the dashboard's worker thread over the window's own App) and the views they become (`*_view`,
pure functions the tests check directly). The tab widgets in .tabs only render these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from .model import duration

ALL_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc)
STATUS_TITLES = {"todo": "To do", "in_progress": "In progress", "done": "Done",
                 "archived": "Archived"}
PRIORITY_MARKS = {"urgent": "‼", "high": "▲", "medium": "●", "low": "▽"}
IMPACT_MARKS = {"high": "●●●", "medium": "●●○", "low": "●○○"}
MARK_COLOURS = {"●●●": "#d84315", "●●○": "#f9a825", "●○○": "#757575"}  # impact / priority
METRICS = ("coding", "active", "productivity", "focus")
METRIC_TITLES = {"coding": "Coding time", "active": "Active time",
                 "productivity": "Productivity score", "focus": "Focus time"}


def hm(seconds: float) -> str:
    """Elapsed time as the tray shows it: 0:07, 1:42 (h:mm)."""
    m = int(seconds // 60)
    return f"{m // 60}:{m % 60:02d}"


# --- Tasks ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TaskFilter:
    status: str | None = None  # None: every status but archived
    priority: str | None = None
    project: str | None = None
    search: str = ""


@dataclass(frozen=True, slots=True)
class TasksData:
    tasks: tuple[Any, ...]  # domain Task
    all_projects: tuple[str, ...]
    analytics: Any  # domain TaskAnalytics over all time
    running: Any  # the running TimeEntry or None
    running_title: str
    now: datetime
    today: date


@dataclass(frozen=True, slots=True)
class TaskRow:
    id: int
    title: str
    status: str
    priority: str
    due: str
    estimate: str  # "2.5 h" or ""
    spent: str  # all time on it
    vs_estimate: str  # "80 % of 2.5 h" or ""
    running: bool
    overdue: bool


@dataclass(frozen=True, slots=True)
class TasksView:
    rows: tuple[TaskRow, ...]
    projects: tuple[str, ...]
    timer: str  # "Timer: Write docs · 0:42" / "paused" / "No timer running"
    timer_running: bool
    timer_paused: bool
    summary: tuple[tuple[str, str], ...]  # analytics lines (label, value)


def fetch_tasks(app: Any, flt: TaskFilter, today: date) -> TasksData:
    """Worker thread: the filtered tasks, the running timer and the analytics."""
    svc = app.tasks
    tasks = svc.find(status=flt.status, priority=flt.priority, project=flt.project or None,
                     search=flt.search or None)
    everything = svc.find()
    projects = tuple(sorted({t.project for t in everything if t.project}, key=str.casefold))
    now = svc.now()
    report = svc.report(ALL_TIME, now + timedelta(seconds=1))
    running = svc.timer_status()
    title = ""
    if running is not None and running.task_id is not None:
        title = report.analytics.titles.get(running.task_id) or svc.get(running.task_id).title
    elif running is not None:
        title = running.description or "(no task)"
    return TasksData(tuple(tasks), projects, report.analytics, running, title, now, today)


def tasks_view(data: TasksData) -> TasksView:
    a = data.analytics
    est = {e.task_id: e for e in a.estimations}
    running_id = data.running.task_id if data.running is not None else None
    rows = []
    for t in data.tasks:
        assert t.id is not None
        spent = a.per_task.get(t.id, 0.0)
        e = est.get(t.id)
        estimate = "" if t.estimate_hours is None else f"{t.estimate_hours:g} h"
        vs = ""
        if t.estimate_hours:
            actual_h = e.actual_hours if e is not None else spent / 3600
            vs = f"{100 * actual_h / t.estimate_hours:.0f} % of {t.estimate_hours:g} h"
        rows.append(TaskRow(t.id, t.title, t.status, t.priority,
                            "" if t.due is None else t.due.isoformat(), estimate,
                            duration(spent) if spent else "", vs,
                            running_id == t.id,
                            t.due is not None and t.due < data.today
                            and t.status not in ("done", "archived")))
    r = data.running
    if r is None:
        timer, running, paused = "No timer running", False, False
    else:
        elapsed = r.duration(data.now).total_seconds()
        timer = f"Timer: {data.running_title} · {hm(elapsed)}" + (" (paused)" if r.paused else "")
        running, paused = True, bool(r.paused)
    summary: list[tuple[str, str]] = [("Tracked on tasks", duration(a.total_seconds))]
    if a.untracked_task_seconds:
        summary.append(("Timer without a task", duration(a.untracked_task_seconds)))
    pct = a.estimation_pct  # total actual against total estimate, signed
    if pct is not None:
        summary.append(("Actual vs estimated", "on the estimates" if round(pct) == 0 else
                        f"{abs(pct):.0f} % {'over' if pct > 0 else 'under'} the estimates"))
    if a.on_time or a.late:
        summary.append(("Done on time / late", f"{a.on_time} / {a.late}"))
    if a.avg_completion_hours is not None:
        summary.append(("Average time to done", f"{a.avg_completion_hours:.1f} h"))
    top = sorted(a.per_task.items(), key=lambda kv: -kv[1])[:5]
    for task_id, secs in top:
        summary.append((a.titles.get(task_id, f"task {task_id}"), duration(secs)))
    return TasksView(tuple(rows), data.all_projects, timer, running, paused, tuple(summary))


def parse_estimate(text: str) -> float | None:
    """The estimate cell: hours ("2", "1.5", "90m", "" clears)."""
    word = text.strip().lower().removesuffix("h").strip()
    if not word:
        return None
    if word.endswith("m"):
        return float(word[:-1]) / 60
    return float(word)


# --- Insights ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class InsightsData:
    day: date
    analysis: Any  # AiResult or None
    plan: Any  # AiResult or None


@dataclass(frozen=True, slots=True)
class PlanRow:
    index: int  # 1-based, as App.ai.tick takes it
    text: str
    done: bool


@dataclass(frozen=True, slots=True)
class InsightsView:
    source: str
    bottlenecks: tuple[tuple[str, str], ...]  # (marker, text)
    patterns: tuple[tuple[str, str], ...]
    suggestions: tuple[tuple[str, str], ...]
    plan_title: str
    plan: tuple[PlanRow, ...]
    plan_done: int
    plan_extra: tuple[str, ...]  # learning task, reflection question
    empty: bool


def fetch_insights(app: Any, day: date) -> InsightsData:
    return InsightsData(day, app.ai.stored("analysis", day), app.ai.stored("plan", day))


def source_text(result: Any) -> str:
    if result is None:
        return ""
    if result.source == "claude":
        return f"Claude ({result.model})" if result.model else "Claude"
    return "local"


def insights_view(data: InsightsData) -> InsightsView:
    a = data.analysis.analysis if data.analysis is not None else None
    bottlenecks: tuple[tuple[str, str], ...] = ()
    patterns: tuple[tuple[str, str], ...] = ()
    suggestions: tuple[tuple[str, str], ...] = ()
    if a is not None:
        order = {"high": 0, "medium": 1, "low": 2}
        bottlenecks = tuple(
            (IMPACT_MARKS.get(b.impact, b.impact),
             f"{b.description}  ({b.type.replace('_', ' ')}, impact {b.impact})")
            for b in sorted(a.bottlenecks, key=lambda b: order.get(b.impact, 3)))
        patterns = tuple((i.category, f"{i.observation}\n→ {i.recommendation}")
                         for i in a.insights)
        suggestions = tuple(
            (IMPACT_MARKS.get(s.priority, s.priority), f"{s.tool}: {s.reason}  (priority {s.priority})")
            for s in sorted(a.tool_suggestions, key=lambda s: order.get(s.priority, 3)))
    plan = data.plan.plan if data.plan is not None else None
    rows: tuple[PlanRow, ...] = ()
    extra: tuple[str, ...] = ()
    if plan is not None:
        rows = tuple(PlanRow(i, f"{PRIORITY_MARKS.get(t.priority, '')} {t.task} "
                                f"({t.estimated_duration} min)", t.done)
                     for i, t in enumerate(plan.tomorrow_tasks, 1))
        extra = tuple(x for x in (plan.learning_task and f"Learn: {plan.learning_task}",
                                  plan.reflection_question
                                  and f"Reflect: {plan.reflection_question}") if x)
    sources = [f"insights: {source_text(data.analysis)}" if data.analysis else "",
               f"plan: {source_text(data.plan)}" if data.plan else ""]
    return InsightsView(
        source=" · ".join(s for s in sources if s) or "nothing generated yet",
        bottlenecks=bottlenecks, patterns=patterns, suggestions=suggestions,
        plan_title=f"Plan for {data.day:%A %d %B}", plan=rows,
        plan_done=sum(r.done for r in rows), plan_extra=extra,
        empty=data.analysis is None and data.plan is None)


# --- Leaderboard ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class BoardData:
    state: str  # "off" (not opted in), "error" (server unreachable or refused), "ok"
    account: Any = None  # sync Account
    body: Any = None  # the server's board
    error: str = ""


@dataclass(frozen=True, slots=True)
class BoardView:
    state: str
    message: str
    rows: tuple[tuple[str, str, str], ...]  # rank, name, value


def fetch_board(app: Any, period: str, metric: str, day: date | None = None) -> BoardData:
    """The board of the period around `day` (the dashboard's today) from the sync server."""
    sync = app.sync
    account = sync.account()
    if account is None:
        return BoardData("off")
    try:
        return BoardData("ok", account, sync.leaderboard(
            period=period, metric=metric, date=None if day is None else day.isoformat()))
    except Exception as exc:  # noqa: BLE001 - any failure of the server is shown, not raised
        return BoardData("error", account, error=str(exc) or type(exc).__name__)


def metric_value(metric: str, value: float) -> str:
    return f"{value:.0f}" if metric == "productivity" else duration(value)


def board_view(data: BoardData, metric: str) -> BoardView:
    if data.state == "off":
        return BoardView("off", "Not opted in to sync, so there is no leaderboard. Opt in with "
                                "`tracker-desktop sync register --server URL --username NAME` "
                                "(or `sync login`), then `sync privacy --visible` to appear.", ())
    if data.state == "error":
        return BoardView("error", f"Could not reach the leaderboard server "
                                  f"{data.account.server}: {data.error}", ())
    body = data.body or {}
    entries = body.get("entries", [])
    me = data.account.user_id if data.account is not None else None
    rows = tuple((str(e["rank"]), e["name"] + ("  (you)" if e.get("user_id") == me else ""),
                  metric_value(metric, float(e["value"]))) for e in entries)
    span = f"{body.get('start', '')} – {body.get('end', '')}"
    msg = (f"{METRIC_TITLES.get(metric, metric)}, {span}" if rows
           else f"Nobody on this board yet ({span}).")
    return BoardView("ok", msg, rows)
