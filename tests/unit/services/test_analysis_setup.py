from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from tracker_desktop.config import AnalysisSettings
from tracker_desktop.domain.days import day_bounds
from tracker_desktop.services.analysis_setup import SystemLocalTimezone, build_setup, resolve_timezone


def test_timezone_comes_from_the_setting_then_tz(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert resolve_timezone("Europe/Berlin")[1] == "Europe/Berlin"
    tz, name = resolve_timezone()
    assert name == "Asia/Tokyo" and tz == ZoneInfo("Asia/Tokyo")
    monkeypatch.setenv("TZ", ":America/New_York")
    assert resolve_timezone()[1] == "America/New_York"


def test_a_posix_tz_string_falls_back_to_the_c_library(monkeypatch):
    monkeypatch.setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")
    try:
        tz, name = resolve_timezone()
        assert isinstance(tz, SystemLocalTimezone) and name.startswith("TZ=")
        # DST rules of that string: the last Sunday of March has 23 hours.
        start, end = day_bounds(date(2026, 3, 29), tz)
        assert (end - start).total_seconds() == 23 * 3600
        assert start == datetime(2026, 3, 28, 23, tzinfo=timezone.utc)
    finally:
        monkeypatch.delenv("TZ")
        import time
        time.tzset()


def test_fingerprint_changes_with_what_changes_a_day_and_not_with_goals(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    base = build_setup(AnalysisSettings())
    assert build_setup(AnalysisSettings()).fingerprint == base.fingerprint
    for change in ({"day_start_hour": 4}, {"break_minutes": 10}, {"levels": {"Media": -1}},
                   {"rules": [{"category": "X", "app": "x"}]}, {"kinds": {"Work": "research"}},
                   {"default_rules": False}, {"merge_gap_seconds": 60}):
        assert build_setup(AnalysisSettings.model_validate(change)).fingerprint != base.fingerprint
    same = AnalysisSettings.model_validate({"daily_active_goal_minutes": 60, "goals": []})
    assert build_setup(same).fingerprint == base.fingerprint
    assert build_setup(AnalysisSettings(), tz_name="Europe/Berlin").fingerprint != base.fingerprint


def test_goals_from_settings(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    s = AnalysisSettings.model_validate({
        "daily_active_goal_minutes": 300,
        "coding_category": "Work > Code",
        "goals": [{"name": "code", "metric": "coding", "period": "week", "min_minutes": 600},
                  {"name": "social", "category": "Media > Social Media", "max_minutes": 30}]})
    setup = build_setup(s)
    daily, code, social = setup.goals
    assert (daily.metric, daily.seconds, setup.streak_seconds) == ("active", 18000, 18000)
    assert (code.category, code.period, code.seconds, code.at_most) == (("Work", "Code"), "week", 36000, False)
    assert (social.category, social.at_most, social.seconds) == (("Media", "Social Media"), True, 1800)


def test_user_rules_and_levels_reach_the_analysis(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    setup = build_setup(AnalysisSettings.model_validate({
        "rules": [{"category": "Work > Clients > Acme", "title": "acme"}],
        "levels": {"Work > Clients": 1}, "kinds": {"Work > Clients": "research"},
        "research_min_dwell_seconds": 90}))
    from tracker_desktop.domain.activity import Activity

    cat = setup.config.categorizer(Activity("window", app="code", title="acme.py"))
    assert cat == ("Work", "Clients", "Acme")
    assert setup.config.scoring.level(cat) == 1
    assert setup.config.scoring.strategy(cat).min_dwell == 90


def test_merge_gap_reaches_the_analysis_and_is_validated():
    import pytest
    from tracker_desktop.config import InvalidSettings

    assert build_setup(AnalysisSettings()).config.merge_gap == timedelta(seconds=120)
    s = AnalysisSettings.model_validate({"merge_gap_seconds": 30})
    assert build_setup(s).config.merge_gap == timedelta(seconds=30)
    for bad in (-1, 3601, "soon"):
        with pytest.raises(InvalidSettings):
            AnalysisSettings.model_validate({"merge_gap_seconds": bad})


def test_work_days_reach_the_setup_are_validated_and_do_not_change_the_fingerprint():
    import pytest
    from tracker_desktop.config import InvalidSettings

    base = build_setup(AnalysisSettings())
    assert base.work_days == frozenset({0, 1, 2, 3, 4})
    weekend = build_setup(AnalysisSettings.model_validate({"work_days": ["sat", "sun"]}))
    assert weekend.work_days == frozenset({5, 6}) and weekend.fingerprint == base.fingerprint
    for bad in ([], ["monday"], "mon"):
        with pytest.raises(InvalidSettings):
            AnalysisSettings.model_validate({"work_days": bad})
