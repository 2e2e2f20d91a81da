"""The dashboard's view-model logic, without Qt: navigation, colours, the trend arrow, and what
each chart is handed."""

import sys
from datetime import date

import pytest

from dashboard_fixture import DAY, a_day, make
from tracker_desktop.domain.days import day_period
from ui.dashboard.model import (
    Nav,
    bars,
    build_view,
    duration,
    goal_rows,
    score_band,
    timeline_rows,
    trend,
)


def test_the_view_model_logic_imports_no_qt():
    import subprocess

    code = ("import sys, ui.dashboard.model, tracker_desktop.services.dashboard; "
            "print([m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_nav_periods_and_steps():
    d = Nav("day", date(2026, 3, 1))
    assert d.period.first == d.period.last == date(2026, 3, 1)
    assert d.step(-1).anchor == date(2026, 2, 28) and d.step(1).anchor == date(2026, 3, 2)
    w = Nav("week", date(2026, 1, 7))
    assert (w.period.first, w.period.last) == (date(2026, 1, 5), date(2026, 1, 11))
    assert w.step(1).period.first == date(2026, 1, 12)
    m = Nav("month", date(2026, 1, 31))
    assert m.step(1).anchor == date(2026, 2, 28)  # clamped to the month's length
    assert m.step(-2).anchor == date(2025, 11, 30)
    assert m.step(12).period.first == date(2027, 1, 1)
    assert m.with_kind("week").period.first == date(2026, 1, 26)
    assert d.today(date(2026, 5, 5)) == Nav("day", date(2026, 5, 5))
    assert w.contains(date(2026, 1, 11)) and not w.contains(date(2026, 1, 12))
    assert d.title == "Sunday, 01 March 2026"
    assert w.title.startswith("Week 2, 2026")
    assert m.title == "January 2026"
    with pytest.raises(ValueError):
        Nav("year", date(2026, 1, 1))


def test_score_bands_follow_seed_003():
    assert [score_band(s) for s in (100, 80, 79.9, 60, 59.9, 0, None)] == [
        "good", "good", "fair", "fair", "poor", "poor", "none"]


def test_trend_arrow():
    assert trend([None, 70, 70, 80]) == ("up", 10)
    assert trend([80, 80, 70]) == ("down", -10)
    assert trend([80, 81]) == ("flat", 1)
    assert trend([None, None, 80]) == ("none", None)
    assert trend([80, None]) == ("none", None)
    assert trend([]) == ("none", None)


def test_duration_text():
    assert [duration(s) for s in (0, 35, 60, 3599, 3600, 3 * 3600 + 5 * 60)] == [
        "0 s", "35 s", "1 min", "59 min", "1 h 00 min", "3 h 05 min"]


@pytest.fixture(scope="module")
def data():
    service, *_ = make(a_day())
    return service.snapshot(day_period(DAY.date()), "day")


def test_category_bars_and_drill_down(data):
    top = bars(data, "categories")
    assert top.labels == ("Work", "Media") and top.hours == (2.0, 0.5)
    assert top.keys == ("Work", "Media") and top.crumb == ""
    work = bars(data, "categories", "Work")
    assert work.labels == ("Programming",) and work.hours == (2.0,)
    assert work.keys == ("Work > Programming",)  # has children: drillable again
    assert work.crumb == "Categories › Work"
    prog = bars(data, "categories", "Work > Programming")
    assert prog.labels == ("Docs",) and prog.hours == (0.5,) and prog.keys == ("",)


def test_app_bars_drill_into_titles(data):
    apps = bars(data, "apps")
    # Away time (11:00-11:30) is not active: code has 1.5 h.
    assert apps.labels == ("code", "Firefox") and apps.hours == (1.5, 1.0)
    assert apps.keys == ("code", "Firefox")
    code = bars(data, "apps", "code")
    assert code.labels == ("main.py - tracker - Visual Studio Code",
                           "views.py - tracker - Visual Studio Code")
    assert code.hours == (1.0, 0.5) and code.crumb == "Apps › code"


def test_other_dimensions(data):
    assert bars(data, "domains").labels == ("docs.python.org", "youtube.com")
    projects = bars(data, "projects")
    assert projects.labels == ("tracker",) and projects.hours == (1.0,) and projects.keys == ("tracker",)
    files = bars(data, "projects", "tracker")
    assert files.labels == ("main.py",) and files.hours == (1.0,) and files.crumb == "Projects › tracker"
    assert bars(data, "languages").labels == ("Python",)


def test_timeline_rows_in_hours_with_colours_and_tips(data):
    rows = {r.name: r for r in timeline_rows(data)}
    w = rows["window"]
    assert w.starts == (9.0, 10.0, 10.5, 11.0, 11.5) and w.widths == (1.0, 0.5, 0.5, 0.5, 0.5)
    assert w.colors == ("Work", "Uncategorized", "Work", "Work", "Media")
    assert w.tip(0).splitlines() == ["09:00:00–10:00:00 (1 h 00 min)", "app: code",
                                      "title: main.py - tracker - Visual Studio Code",
                                      "category: Work > Programming"]
    assert rows["afk"].colors == ("present", "away", "present")
    assert "domain: docs.python.org" in rows["browser"].tip(0)
    assert "file: /src/tracker/main.py" in rows["editor"].tip(0)
    assert rows["focus"].starts == ()


def test_goal_rows(data):
    g = goal_rows(data)
    assert [x.name for x in g] == ["Daily active time", "Media at most 1 h a day"]
    assert g[0].percent == pytest.approx(62.5) and not g[0].met and not g[0].cap
    assert g[0].text == "2 h 30 min of 4 h 00 min that day"
    assert g[1].met and g[1].cap and g[1].percent == 50


def test_build_view(data):
    v = build_view(data, Nav("day", DAY.date()), DAY.date())
    assert v.title == "Wednesday, 07 January 2026" and v.is_today and not v.empty
    assert v.active == "2 h 30 min" and v.score == 80 and v.score_text == "80" and v.band == "good"
    assert v.arrow == "down" and v.arrow_text == "-20 vs the 6 days before"
    assert v.spark == (0, 0, 0, 0, 0, 100, 80)
    assert v.spark_missing == (True,) * 5 + (False, False)
    assert v.spark_days[-1] == "Wed"
    assert v.bars.labels == ("Work", "Media")
    assert v.heatmap[2][9] == 1.0 and v.trend_hours[-1] == 3.5
    assert v.trend_title == "Active time per week"
    assert v.feed[0] == ("11:30", "Firefox", "cats - YouTube — Mozilla Firefox", "30 min")
    assert v.titles[0][0] == "code" and v.titles[0][1][0][1] == "1 h 00 min"
    assert v.categories_legend == ("Work", "Uncategorized", "Media")
    assert ("Focus sessions that day", "0") in v.focus_lines
    other = build_view(data, Nav("day", date(2026, 1, 1)), DAY.date(), "apps", "code")
    assert not other.is_today and other.bars.crumb == "Apps › code"


def test_an_empty_database_gives_an_empty_view_not_an_error():
    service, *_ = make([])
    data = service.snapshot(day_period(DAY.date()), "day")
    v = build_view(data, Nav("day", DAY.date()), DAY.date())
    assert v.empty and v.score is None and v.score_text == "–" and v.band == "none"
    assert v.arrow == "none" and v.arrow_text == ""
    assert v.bars.labels == () and v.feed == () and all(r.starts == () for r in v.timeline)
    assert v.spark_missing == (True,) * 7 and sum(map(sum, v.heatmap)) == 0
    assert v.streak == "0 days"
