"""DashboardService on the memory unit of work: the timeline, heatmap, trend, sparkline days and
feed it hands the dashboard."""

from datetime import date, timedelta

from dashboard_fixture import DAY, a_day, at, make
from tracker_desktop.domain.days import day_period, month_period, week_period


def test_the_timeline_has_a_row_per_source_with_categories_and_afk():
    service, *_ = make(a_day())
    tl = service.timeline(DAY.date())
    assert list(tl.rows) == ["window", "browser", "editor", "afk", "focus"]
    window = tl.rows["window"]
    assert [(s.start.hour, s.label, s.category) for s in window] == [
        (9, "code", "Work > Programming"), (10, "Firefox", "Uncategorized"),
        (10, "code", "Work > Programming"), (11, "code", "Work > Programming"),
        (11, "Firefox", "Media > Video")]
    assert window[0].detail == {"app": "code", "title": "main.py - tracker - Visual Studio Code"}
    assert [(s.label, s.category) for s in tl.rows["browser"]] == [
        ("docs.python.org", "Work > Programming > Docs"), ("youtube.com", "Media > Video")]
    assert tl.rows["editor"][0].detail["file"] == "/src/tracker/main.py"
    assert [(s.start, s.end, s.away) for s in tl.rows["afk"] if s.away] == [(at(11), at(11.5), True)]
    assert tl.rows["focus"] == ()
    # The day before is not on this day's timeline.
    assert all(s.start >= tl.start for row in tl.rows.values() for s in row)


def test_events_crossing_midnight_are_clipped_to_the_day():
    from dashboard_fixture import window

    service, *_ = make([window(23, 25, "code", "late.py")])
    first = service.timeline(DAY.date()).rows["window"]
    second = service.timeline(DAY.date() + timedelta(days=1)).rows["window"]
    assert [(s.start, s.end) for s in first] == [(at(23), at(24))]
    assert [(s.start, s.end) for s in second] == [(at(24), at(25))]


def test_focus_sessions_show_on_the_timeline_and_in_the_count():
    service, uow, clock, focus = make(a_day(), now=at(13))
    focus.start(context="write the report")
    clock.advance(30 * 60)
    focus.stop(score=4)
    clock.advance(10 * 60)
    focus.start()  # still running at 13:40
    clock.advance(5 * 60)
    data = service.snapshot(day_period(DAY.date()), "day")
    spans = data.timeline.rows["focus"]
    assert [(s.start, s.end, s.detail["result"]) for s in spans] == [
        (at(13), at(13.5), "completed"),  # a 25-minute work phase finished
        (at(13) + timedelta(minutes=40), at(13) + timedelta(minutes=45), "running")]
    assert spans[0].detail["context"] == "write the report"
    assert data.focus_sessions_today == 1
    assert data.focus.sessions == 1


def test_snapshot_of_a_day():
    service, *_ = make(a_day())
    data = service.snapshot(day_period(DAY.date()), "day")
    assert data.report.active_seconds == 9000
    assert data.anchor == DAY.date()
    assert [p.day for p in data.recent] == [DAY.date() - timedelta(days=6 - i) for i in range(7)]
    assert [p.active_seconds for p in data.recent][-2:] == [3600, 9000]
    assert data.recent[0].score is None and data.recent[-1].score == 80
    # Heatmap: weekday x hour, Wednesday 09-12 and Tuesday 09.
    assert data.heatmap[2][9:12] == (3600, 3600, 1800) and data.heatmap[1][9] == 3600
    assert sum(map(sum, data.heatmap)) == 12600
    # Weekly trend: 12 ISO weeks ending with this one.
    assert len(data.trend) == 12 and data.trend[-1].label == "W02"
    assert data.trend[-1].active_seconds == 12600 and data.trend[-2].active_seconds == 0
    # Feed: newest first, the two consecutive views.py events are one item.
    assert [(f.app, f.seconds) for f in data.feed] == [
        ("Firefox", 1800), ("code", 3600), ("Firefox", 1800), ("code", 3600)]


def test_month_view_trends_by_month_and_week_view_keeps_the_anchor():
    service, *_ = make(a_day())
    month = service.snapshot(month_period("2026-01"), "month", DAY.date())
    assert [p.label for p in month.trend][-2:] == ["2025-12", "2026-01"]
    assert month.trend[-1].active_seconds == 12600 and len(month.trend) == 12
    assert month.anchor == DAY.date()
    week = service.snapshot(week_period("2026-W02"), "week", date(2026, 1, 6))
    assert week.anchor == date(2026, 1, 6) and week.report.active_seconds == 12600
    # An anchor outside the period falls back to its last day.
    assert service.snapshot(week_period("2026-W02"), "week", date(2025, 1, 1)).anchor == date(2026, 1, 11)


def test_version_moves_with_writes():
    service, uow, *_ = make(a_day())
    v = service.version()
    from dashboard_fixture import window

    with uow:
        uow.events.add(window(13, 14, "code", "new.py"))
        uow.commit()
    assert service.version() != v
