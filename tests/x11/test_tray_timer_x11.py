"""The task timer in the real tray (Xvfb, a real system-tray panel, the real `run` process): a
timer started by the CLI turns the icon blue within the tray's poll, its menu shows the task
with its controls (a picture for a person to look at), and stopping it turns the icon back."""

from __future__ import annotations

from tests.x11.test_tray_x11 import (  # noqa: F401 - fixtures
    TrayRun,
    _colour,
    _embedded_icon,
    _hue,
    _open_menu,
    trayer,
)
from tests.x11.desktop import wait_until


def test_a_task_timer_shows_in_the_tray(desktop, trayer, tmp_path):  # noqa: F811
    run = TrayRun(desktop, tmp_path)
    run.start()
    try:
        wid, (x, y, w, h) = wait_until(lambda: run.alive() and _embedded_icon(run), 30,
                                       "the tray icon to be embedded in trayer's panel")
        wait_until(lambda: 90 < _hue(_colour(desktop, (x, y, w, h))) < 150, 15,
                   "the tray icon drawn in the tracking colour")
        done = run.cli("task", "add", "Write the user guide", "--priority", "high")
        assert done.returncode == 0, done.stderr
        assert run.cli("task", "add", "Review the sync PR").returncode == 0
        done = run.cli("timer", "start", "1")
        assert done.returncode == 0, done.stderr
        # The task colour (blue, hue ~211) within the tray's 2 s poll.
        wait_until(lambda: 195 < _hue(_colour(desktop, (x, y, w, h))) < 225, 15,
                   "the tray icon to turn to the task timer's colour")
        _open_menu(desktop, run, (x, y, w, h), "tray-menu-timer.png")
        desktop.xdotool("key", "Escape")
        assert run.cli("timer", "stop").returncode == 0
        wait_until(lambda: 90 < _hue(_colour(desktop, (x, y, w, h))) < 150, 15,
                   "the tray icon back to the tracking colour")
        assert run.stop() == 0, run.log_tail()
    finally:
        run.kill()
