"""The dashboard window on a seeded week in a real database: the data handed to each chart, the
state shown, keyboard navigation, drill-down, hover and live refresh (timers fired by hand)."""

import sqlite3
import sys
from datetime import timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # dashboard_seed (tests import as modules)

pytest.importorskip("PySide6")
pytest.importorskip("pyqtgraph")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from dashboard_seed import LAST, NOW, seed_week, settings_for  # noqa: E402
from tracker_desktop.app import build_app  # noqa: E402
from tracker_desktop.domain.clock import FakeClock  # noqa: E402
from tracker_desktop.domain.days import day_period  # noqa: E402
from ui.dashboard import build_dashboard, open_dashboard  # noqa: E402
from ui.theme import DARK, LIGHT  # noqa: E402


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("dash") / "data"
    data_dir.mkdir()
    seed_week(data_dir)
    return data_dir


@pytest.fixture
def app(seeded):
    a = build_app(settings_for(seeded), FakeClock(NOW), create=False)
    yield a
    a.close()


def loaded(qtbot, app, **kw):
    w = build_dashboard(app, app.clock, theme=kw.pop("theme", "light"), **kw)
    qtbot.addWidget(w)
    w.vm.load()
    assert w.vm.worker.wait(60_000)
    assert w.vm.view is not None, "the first load rendered"
    return w


def wait(w):
    assert w.vm.worker.wait(60_000)


def test_every_chart_gets_the_services_figures(qtbot, app):
    w = loaded(qtbot, app)
    report = app.reports.report(day_period(LAST))
    view = w.vm.view
    assert w.period_label.text() == "Friday, 09 January 2026"
    assert w.active_label.text() == view.active != "0 s"
    # Bars: top-level categories of the day, most first, in hours.
    tops = sorted(((c.name, c.seconds) for c in report.category_tree if " > " not in c.name),
                  key=lambda x: -x[1])
    assert w.bars.labels == tuple(n for n, _ in tops)[:10]
    assert w.bars.values == pytest.approx(tuple(s / 3600 for _, s in tops)[:10])
    assert w.bars.unit == "hours"
    # Gauge: the day's score in its band's colour.
    assert w.gauge.value == report.productivity_score
    assert w.gauge.color == LIGHT.band(view.band)
    assert len(w.spark.values) == 7
    # Timeline: five rows; the window row has a block per window event of the day.
    assert [r.name for r in w.timeline.rows] == ["window", "browser", "editor", "afk", "focus"]
    with sqlite3.connect(app.settings.db_path) as conn:
        start, end = app.reading_rollups.bounds(LAST)
        n = conn.execute("SELECT count(*) FROM events WHERE source='window' AND start_us >= ? "
                         "AND start_us < ?", (int(start.timestamp() * 1e6),
                                              int(end.timestamp() * 1e6))).fetchone()[0]
    assert len(w.timeline.rows[0].starts) == n > 100
    assert len(w.timeline.rows[4].starts) == 3  # the seeded focus sessions
    assert "focus session" in w.legend.text()
    # Heatmap 7 x 24 and a 12-week trend.
    assert len(w.heatmap.matrix) == 7 and all(len(r) == 24 for r in w.heatmap.matrix)
    assert sum(map(sum, w.heatmap.matrix)) > 0
    assert len(w.trend.values) == 12 and w.trend.values[-1] > 0
    # Goals: one progress bar each; the focus panel; the feed.
    assert w.goals_box.count() == 3 * len(report.goals)
    assert w.focus_box.count() >= 6
    assert w.feed_box.count() == 4 * min(10, len(view.feed)) > 0


def test_keyboard_navigation(qtbot, app):
    w = loaded(qtbot, app)
    w.show()
    qtbot.waitExposed(w)
    w.windowHandle().requestActivate()  # window shortcuts need the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(w, Qt.Key.Key_Left)
    wait(w)
    assert w.vm.nav.anchor == LAST - timedelta(days=1)
    assert w.period_label.text() == "Thursday, 08 January 2026"
    qtbot.keyClick(w, Qt.Key.Key_PageUp)
    wait(w)
    assert w.vm.nav.anchor == LAST - timedelta(days=2)
    qtbot.keyClick(w, Qt.Key.Key_W)
    wait(w)
    assert w.vm.nav.kind == "week" and w.kind_actions["week"].isChecked()
    assert w.period_label.text().startswith("Week 2, 2026")
    assert w.trend_card.title.text() == "Active time per week"
    qtbot.keyClick(w, Qt.Key.Key_M)
    wait(w)
    assert w.vm.nav.kind == "month" and w.trend_card.title.text() == "Active time per month"
    qtbot.keyClick(w, Qt.Key.Key_PageDown)
    wait(w)
    assert w.period_label.text() == "February 2026"
    assert w.empty_label.isVisible() is False or w.vm.view.empty
    assert w.vm.view.empty  # nothing recorded in February
    qtbot.keyClick(w, Qt.Key.Key_D)
    qtbot.keyClick(w, Qt.Key.Key_T)
    wait(w)
    assert w.vm.nav.kind == "day" and w.vm.nav.anchor == LAST
    assert not w.next_action.isEnabled()  # nothing after today


