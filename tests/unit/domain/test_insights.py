"""Insights and plans, pure: what is sent at each privacy level, the answers' shapes, and the
local heuristics."""

import json
from datetime import date

import pytest

from tracker_desktop.domain.insights import (
    Analysis,
    DayFacts,
    InvalidOutput,
    OpenTask,
    Stretch,
    input_hash,
    local_analysis,
    local_plan,
    parse_analysis,
    parse_plan,
    payload,
)

DAY = date(2026, 3, 10)

FACTS = DayFacts(
    day=DAY, active_minutes=420, idle_minutes=60, score=72,
    categories={"Work > Programming": 300, "Media > Video": 60},
    apps={"code": 300, "firefox": 120, "secret-app": 10},
    domains={"github.com": 50, "youtube.com": 60},
    projects={"tracker": 280}, languages={"Python": 250},
    context_switches=380, hourly=[0] * 9 + [60] * 7 + [0] * 8,
    stretches=(Stretch(9.0, 150, 85, "Work"), Stretch(14.5, 20, 20, "Media > Video")),
    titles={"Bank statement – private.pdf": 12}, files={"/home/ann/notes/diary.md": 30},
    open_tasks=(OpenTask("task-1", "Write the quarterly report", "high", date(2026, 3, 11), 120),),
)


def test_the_default_level_sends_names_and_durations_never_titles_files_or_task_titles():
    sent = json.dumps(payload("analysis", DAY, FACTS, [], "aggregates"))
    assert "code" in sent and "github.com" in sent and "tracker" in sent
    assert "Bank statement" not in sent and "diary.md" not in sent and "/home/ann" not in sent
    plan = json.dumps(payload("plan", DAY, FACTS, [], "aggregates"))
    assert "task-1" in plan and "quarterly" not in plan


def test_richer_levels_add_task_titles_then_window_titles_and_files():
    tasks = json.dumps(payload("plan", DAY, FACTS, [], "tasks"))
    assert "Write the quarterly report" in tasks and "Bank statement" not in tasks
    detailed = json.dumps(payload("analysis", DAY, FACTS, [], "detailed"))
    assert "Bank statement" in detailed and "diary.md" in detailed


def test_excluded_names_are_never_sent_whatever_their_case():
    sent = json.dumps(payload("analysis", DAY, FACTS, [FACTS], "detailed",
                              excluded=["SECRET-APP", "youtube.com"]))
    assert "secret-app" not in sent and "youtube.com" not in sent and "firefox" in sent


def test_unknown_privacy_level_is_refused():
    with pytest.raises(ValueError, match="privacy level"):
        payload("analysis", DAY, FACTS, [], "everything")


def test_the_input_hash_changes_with_the_data_and_the_model_only():
    a = payload("analysis", DAY, FACTS, [], "aggregates")
    assert input_hash("analysis", "m", "p", a) == input_hash("analysis", "m", "p", dict(a))
    assert input_hash("analysis", "m", "p", a) != input_hash("analysis", "m2", "p", a)
    b = payload("analysis", DAY, DayFacts(day=DAY, active_minutes=1), [], "aggregates")
    assert input_hash("analysis", "m", "p", a) != input_hash("analysis", "m", "p", b)


GOOD = {"bottlenecks": [{"type": "context_switching", "description": "many switches",
                         "frequency": 3, "impact": "high"}],
        "insights": [{"category": "focus", "observation": "o", "recommendation": "r"}],
        "tool_suggestions": [{"tool": "t", "reason": "r", "priority": "low"}]}


def test_a_well_formed_analysis_round_trips():
    a = parse_analysis(GOOD)
    assert isinstance(a, Analysis) and a.to_json() == GOOD


@pytest.mark.parametrize("bad, why", [
    ({**GOOD, "bottlenecks": [{**GOOD["bottlenecks"][0], "impact": "huge"}]}, "not one of"),
    ({k: v for k, v in GOOD.items() if k != "insights"}, "'insights' is missing"),
    ({**GOOD, "extra": 1}, "unexpected"),
    ({**GOOD, "bottlenecks": [{**GOOD["bottlenecks"][0], "frequency": "3"}]}, "whole number"),
    ({**GOOD, "insights": [{"category": "x", "observation": " ", "recommendation": "r"}]},
     "non-empty"),
    ("not json at all", "expected an object"),
])
def test_malformed_analyses_are_rejected_with_the_reason(bad, why):
    with pytest.raises(InvalidOutput, match=why):
        parse_analysis(bad)


