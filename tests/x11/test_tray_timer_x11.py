"""The task timer in the real tray (Xvfb, a real system-tray panel, the real `run` process): a
timer started by the CLI turns the icon blue within the tray's poll, its menu shows the task
with its controls (a picture for a person to look at), and stopping it turns the icon back."""

from __future__ import annotations

from tests.x11.test_tray_x11 import (  # noqa: F401 - fixtures
    ARTIFACTS,
    TrayRun,
    _colour,
    _embedded_icon,
    _grab,
    _hue,
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
        before = {v[0] for v in run.our_windows()}
        desktop.move_pointer(x + w // 2, y + h // 2)
        desktop.xdotool("click", "3")

        def menu():
            run.alive()
            found = [v for v in run.our_windows() if v[0] not in before and v[2][2] > 100
                     and v[2][3] > 100]
            return found[0] if found else None

        _, _, (mx, my, mw, mh), _ = wait_until(menu, 15, "the tray menu to open")
        shot = ARTIFACTS / "tray-menu-timer.png"
        left = max(0, mx - 20)
        _grab(desktop, shot, (left, 0, min(1280 - left, mw + 60), my + mh + 20))
        assert shot.stat().st_size > 1000
        desktop.xdotool("key", "Escape")
        assert run.cli("timer", "stop").returncode == 0
        wait_until(lambda: 90 < _hue(_colour(desktop, (x, y, w, h))) < 150, 15,
                   "the tray icon back to the tracking colour")
        assert run.stop() == 0, run.log_tail()
    finally:
        run.kill()
