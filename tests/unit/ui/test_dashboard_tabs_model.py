"""What the dashboard's Tasks, Insights and Leaderboard tabs show, from domain values (no Qt,
no database)."""

from datetime import date, datetime, timedelta, timezone

import pytest

from tracker_desktop.domain.insights import Analysis, Bottleneck, Insight, Plan, PlanTask, ToolSuggestion
from tracker_desktop.domain.tasks import Estimation, Task, TaskAnalytics, TimeEntry
from tracker_desktop.services.ai import AiResult
from tracker_desktop.services.dashboard import CodeItem, code_feed
from ui.dashboard import tabs_model as m

NOW = datetime(2026, 1, 9, 15, 0, tzinfo=timezone.utc)
TODAY = NOW.date()


def task(i, title, **kw):
    return Task(title, NOW, NOW, id=i, **kw)


def test_tasks_view_rows_timer_and_analytics():
    tasks = (task(1, "Write docs", priority="high", estimate_hours=2.0, status="in_progress",
                  due=date(2026, 1, 8)),
             task(2, "Review", priority="low", due=date(2026, 1, 20)),
             task(3, "Old", status="done", due=date(2026, 1, 1)))
    analytics = TaskAnalytics(per_task={1: 5400.0, 3: 600.0}, untracked_task_seconds=300.0,
                              estimations=(Estimation(1, "Write docs", 2.0, 1.5),),
                              on_time=1, late=2, avg_completion_hours=3.25,
                              titles={1: "Write docs", 3: "Old"})
    running = TimeEntry(NOW - timedelta(minutes=42), task_id=1)
    view = m.tasks_view(m.TasksData(tasks, ("tracker",), analytics, running, "Write docs", NOW,
                                    TODAY))
    r1, r2, r3 = view.rows
    assert (r1.title, r1.status, r1.priority, r1.estimate, r1.spent, r1.vs_estimate) == (
        "Write docs", "in_progress", "high", "2 h", "1 h 30 min", "75 % of 2 h")
    assert r1.running and r1.overdue and r1.due == "2026-01-08"
    assert not r2.running and not r2.overdue and r2.spent == "" and r2.vs_estimate == ""
    assert not r3.overdue  # done: not overdue however old its due date
    assert view.timer == "Timer: Write docs · 0:42" and view.timer_running
    assert not view.timer_paused and view.projects == ("tracker",)
    summary = dict(view.summary)
    assert summary["Tracked on tasks"] == "1 h 45 min"
    assert summary["Timer without a task"] == "5 min"
    assert summary["Actual vs estimated"] == "25 % under the estimates"
    assert summary["Done on time / late"] == "1 / 2"
    assert summary["Average time to done"] == "3.2 h"
    assert [k for k, _ in view.summary][-2:] == ["Write docs", "Old"]  # most time first
    idle = m.tasks_view(m.TasksData((), (), TaskAnalytics(), None, "", NOW, TODAY))
    assert idle.timer == "No timer running" and not idle.timer_running and idle.rows == ()


def test_estimates_parse_hours_and_minutes():
    assert m.parse_estimate("2") == 2.0
    assert m.parse_estimate("1.5 h") == 1.5
    assert m.parse_estimate("90m") == 1.5
    assert m.parse_estimate("") is None
    with pytest.raises(ValueError):
        m.parse_estimate("soon")


def test_insights_view_sorts_by_impact_and_names_the_source():
    analysis = Analysis(
        bottlenecks=(Bottleneck("switching", "Many switches", 40, "low"),
                     Bottleneck("meetings", "Meetings in the morning", 3, "high")),
        insights=(Insight("focus", "Best at 9-11", "Protect the morning"),),
        tool_suggestions=(ToolSuggestion("Pomodoro", "breaks", "medium"),))
    plan = Plan(TODAY, (PlanTask("Docs", "high", 60, done=True), PlanTask("Review", "low", 30)),
                "Read about X", "What went well?")
    view = m.insights_view(m.InsightsData(
        TODAY, AiResult("analysis", TODAY, "claude", "claude-x", analysis, None, cached=True),
        AiResult("plan", TODAY, "local", None, None, plan, cached=True)))
    assert view.source == "insights: Claude (claude-x) · plan: local"
    assert [mark for mark, _ in view.bottlenecks] == ["●●●", "●○○"]
    assert view.bottlenecks[0][1] == "Meetings in the morning  (meetings, impact high)"
    assert view.patterns == (("focus", "Best at 9-11\n→ Protect the morning"),)
    assert view.suggestions == (("●●○", "Pomodoro: breaks  (priority medium)"),)
    assert [(r.index, r.done) for r in view.plan] == [(1, True), (2, False)]
    assert view.plan[0].text == "▲ Docs (60 min)" and view.plan_done == 1
    assert view.plan_extra == ("Learn: Read about X", "Reflect: What went well?")
    assert not view.empty
    empty = m.insights_view(m.InsightsData(TODAY, None, None))
    assert empty.empty and empty.plan == () and empty.source == "nothing generated yet"


class Account:
    server = "https://board.example"
    user_id = 2


def test_board_view_states():
    off = m.board_view(m.BoardData("off"), "coding")
    assert off.state == "off" and "tracker-desktop sync register" in off.message
    err = m.board_view(m.BoardData("error", Account(), error="connection refused"), "coding")
    assert err.message == ("Could not reach the leaderboard server https://board.example: "
                           "connection refused") and err.rows == ()
    body = {"start": "2026-01-05", "end": "2026-01-11", "entries": [
        {"rank": 1, "user_id": 1, "name": "ann", "value": 7200.0},
        {"rank": 2, "user_id": 2, "name": "me", "value": 3600.0}]}
    ok = m.board_view(m.BoardData("ok", Account(), body), "coding")
    assert ok.rows == (("1", "ann", "2 h 00 min"), ("2", "me  (you)", "1 h 00 min"))
    assert ok.message == "Coding time, 2026-01-05 – 2026-01-11"
    score = m.board_view(m.BoardData("ok", Account(), {**body, "entries": [
        {"rank": 1, "user_id": 9, "name": "x", "value": 81.6}]}), "productivity")
    assert score.rows == (("1", "x", "82"),)
    assert "Nobody" in m.board_view(m.BoardData("ok", Account(), {"entries": []}), "focus").message


class G:
    def __init__(self, kind, ext, when, title="t"):
        self.kind, self.external_id, self.repo, self.title = kind, ext, "ann/acme", title
        self.url, self.state, self.occurred = "", "", when


class C:
    def __init__(self, sha, when):
        self.sha, self.when, self.subject, self.project = sha, when, "s", "acme"


def test_code_feed_merges_newest_first_and_drops_commits_github_has():
    items = code_feed([G("commit", "a" * 40, NOW - timedelta(hours=1)), G("issue", "I-1", NOW)],
                      [C("a" * 40, NOW - timedelta(hours=1)), C("b" * 40, NOW - timedelta(hours=3))],
                      timezone.utc)
    assert [(i.source, i.kind, i.ref) for i in items] == [
        ("github", "issue", "I-1"), ("github", "commit", "a" * 7), ("git", "commit", "b" * 7)]
    assert isinstance(items[0], CodeItem)
    assert len(code_feed([], [C(str(i), NOW) for i in range(40)], timezone.utc, limit=5)) == 5