PLAN = {"date": "2026-03-11", "learning_task": "l", "reflection_question": "q",
        "tomorrow_tasks": [{"task": "a", "priority": "urgent", "estimated_duration": 30}]}


def test_a_plan_must_be_for_the_asked_day_and_in_range():
    assert parse_plan(PLAN, date(2026, 3, 11)).tomorrow_tasks[0].task == "a"
    with pytest.raises(InvalidOutput, match="not 2026-03-12"):
        parse_plan(PLAN, date(2026, 3, 12))
    with pytest.raises(InvalidOutput, match="out of range"):
        parse_plan({**PLAN, "tomorrow_tasks": [{**PLAN["tomorrow_tasks"][0],
                                                 "estimated_duration": 5000}]})
    with pytest.raises(InvalidOutput, match="fewer than 1"):
        parse_plan({**PLAN, "tomorrow_tasks": []})


def test_ticking_off_survives_the_stored_form():
    plan = parse_plan(PLAN).tick(1)
    again = parse_plan(plan.to_json(), stored=True)
    assert again.done == 1 and again.tomorrow_tasks[0].done
    with pytest.raises(IndexError, match="no task 2"):
        plan.tick(2)


def test_local_analysis_finds_switching_long_stretches_and_distraction():
    a = local_analysis(FACTS, [])
    kinds = {b.type for b in a.bottlenecks}
    assert kinds == {"context_switching", "no_breaks", "distraction_spike"}
    switching = next(b for b in a.bottlenecks if b.type == "context_switching")
    assert switching.frequency == 380 and "54 an hour" in switching.description
    assert any("09:00" in i.observation for i in a.insights)  # a peak hour
    assert any("youtube.com" in t.tool for t in a.tool_suggestions)


def test_a_quiet_focused_day_has_no_bottlenecks():
    calm = DayFacts(day=DAY, active_minutes=300, context_switches=30,
                    stretches=(Stretch(9, 50, 90), Stretch(10, 45, 88)), hourly=[0] * 9 + [60] * 5 + [0] * 10)
    assert local_analysis(calm).bottlenecks == ()


def test_a_streak_at_risk_is_said_late_in_the_day_only():
    day = DayFacts(day=DAY, active_minutes=100, streak_days=12, daily_goal_minutes=240)
    late = local_analysis(day, now_hour=18)
    assert any("12-day streak is at risk" in i.observation for i in late.insights)
    assert not any("streak" in i.observation for i in local_analysis(day, now_hour=9).insights)


def test_estimate_bias_is_reported_both_ways():
    over = local_analysis(DayFacts(day=DAY, active_minutes=60, estimate_bias_percent=35))
    under = local_analysis(DayFacts(day=DAY, active_minutes=60, estimate_bias_percent=-25))
    assert any("35 % longer" in i.observation for i in over.insights)
    assert any("25 % shorter" in i.observation for i in under.insights)


def test_the_local_plan_puts_overdue_then_urgent_then_high_and_fits_the_usual_day():
    tasks = (
        OpenTask("task-1", "low one", "low", None, 60),
        OpenTask("task-2", "overdue", "medium", date(2026, 3, 9), 60),
        OpenTask("task-3", "high one", "high", None, 60),
        OpenTask("task-4", "urgent one", "urgent", None, 60),
        OpenTask("task-5", "huge", "high", None, 2000),
    )
    facts = DayFacts(day=DAY, active_minutes=240, open_tasks=tasks, languages={"Rust": 100})
    plan = local_plan(date(2026, 3, 11), facts, [])
    names = [t.task for t in plan.tomorrow_tasks]
    assert names[:3] == ["overdue", "urgent one", "high one"]
    assert plan.tomorrow_tasks[0].priority == "urgent"  # overdue becomes urgent
    assert sum(t.estimated_duration for t in plan.tomorrow_tasks) <= 240 * 0.75 + 180
    assert "Rust" in plan.learning_task
    assert parse_plan(plan.to_json(), stored=True) == plan


def test_without_open_tasks_the_plan_still_has_a_task():
    plan = local_plan(DAY, DayFacts(day=DAY, projects={"tracker": 100}), [])
    assert plan.tomorrow_tasks[0].task == "Deep work on tracker"
