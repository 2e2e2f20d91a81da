"""The dashboard's Tasks, Insights and Leaderboard tabs on a real database: what each shows, and
that clicking start/done/delete/tick really changes the database (jobs waited on by hand)."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

pytest.importorskip("PySide6")
pytest.importorskip("pyqtgraph")

from dashboard_seed import LAST, NOW, settings_for  # noqa: E402
from tracker_desktop.app import build_app  # noqa: E402
from tracker_desktop.domain.clock import FakeClock  # noqa: E402
from ui.dashboard import build_dashboard  # noqa: E402


@pytest.fixture
def app(data_dir, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    a = build_app(settings_for(data_dir), FakeClock(NOW))
    yield a
    a.close()


def window(qtbot, app):
    w = build_dashboard(app, app.clock, theme="light")
    qtbot.addWidget(w)
    w.refresh_timer.stop()
    return w


def wait(w, tab=None):
    worker = (tab or w.tasks_tab).ctx.worker
    assert worker.wait(60_000)
    assert worker.wait(60_000)  # a write's follow-up read


def cells(table, col):
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_tasks_tab_lists_filters_and_its_buttons_write(qtbot, app):
    a = app.tasks.add("Write docs", priority="high", estimate_hours=2.0, project="tracker")
    b = app.tasks.add("Review PR", priority="low", project="other")
    app.tasks.entry_add(NOW - timedelta(hours=3), NOW - timedelta(hours=2), task_id=a.id)
    w = window(qtbot, app)
    assert [w.tabs.tabText(i) for i in range(w.tabs.count())] == [
        "Overview", "Tasks", "Insights", "Leaderboard"]
    tab = w.tasks_tab
    w.tabs.setCurrentWidget(tab)  # shown: it reads
    wait(w)
    assert cells(tab.table, 0) == ["Write docs", "Review PR"]
    assert cells(tab.table, 2) == ["high", "low"]
    assert cells(tab.table, 4) == ["2 h", ""]
    assert cells(tab.table, 5) == ["1 h 00 min", ""]
    assert cells(tab.table, 6) == ["50 % of 2 h", ""]
    assert tab.timer_label.text() == "No timer running"
    assert not tab.stop_button.isEnabled()
    shown = {tab.analytics_box.itemAtPosition(r, 0).widget().text():
             tab.analytics_box.itemAtPosition(r, 1).widget().text()
             for r in range(tab.analytics_box.rowCount())
             if tab.analytics_box.itemAtPosition(r, 0) is not None}
    assert shown["Tracked on tasks"] == "1 h 00 min" and shown["Write docs"] == "1 h 00 min"

    # Filters: project, then priority.
    tab.project_box.setCurrentIndex(tab.project_box.findData("other"))
    wait(w)
    assert cells(tab.table, 0) == ["Review PR"]
    tab.project_box.setCurrentIndex(0)
    tab.priority_box.setCurrentIndex(tab.priority_box.findData("high"))
    wait(w)
    assert cells(tab.table, 0) == ["Write docs"]
    tab.priority_box.setCurrentIndex(0)
    tab.search.setText("review")
    tab.search.returnPressed.emit()
    wait(w)
    assert cells(tab.table, 0) == ["Review PR"]
    tab.search.setText("")
    tab.search.returnPressed.emit()
    wait(w)

    # Start the timer on the selected task: stored, and shown.
    tab.select_task(b.id)
    tab.start_button.click()
    wait(w)
    running = app.tasks.timer_status()
    assert running is not None and running.task_id == b.id
    assert app.tasks.get(b.id).status == "in_progress"
    assert tab.timer_label.text() == "Timer: Review PR · 0:00"
    assert cells(tab.table, 0)[1] == "● Review PR"
    tab.pause_button.click()
    wait(w)
    assert app.tasks.timer_status().paused and tab.pause_button.text() == "Resume"
    tab.pause_button.click()
    wait(w)
    assert not app.tasks.timer_status().paused
    # Deleting the task with the running timer is refused and changes nothing.
    tab.confirm = lambda q: True
    tab.select_task(b.id)
    tab.delete_button.click()
    wait(w)
    assert app.tasks.get(b.id).title == "Review PR"
    assert "running timer" in w.status.currentMessage()
    tab.stop_button.click()
    wait(w)
    assert app.tasks.timer_status() is None

    # Inline edits go through the service; a bad one is refused and the row re-read.
    tab.table.item(0, 2).setText("urgent")
    wait(w)
    assert app.tasks.get(a.id).priority == "urgent"
    tab.table.item(0, 4).setText("90m")
    wait(w)
    assert app.tasks.get(a.id).estimate_hours == 1.5
    tab.table.item(0, 3).setText("2026-01-20")
    wait(w)
    assert str(app.tasks.get(a.id).due) == "2026-01-20"
    tab.table.item(0, 2).setText("whenever")
    wait(w)
    assert app.tasks.get(a.id).priority == "urgent" and cells(tab.table, 2)[0] == "urgent"
    assert "priority" in w.status.currentMessage()

    # Add, done, archive, delete (confirmed; a "no" deletes nothing).
    tab.new_title.setText("Plan sprint")
    tab.add_button.click()
    wait(w)
    assert "Plan sprint" in cells(tab.table, 0)
    # The live refresh leaves a cell being edited alone.
    loads = tab.loads
    tab.table.setCurrentCell(0, 0)
    tab.table.editItem(tab.table.item(0, 0))
    assert tab.editing()
    w.refresh_timer.timeout.emit()
    assert tab.loads == loads
    tab.table.setCurrentCell(0, 1)  # the editor closes, committing the unchanged title
    wait(w)
    assert not tab.editing()
    w.refresh_timer.timeout.emit()
    assert tab.loads > loads
    new = next(t for t in app.tasks.find() if t.title == "Plan sprint")
    tab.select_task(a.id)
    tab.done_button.click()
    wait(w)
    assert app.tasks.get(a.id).status == "done"
    tab.select_task(new.id)
    tab.confirm = lambda q: False
    tab.delete_button.click()
    wait(w)
    assert app.tasks.get(new.id)
    tab.confirm = lambda q: "Plan sprint" in q
    tab.select_task(new.id)
    tab.delete_button.click()
    wait(w)
    assert all(t.id != new.id for t in app.tasks.find())
    tab.select_task(b.id)
    tab.archive_button.click()
    wait(w)
    assert app.tasks.get(b.id).status == "archived"
    assert "Review PR" not in cells(tab.table, 0)


def test_insights_tab_shows_the_stored_results_and_ticks_the_plan(qtbot, app):
    w = window(qtbot, app)
    tab = w.insights_tab
    tab.load()
    wait(w, tab)
    assert tab.view.empty and tab.source_label.text() == "Source: nothing generated yet"
    assert tab.plan_box.count() == 1 and not tab.checks
    # No API key: both buttons make local results, off the GUI thread and off the reads'
    # worker (the server's one: generating with Claude can take a while).
    assert tab.slow is w.board_tab.ctx
    tab.analyze_button.click()
    assert not tab.analyze_button.isEnabled()
    assert tab.slow.worker.wait(60_000)
    wait(w, tab)
    tab.generate_button.click()
    assert tab.slow.worker.wait(60_000)
    wait(w, tab)
    assert tab.generate_button.isEnabled()
    stored = app.ai.stored("plan", LAST)
    analysis = app.ai.stored("analysis", LAST)
    assert stored is not None and stored.source == "local" and analysis is not None
    assert tab.source_label.text() == "Source: insights: local · plan: local"
    assert [c.text() for c in tab.checks] == [r.text for r in tab.view.plan]
    assert len(tab.checks) == len(stored.plan.tomorrow_tasks) > 0
    assert tab.lists["bottlenecks"].count() >= 1
    n = len(analysis.analysis.insights)
    assert tab.lists["patterns"].count() == max(n, 1)
    assert tab.kinds.tabText(1) == f"Patterns ({n})"
    assert tab.progress.value() == 0 and tab.progress.maximum() == len(tab.checks)
    tab.checks[0].setChecked(True)
    wait(w, tab)
    assert app.ai.stored("plan", LAST).plan.tomorrow_tasks[0].done
    assert tab.progress.value() == 1
    assert tab.checks[0].isChecked()
    tab.checks[0].setChecked(False)
    wait(w, tab)
    assert not app.ai.stored("plan", LAST).plan.tomorrow_tasks[0].done


def test_leaderboard_tab_says_not_opted_in_then_server_unreachable(qtbot, app):
    from sync.client.service import ACCOUNT_KEY

    w = window(qtbot, app)
    tab = w.board_tab
    tab.load()
    wait(w, tab)
    assert tab.view.state == "off"
    assert "sync register" in tab.message.text() and tab.table.isHidden()
    # Opted in, to a server that is not there: an error state, not a crash or a hang.
    with app.store.uow(write=True) as u:
        u.state.set(ACCOUNT_KEY, {"server": "http://127.0.0.1:9", "username": "me",
                                  "user_id": 1, "device": "d", "since": "2026-01-01"}, NOW)
        u.commit()
    tab.load()
    wait(w, tab)
    assert tab.view.state == "error"
    assert tab.message.text().startswith("Could not reach the leaderboard server http://127.0.0.1:9")