def test_drill_down_by_click_and_back(qtbot, app):
    w = loaded(qtbot, app)
    assert w.bars.labels[0] == "Work" and w.bars.keys[0] == "Work"
    w.bars.click_bar(0)
    assert w.vm.drill == "Work" and w.crumb.text() == "Categories › Work"
    assert "Programming" in w.bars.labels
    assert w.back_button.isVisibleTo(w)
    w.back_button.click()
    assert w.vm.drill is None and w.bars.labels[0] == "Work"
    # Apps: a click shows the app's top titles.
    apps_button = next(b for b in w.dimension_buttons.buttons() if b.text() == "Apps")
    apps_button.click()
    assert w.bars_card.title.text() == "Time by apps"
    first = w.bars.labels[0]
    w.bars.click_bar(0)
    assert w.crumb.text() == f"Apps › {first}"
    assert w.dimension_button["apps"].isChecked() and not w.dimension_button["categories"].isChecked()
    assert w.bars.unit == "minutes"  # a window title has minutes, not hours, on a day
    titles = next(a for a in app.reports.report(day_period(LAST)).apps if a.name == first).titles
    assert w.bars.labels == tuple(t.name for t in titles)[:10]
    loads = w.vm.loads
    w.vm.set_dimension("domains")
    assert w.vm.loads == loads  # switching what the bars show queries nothing


def test_hover_shows_what_a_block_was(qtbot, app):
    w = loaded(qtbot, app)
    row = w.timeline.rows[0]
    hour = row.starts[10] + row.widths[10] / 2
    tip = w.timeline.span_at(0, hour)
    assert tip is not None and "app: " in tip and "title: " in tip and "category: " in tip
    assert w.timeline.span_at(0, 0.01) is None  # nobody works at midnight in the seed
    browser = w.timeline.rows[1]
    assert "domain: " in w.timeline.span_at(1, browser.starts[0] + browser.widths[0] / 2)
    # Zoom and pan along time only.
    assert w.timeline.getPlotItem().vb.state["mouseEnabled"] == [True, False]


def test_live_refresh_reads_again_only_when_the_database_changed(qtbot, app):
    w = loaded(qtbot, app)
    loads = w.vm.loads
    w.refresh_timer.timeout.emit()
    wait(w)
    assert w.vm.version_checks == 1 and w.vm.loads == loads  # nothing new: no re-read
    with sqlite3.connect(app.settings.db_path) as conn:
        start = int((NOW - timedelta(minutes=30)).timestamp() * 1e6)
        conn.execute("INSERT INTO events (source, start_us, duration_us, data, counts) VALUES "
                     "('window', ?, 60000000, '{\"app\":\"newapp\",\"title\":\"fresh\"}', '{}')",
                     (start,))
    w.refresh_timer.timeout.emit()
    wait(w)
    wait(w)
    assert w.vm.loads == loads + 1
    assert w.vm.view.feed[0][1] == "newapp"
    # A period without today is never re-read.
    w.vm.step(-3)
    wait(w)
    checks = w.vm.version_checks
    w.refresh_timer.timeout.emit()
    assert w.vm.version_checks == checks


def test_theme_switches_in_place(qtbot, app):
    w = loaded(qtbot, app)
    bars = w.bars.values
    w.apply_theme(DARK)
    assert w.theme is DARK and all(c.theme is DARK for c in (w.timeline, w.bars, w.heatmap, w.trend))
    assert w.gauge.theme is DARK and w.gauge.color == DARK.band(w.vm.view.band)
    assert w.palette().color(w.backgroundRole()).name() == DARK.window
    assert w.bars.values == bars  # re-rendered from the data it had
    w.apply_theme(LIGHT)
    assert w.palette().color(w.backgroundRole()).name() == LIGHT.window


def test_dark_theme_and_open_dashboard_reuses_the_window(qtbot, app):
    w = loaded(qtbot, app, theme="dark")
    assert w.theme is DARK and w.timeline.theme is DARK
    assert w.palette().color(w.backgroundRole()).name() == DARK.window
    again = open_dashboard(app, app.clock, period="week", day=LAST, existing=w)
    assert again is w
    wait(w)
    assert w.vm.nav.kind == "week" and w.isVisible()


def test_saved_settings_apply_to_the_open_window(qtbot, app):
    import msgspec

    from tracker_desktop.config import AnalysisSettings, GoalSettings

    w = loaded(qtbot, app)
    assert [g.name for g in w.vm.view.goals] == ["Daily active time", "Media at most 1 h a day"]
    new_settings = msgspec.structs.replace(app.settings, analysis=msgspec.structs.replace(
        app.settings.analysis, timezone="UTC",
        goals=[GoalSettings(name="Code 2 h", metric="coding", min_minutes=120)]))
    new_app = build_app(new_settings, app.clock, create=False)
    try:
        w2 = open_dashboard(new_app, app.clock, period="day", day=LAST, existing=w)
        qtbot.addWidget(w2)
        assert w2 is not w
        wait(w2)
        assert [g.name for g in w2.vm.view.goals] == ["Daily active time", "Code 2 h"]
        assert open_dashboard(new_app, app.clock, existing=w2) is w2  # same settings: reused
        wait(w2)
    finally:
        new_app.close()


def test_opening_the_window_touches_no_database_on_the_gui_thread(qtbot, app, monkeypatch):
    import threading

    import storage.lite

    gui = threading.get_ident()
    opened_on = []
    real = storage.lite.connect_current

    def spy(path):
        opened_on.append(threading.get_ident())
        return real(path)

    monkeypatch.setattr(storage.lite, "connect_current", spy)
    w = build_dashboard(app, app.clock, theme="light")
    qtbot.addWidget(w)
    assert opened_on == []  # building the window opened nothing
    w.vm.load()
    wait(w)
    assert opened_on and gui not in opened_on  # the worker opened its connection
