"""A Wayland session whose compositor's own window probe cannot start, with XWayland there:
the tracker falls back to the X11 probe and says what that sees (issue 14). The X11 server here
is the test desktop's Xvfb, standing in for XWayland (both are X servers to the probe)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.x11


def test_wayland_session_falls_back_to_xwayland_windows(desktop, monkeypatch, tmp_path):
    from collectors.window import X11SwitchWatcher, X11WindowProbe
    from tracker_desktop.app import build_collectors
    from tracker_desktop.config import Settings
    from tracker_desktop.domain.clock import SystemClock

    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-gone")  # no such compositor
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "river")
    for key in ("SWAYSOCK", "HYPRLAND_INSTANCE_SIGNATURE"):
        monkeypatch.delenv(key, raising=False)
    window = desktop.open_tk("Through XWayland")
    desktop.activate(window)
    collectors, listener, watcher = build_collectors(Settings(), SystemClock())
    try:
        assert isinstance(collectors.window_probe, X11WindowProbe)
        assert isinstance(watcher, X11SwitchWatcher)
        info = collectors.window_probe.active_window()
        assert info is not None and info.title == "Through XWayland"
        assert collectors.probes == {"window": "x11"}
        note = collectors.notes["window"]
        assert "only X11 (XWayland) windows" in note and "wayland-gone" in note
        assert "window" not in collectors.unavailable
        # No input counting on Wayland, even with an X server at hand; no compositor for AFK.
        assert listener is None and "input" in collectors.unavailable
        assert "afk" in collectors.unavailable
    finally:
        collectors.close()
