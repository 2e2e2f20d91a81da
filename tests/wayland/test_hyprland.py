"""The Hyprland probe and watcher against a stand-in speaking Hyprland's socket protocol over
real Unix sockets (no Hyprland runs here: it needs a GPU). See standins.FakeHyprland."""

from __future__ import annotations

import subprocess
import threading

import pytest

from tests.wayland.standins import FakeHyprland, wait_for

pytestmark = pytest.mark.wayland


@pytest.fixture
def hypr(tmp_path):
    fake = FakeHyprland(tmp_path).start()
    sleeper = subprocess.Popen(["sleep", "60"])  # a real process for the window's pid
    fake.sleeper = sleeper
    yield fake
    sleeper.kill()
    sleeper.wait()
    fake.stop()


def test_socket_dir_follows_the_instance_signature(hypr, tmp_path):
    from collectors.base import CollectorUnavailable
    from collectors.hyprland import socket_dir

    assert socket_dir(hypr.env(tmp_path)) == hypr.dir
    with pytest.raises(CollectorUnavailable, match="HYPRLAND_INSTANCE_SIGNATURE"):
        socket_dir({"XDG_RUNTIME_DIR": str(tmp_path)})
    with pytest.raises(CollectorUnavailable, match="not found"):
        socket_dir({"HYPRLAND_INSTANCE_SIGNATURE": "nope", "XDG_RUNTIME_DIR": str(tmp_path)})


def test_probe_reads_the_active_window_and_names_its_process(hypr):
    from collectors.hyprland import HyprlandWindowProbe

    probe = HyprlandWindowProbe(hypr.dir)
    assert probe.active_window() is None  # nothing focused: Hyprland answers {}
    hypr.focus("55d1e0a0", "org.example.Editor", "notes.txt — Editor", hypr.sleeper.pid)
    info = probe.active_window()
    assert info is not None
    assert (info.app, info.title, info.pid) == ("sleep", "notes.txt — Editor", hypr.sleeper.pid)
    hypr.focus("55d1e0b0", "firefox", "Docs", 0)  # no pid: the class names the app
    info = probe.active_window()
    assert info is not None and (info.app, info.title, info.pid) == ("firefox", "Docs", None)
    assert hypr.requests.count("j/activewindow") == 3


def test_probe_says_none_while_hyprland_is_gone_and_recovers(hypr):
    from collectors.hyprland import HyprlandWindowProbe

    probe = HyprlandWindowProbe(hypr.dir)
    hypr.focus("1", "kitty", "shell", 0)
    (hypr.dir / ".socket.sock").rename(hypr.dir / "moved.sock")
    assert probe.active_window() is None
    (hypr.dir / "moved.sock").rename(hypr.dir / ".socket.sock")
    info = probe.active_window()
    assert info is not None and info.title == "shell"


def test_watcher_wakes_the_loop_on_focus_title_and_close_events_only(hypr):
    from collectors.hyprland import HyprlandSwitchWatcher

    seen = threading.Event()
    watcher = HyprlandSwitchWatcher(hypr.dir)
    watcher.start(seen.set)
    try:
        wait_for(lambda: hypr.listening() == 1, "the watcher to connect to socket 2")
        hypr.focus("a1", "kitty", "one", 0)
        assert seen.wait(2)
        seen.clear()
        hypr.emit("workspace>>2", "focusedmon>>DP-1,2", "openlayer>>bar")
        hypr.emit("windowtitle>>a1")  # a title change: a real wake-up, after the unrelated ones
        assert seen.wait(2)
        # Three events before windowtitle may arrive in one read with it: the count says how
        # many reads carried a switch, never one per unrelated event.
        assert watcher.changes == 2
        seen.clear()
        hypr.close_all()
        assert seen.wait(2)
    finally:
        watcher.stop()


def test_the_plan_builds_the_hyprland_probes(hypr, tmp_path, monkeypatch):
    """build_collectors under a Hyprland session: the window probe and watcher are Hyprland's;
    AFK is off with the reason (no compositor answers idle notifications here)."""
    from collectors.hyprland import HyprlandSwitchWatcher, HyprlandWindowProbe
    from tracker_desktop.app import build_collectors
    from tracker_desktop.config import Settings
    from tracker_desktop.domain.clock import SystemClock

    for key in ("DISPLAY", "SWAYSOCK", "XDG_CURRENT_DESKTOP"):
        monkeypatch.delenv(key, raising=False)
    for key, value in hypr.env(tmp_path).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-standin")  # no such socket
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    collectors, listener, watcher = build_collectors(Settings(), SystemClock())
    try:
        assert isinstance(collectors.window_probe, HyprlandWindowProbe)
        assert isinstance(watcher, HyprlandSwitchWatcher)
        assert listener is None and collectors.input_counter is None
        assert collectors.session == "wayland (hyprland)"
        assert collectors.probes == {"window": "hyprland-ipc"}
        assert "no global keyboard or mouse input" in collectors.unavailable["input"]
        assert "afk" in collectors.unavailable and collectors.idle_probe is None
    finally:
        collectors.close()
