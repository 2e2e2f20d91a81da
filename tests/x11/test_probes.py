"""The real probes on a real X11 desktop: active window, idle time, input counting."""

from __future__ import annotations

import time

import psutil
import pytest

from tests.x11.desktop import wait_until

pytestmark = pytest.mark.x11


def test_window_probe_reports_title_pid_and_app_for_tk_and_qt_windows(desktop):
    from collectors.window import X11WindowProbe

    tk = desktop.open_tk("Alpha notes")
    qt = desktop.open_qt("Beta editor")
    probe = X11WindowProbe()
    try:
        desktop.activate(tk)
        info = probe.active_window()
        assert info is not None and info.title == "Alpha notes"
        assert info.pid == tk.pid
        assert info.app == psutil.Process(tk.pid).name()
        # Tk sets no _NET_WM_PID: the pid came from the X-Resource extension.
        assert "not found" in desktop.window_property(tk.wid, "_NET_WM_PID")
        assert probe.pid_source == "X-Resource"

        desktop.activate(qt)
        info = probe.active_window()
        assert info is not None and info.title == "Beta editor"
        assert info.pid == qt.pid
        assert info.app == psutil.Process(qt.pid).name()
        assert f"= {qt.pid}" in desktop.window_property(qt.wid, "_NET_WM_PID")
        assert probe.pid_source == "_NET_WM_PID"

        desktop.activate(tk)  # back again: nothing stale from the per-window cache
        assert probe.active_window().title == "Alpha notes"
        assert probe.pid_source == "X-Resource"
    finally:
        probe.close()


def test_window_probe_follows_a_title_change(desktop):
    from collectors.window import X11WindowProbe

    tk = desktop.open_tk("Before rename")
    probe = X11WindowProbe()
    try:
        desktop.activate(tk)
        assert probe.active_window().title == "Before rename"
        desktop.xdotool("set_window", "--name", "After rename", str(tk.wid))
        wait_until(lambda: probe.active_window().title == "After rename", 5, "the new title")
    finally:
        probe.close()


def test_switch_watcher_reports_switches_and_title_changes_and_the_probe_follows(desktop):
    import threading

    from collectors.window import X11SwitchWatcher, X11WindowProbe

    a = desktop.open_tk("Watched A")
    b = desktop.open_tk("Watched B")
    desktop.activate(a)
    probe = X11WindowProbe()
    watcher = X11SwitchWatcher(probe)
    told = threading.Event()
    watcher.start(told.set)
    try:
        wait_until(lambda: probe._watched, 5, "the watcher to follow the active window")
        assert probe.active_window().title == "Watched A"
        told.clear()
        desktop.activate(b)
        assert told.wait(5), "no notification for the switch"
        # The probe reuses its reading between notifications; after one it reads again.
        wait_until(lambda: probe.active_window().title == "Watched B", 5, "B as the active window")
        told.clear()
        desktop.xdotool("set_window", "--name", "Watched B renamed", str(b.wid))
        assert told.wait(5), "no notification for the title change"
        wait_until(lambda: probe.active_window().title == "Watched B renamed", 5, "the new title")
    finally:
        watcher.stop()
        probe.close()
    assert not probe._watched


def test_window_probe_returns_none_for_a_vanished_window_and_keeps_working(desktop):
    from collectors.window import X11WindowProbe

    other = desktop.open_tk("Stays open")
    doomed = desktop.open_tk("Short lived")
    probe = X11WindowProbe()
    try:
        # A window id that no longer exists (closed between two reads): BadWindow -> None.
        real_active_id = probe._active_id
        probe._active_id = lambda: 0x3FFFFFF
        assert probe.active_window() is None
        probe._active_id = real_active_id

        desktop.activate(doomed)
        assert probe.active_window().title == "Short lived"
        desktop.close(doomed)
        wait_until(lambda: (info := probe.active_window()) is not None
                   and info.title == "Stays open", 5, "focus to move to the remaining window")

        # Closing the last window leaves openbox's _NET_ACTIVE_WINDOW pointing at a dead id.
        desktop.close(other)
        wait_until(lambda: probe.active_window() is None, 5, "the probe to report no window")
        assert probe.active_window() is None
    finally:
        probe.close()


def test_make_window_probe_picks_x11(desktop):
    from collectors.window import X11WindowProbe, make_window_probe

    probe = make_window_probe()
    assert isinstance(probe, X11WindowProbe)
    probe.close()


