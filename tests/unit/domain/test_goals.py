from datetime import date, datetime, timezone

import pytest

from tracker_desktop.domain.goals import ACTIVE, CATEGORY, Goal, evaluate, streak
from tracker_desktop.domain.summary import DaySummary

T = datetime(2026, 1, 1, tzinfo=timezone.utc)


def day(d, active=0.0, **cats):
    categories = {k.replace("_", " > "): (v, 0.0) for k, v in cats.items()}
    return DaySummary(d, T, T, active=active, categories=categories)


def test_daily_goal_counts_days_met_and_reports_the_last_day():
    g = Goal("4h", ACTIVE, "day", 4 * 3600)
    s = {date(2026, 1, 5): day(date(2026, 1, 5), 5 * 3600), date(2026, 1, 6): day(date(2026, 1, 6), 3600)}
    p = evaluate(g, s, date(2026, 1, 5), date(2026, 1, 7))
    assert (p.periods, p.periods_met, p.seconds, p.met) == (3, 1, 0.0, False)
    assert p.average == 2 * 3600
    j = p.to_json()
    assert j["direction"] == "at_least" and j["target_seconds"] == 4 * 3600


def test_category_goal_includes_subcategories_and_caps_are_met_when_under():
    coding = Goal("code", CATEGORY, "day", 3600, category=("Work", "Programming"))
    cap = Goal("media", CATEGORY, "day", 1800, at_most=True, category=("Media",))
    s = {date(2026, 1, 5): day(date(2026, 1, 5), 9000, Work_Programming=1800,
                               Work_Programming_Docs=1800, Media_Video=1200, Media_Music=1200,
                               Workshop=999)}
    assert evaluate(coding, s, date(2026, 1, 5), date(2026, 1, 5)).seconds == 3600
    p = evaluate(cap, s, date(2026, 1, 5), date(2026, 1, 5))
    assert p.seconds == 2400 and not p.met and round(p.percent) == 133


def test_weekly_goal_sums_whole_iso_weeks_up_to_the_last_day():
    g = Goal("20h", ACTIVE, "week", 20 * 3600)
    s = {date(2026, 1, d): day(date(2026, 1, d), 5 * 3600) for d in range(5, 12)}  # Mon..Sun
    s.update({date(2026, 1, 12): day(date(2026, 1, 12), 3600)})
    p = evaluate(g, s, date(2026, 1, 7), date(2026, 1, 12))
    # Week of the 5th counts from Monday even though the range starts on Wednesday.
    assert p.periods == 2 and p.periods_met == 1 and p.seconds == 3600


def test_streak_counts_back_to_the_first_missed_day():
    values = {date(2026, 1, d): 5 * 3600 for d in (2, 3, 5, 6, 7)}
    get = lambda d: values.get(d, 0.0)  # noqa: E731
    assert streak(get, date(2026, 1, 7), 4 * 3600) == 3
    assert streak(get, date(2026, 1, 4), 4 * 3600) == 0
    assert streak(get, date(2026, 1, 3), 4 * 3600, floor=date(2026, 1, 3)) == 1


def test_today_in_progress_does_not_break_the_streak():
    values = {date(2026, 1, d): 5 * 3600 for d in (5, 6)}
    values[date(2026, 1, 7)] = 600
    get = lambda d: values.get(d, 0.0)  # noqa: E731
    assert streak(get, date(2026, 1, 7), 4 * 3600, today=date(2026, 1, 7)) == 2
    assert streak(get, date(2026, 1, 7), 4 * 3600, today=date(2026, 1, 8)) == 0


def test_bad_goals_are_refused():
    with pytest.raises(ValueError):
        Goal("x", "coding", "day", 1)
    with pytest.raises(ValueError):
        Goal("x", CATEGORY, "day", 1)
    with pytest.raises(ValueError):
        Goal("x", ACTIVE, "month", 1)


# -- work days (issue 7, item 12) -------------------------------------------------------------
WORK = frozenset(range(5))


def test_a_weekend_does_not_break_a_monday_to_friday_streak():
    # Mon 5 .. Fri 9 and Mon 12, Tue 13 met the goal; nothing on the weekend of the 10th/11th.
    values = {date(2026, 1, d): 5 * 3600 for d in (5, 6, 7, 8, 9, 12, 13)}
    get = lambda d: values.get(d, 0.0)  # noqa: E731
    assert streak(get, date(2026, 1, 13), 4 * 3600) == 2  # every day a work day: broken
    assert streak(get, date(2026, 1, 13), 4 * 3600, work_days=WORK) == 7
    assert streak(get, date(2026, 1, 11), 4 * 3600, work_days=WORK) == 5  # ending on a Sunday
    # A Tuesday in progress, under the goal so far, counts from Monday back across the weekend.
    values[date(2026, 1, 13)] = 600
    assert streak(get, date(2026, 1, 13), 4 * 3600, today=date(2026, 1, 13), work_days=WORK) == 6
    assert streak(get, date(2026, 1, 13), 4 * 3600, floor=date(2026, 1, 12), work_days=WORK) == 0
    assert streak(get, date(2026, 1, 12), 4 * 3600, floor=date(2026, 1, 10), work_days=WORK) == 1
    assert streak(get, date(2026, 1, 12), 4 * 3600, work_days=frozenset()) == 0


def test_daily_goals_count_work_days_only():
    g = Goal("4h", ACTIVE, "day", 4 * 3600)
    s = {date(2026, 1, d): day(date(2026, 1, d), 5 * 3600) for d in (5, 6, 7, 8, 9)}
    p = evaluate(g, s, date(2026, 1, 5), date(2026, 1, 11), work_days=WORK)  # Mon..Sun
    assert (p.periods, p.periods_met, p.average) == (5, 5, 5 * 3600)
    assert p.seconds == 0.0  # the last day's (Sunday's)
    p = evaluate(g, s, date(2026, 1, 5), date(2026, 1, 11))
    assert (p.periods, p.periods_met) == (7, 5)
    off = evaluate(g, {}, date(2026, 1, 10), date(2026, 1, 11), work_days=WORK)
    assert (off.periods, off.periods_met, off.seconds) == (0, 0, 0.0)
