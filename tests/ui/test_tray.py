"""The tray renders its view-model; the menu drives pause/resume through it."""

import pytest

pytest.importorskip("PySide6")

from ui.tray import TrayIcon  # noqa: E402
from ui.tray_model import TrayViewModel, describe  # noqa: E402


def status(paused=False, afk=False, window=("code", "main.py"), collectors=None):
    return {"paused": paused, "pause_until": None, "afk": afk,
            "window": {"app": window[0], "title": window[1]} if window else None,
            "collectors": collectors or {"window": True, "afk": True, "input": True}}


def test_describe_states():
    assert describe(status()).status_line == "Tracking"
    assert describe(status(afk=True)).status_line == "Away (AFK)"
    assert describe(status(paused=True)).status_line == "Paused"
    assert describe(status(collectors={"window": False, "afk": True, "input": False})).status_line == \
        "Tracking — off: window, input"
    assert describe(status(window=None)).window_line == "No active window"
    assert describe(status()).window_line == "code — main.py"


def test_tray_renders_and_pause_toggles(qtbot):
    current = {"s": status()}
    calls = []

    def pause():
        calls.append("pause")
        current["s"] = status(paused=True)

    def resume():
        calls.append("resume")
        current["s"] = status()

    vm = TrayViewModel(lambda: current["s"], pause, resume, lambda: calls.append("quit"))
    tray = TrayIcon(vm)
    assert tray.status_action.text() == "Tracking"
    assert tray.pause_action.text() == "Pause tracking"
    tray.pause_action.trigger()
    assert calls == ["pause"] and tray.pause_action.text() == "Resume tracking"
    assert tray.toolTip() == "tracker-desktop: Paused"
    tray.pause_action.trigger()
    assert calls == ["pause", "resume"] and tray.status_action.text() == "Tracking"
    current["s"] = status(window=("firefox", "docs"))
    vm.refresh()
    assert tray.window_action.text() == "firefox — docs"
    tray.quit_action.trigger()
    assert calls[-1] == "quit"