def test_idle_probe_grows_while_idle_and_resets_on_input(desktop):
    from collectors.afk import X11IdleProbe, make_idle_probe

    probe = X11IdleProbe()
    assert isinstance(make_idle_probe(), X11IdleProbe)
    try:
        desktop.move_pointer(300, 300)
        assert probe.idle_seconds() < 0.5
        idle = wait_until(lambda: (s := probe.idle_seconds()) >= 1.0 and s, 5, "idle time to pass 1 s")
        assert idle < 5
        desktop.xdotool("key", "x")
        assert probe.idle_seconds() < 0.5
    finally:
        probe.close()


def test_input_listener_counts_exactly_what_was_typed_and_clicked(desktop):
    from collectors.input import InputCounter, PynputInputListener
    from tracker_desktop.domain.clock import SystemClock

    tk = desktop.open_tk("Typing target")
    desktop.activate(tk)
    counter = InputCounter(readers=("test",))
    listener = PynputInputListener(counter, SystemClock())
    listener.start()
    try:
        assert listener.running
        counter.take("test")  # start from zero whatever happened while starting
        desktop.type_keys(25)
        desktop.click(3)
        desktop.move_pointer(200, 150)
        desktop.move_pointer(210, 160)
        wait_until(lambda: counter.totals()["keys"] >= 25 and counter.totals()["clicks"] >= 3,
                   5, "25 key presses and 3 clicks to reach the listener")
        time.sleep(0.3)  # anything extra (a stray repeat, a release counted as a press) shows now
        counts = counter.take("test")
        assert counts["keys"] == 25
        assert counts["clicks"] == 3
        assert counts["moves"] >= 1
        assert counter.last_input is not None
    finally:
        threads = list(listener._listeners)
        started = time.monotonic()
        listener.stop()
        stop_seconds = time.monotonic() - started
    assert stop_seconds < 1.0, f"stop() took {stop_seconds:.2f} s"  # it sends no wake-up input
    assert not listener.running
    desktop.type_keys(5)
    desktop.move_pointer(220, 170)
    # The listener threads end with the next real input (stop() sent none of its own).
    wait_until(lambda: not any(t.is_alive() for t in threads), 5, "the listener threads to end")
    assert counter.take("test")["keys"] == 0  # nothing counted after stop


def test_idle_probe_reconnects_after_the_x_server_restarts(tmp_path):
    """A display that goes away and comes back: AFK tracking is off meanwhile, then resumes."""
    import os
    import shutil
    import subprocess

    from collectors.afk import X11IdleProbe
    from collectors.base import CollectorUnavailable

    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    number = 190 + os.getpid() % 50  # a display of our own, away from the session desktop's
    display = f":{number}"

    def start_xvfb():
        proc = subprocess.Popen(["Xvfb", display, "-nolisten", "tcp", "+extension", "MIT-SCREEN-SAVER"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: os.path.exists(f"/tmp/.X11-unix/X{number}"), 10, f"Xvfb on {display}")
        return proc

    def stop_xvfb(proc):
        proc.terminate()
        proc.wait(10)
        wait_until(lambda: not os.path.exists(f"/tmp/.X11-unix/X{number}"), 10, "the socket to go")

    proc = start_xvfb()
    try:
        probe = wait_until(lambda: _probe_or_none(X11IdleProbe, display), 10, "a connection")
        assert probe.idle_seconds() >= 0
        stop_xvfb(proc)
        with pytest.raises(CollectorUnavailable):
            probe.idle_seconds()
        with pytest.raises(CollectorUnavailable, match="cannot connect"):
            probe.idle_seconds()  # still gone: a clear reason each time, never a traceback
        proc = start_xvfb()
        wait_until(lambda: _idle_or_none(probe) is not None, 10, "the probe to reconnect")
    finally:
        probe_close = locals().get("probe")
        if probe_close is not None:
            probe_close.close()
        if proc.poll() is None:
            stop_xvfb(proc)


def _probe_or_none(cls, display):
    from collectors.base import CollectorUnavailable

    try:
        return cls(display)
    except CollectorUnavailable:
        return None


def _idle_or_none(probe):
    from collectors.base import CollectorUnavailable

    try:
        return probe.idle_seconds()
    except CollectorUnavailable:
        return None
