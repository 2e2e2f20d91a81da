"""The dashboard's Leaderboard tab against a real server process: an opted-in desktop sees the
board for the period and metric chosen, read off the GUI thread; the server going away turns
it into an error state."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

pytest.importorskip("PySide6")
pytest.importorskip("pyqtgraph")

from test_desktop_sync import NOW, Desktop, headless_keyring  # noqa: E402,F401

from tracker_desktop.app import build_app  # noqa: E402
from tracker_desktop.config import load_settings  # noqa: E402
from tracker_desktop.domain.clock import FakeClock  # noqa: E402


def test_the_leaderboard_tab_shows_the_servers_board(tmp_path, monkeypatch, server_process, qtbot):
    import msgspec

    from ui.dashboard import build_dashboard

    server = server_process(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    ann, bob = Desktop(tmp_path, "ann-laptop", monkeypatch), Desktop(tmp_path, "bob-desk", monkeypatch)
    ann.record(0, 120, "Python")
    bob.record(0, 90, "Rust", other_minutes=200)
    for desk, name in ((ann, "ann"), (bob, "bob")):
        desk.ok("sync", "register", "--server", server.url, "--username", name,
                "--display-name", name.title(), stdin="a good password\n")
        desk.ok("sync", "push", "--days", "2")
        desk.ok("sync", "privacy", "--visible")
    settings = msgspec.structs.replace(load_settings(ann.dir / "config.toml"),
                                       data_dir=ann.dir / "data")
    app = build_app(settings, FakeClock(NOW), create=False)
    try:
        w = build_dashboard(app, app.clock, theme="light")
        qtbot.addWidget(w)
        w.refresh_timer.stop()
        tab = w.board_tab
        w.tabs.setCurrentWidget(tab)  # shown: it reads
        assert tab.ctx.worker is not w.tasks_tab.ctx.worker  # the server never blocks the others
        assert tab.ctx.worker.wait(60_000)
        assert tab.view.state == "ok", tab.message.text()
        assert [tab.table.item(r, 1).text() for r in range(tab.table.rowCount())] == [
            "Ann  (you)", "Bob"]  # week, coding: 120 vs 90 min
        assert tab.table.item(0, 2).text() == "2 h 00 min"
        assert tab.message.text().startswith("Coding time, 2026-03-02 – 2026-03-08")
        tab.metric_box.setCurrentIndex(tab.metric_box.findData("active"))
        assert tab.ctx.worker.wait(60_000)
        assert [tab.table.item(r, 1).text() for r in range(tab.table.rowCount())] == [
            "Bob", "Ann  (you)"]  # 290 vs 120 min active
        tab.period_box.setCurrentIndex(tab.period_box.findData("day"))
        assert tab.ctx.worker.wait(60_000)
        assert tab.table.item(0, 2).text() == "4 h 50 min"
        server.stop()
        tab.refresh_button.click()
        assert tab.ctx.worker.wait(120_000)
        assert tab.view.state == "error" and tab.table.isHidden()
        assert tab.message.text().startswith(f"Could not reach the leaderboard server {server.url}")
    finally:
        app.close()
