"""The tray app on a real X11 desktop: Xvfb + openbox + trayer (a real XEmbed system tray).

The icon is embedded in trayer's panel, its menu (opened with a real right click) starts a
focus session that `tracker-desktop focus status --json` (another process) then sees; a second
`run` hands over to the first and exits 0; without a tray the app says so and shows a window.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.x11.desktop import unavailable, wait_until
from tests.x11.tracker_proc import CLI, Run

pytestmark = pytest.mark.x11

ARTIFACTS = Path(os.environ.get("TRACKER_TEST_ARTIFACTS", Path(__file__).parent.parent.parent / "build" / "test-artifacts"))

GRAB = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
x, y, w, h = (int(v) for v in sys.argv[2:6])
app.primaryScreen().grabWindow(0, x, y, w, h).save(sys.argv[1])
"""


def _windows(display: str):
    """(window, wm_class, (x, y, w, h) on the root, viewable) for every window on the display."""
    from Xlib import X
    from Xlib.display import Display

    dpy = Display(display)
    out = []
    try:
        root = dpy.screen().root

        def walk(win):
            try:
                children = win.query_tree().children
            except Exception:
                return
            for child in children:
                try:
                    cls = child.get_wm_class() or ()
                    attrs = child.get_attributes()
                    geo = child.get_geometry()
                    pos = child.translate_coords(root, 0, 0)
                    out.append((child.id, tuple(cls), (-pos.x, -pos.y, geo.width, geo.height),
                                attrs.map_state == X.IsViewable))
                except Exception:
                    pass
                walk(child)

        walk(root)
    finally:
        dpy.close()
    return out


def _tray_owner(display: str) -> int:
    from Xlib.display import Display

    dpy = Display(display)
    try:
        atom = dpy.intern_atom(f"_NET_SYSTEM_TRAY_S{dpy.get_default_screen()}")
        owner = dpy.get_selection_owner(atom)
        return 0 if owner in (0, None) or owner == 0 else int(getattr(owner, "id", owner))
    finally:
        dpy.close()


@pytest.fixture
def trayer(desktop, tmp_path):
    if not shutil.which("trayer"):
        unavailable("the tray tests need trayer (apt package trayer)")
    proc = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request",
         "--height", "28", "--SetDockType", "true", "--transparent", "false"],
        env=desktop.env(), stdout=subprocess.DEVNULL, stderr=open(tmp_path / "trayer.log", "wb"),
        start_new_session=True)
    try:
        wait_until(lambda: _tray_owner(desktop.display), 15, "trayer to own the system tray")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class TrayRun(Run):
    """The tray app (`run` without --headless) on the test desktop with trayer's panel."""

    died = "tray app exited"

    def __init__(self, desktop, tmp_path: Path) -> None:
        super().__init__(desktop, tmp_path)
        self.desktop = desktop
        self.env["QT_QPA_PLATFORM"] = "xcb"
        # Without a session bus Qt embeds the icon the XEmbed way, which trayer speaks.
        self.env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        self.log = tmp_path / "tray.log"
        self.config = tmp_path / "config" / "tracker-desktop" / "config.toml"

    def start(self, *extra: str) -> None:  # type: ignore[override]
        self.proc = subprocess.Popen(
            [CLI, "--data-dir", str(self.data_dir), "-v", "run", "--poll-seconds", "0.5", *extra],
            env=self.env, stdout=subprocess.DEVNULL, stderr=open(self.log, "wb"))

    def our_windows(self, viewable=True):
        return [w for w in _windows(self.desktop.display)
                if "tracker-desktop" in w[1] and (w[3] or not viewable)]

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(60)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"tray app did not exit on SIGTERM:\n{self.log_tail()}") from None


def _embedded_icon(run: TrayRun, panel_x_min: int = 0):
    """Our window inside trayer's panel (its parent chain is trayer's), with a real size."""
    from Xlib.display import Display

    dpy = Display(run.desktop.display)
    try:
        for wid, cls, geo, viewable in run.our_windows():
            win = dpy.create_resource_object("window", wid)
            parent = win.query_tree().parent
            grand = parent.query_tree().parent if parent else None
            names = []
            for w in (parent, grand):
                try:
                    names.append(tuple(w.get_wm_class() or ()))
                except Exception:
                    names.append(())
            if any("trayer" in n for n in names) and geo[2] > 0 and geo[3] > 0:
                return wid, geo
    finally:
        dpy.close()
    return None


COLOUR = """
import colorsys, json, sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
x, y, w, h = (int(v) for v in sys.argv[1:5])
img = app.primaryScreen().grabWindow(0, x, y, w, h).toImage()
picked = []
for i in range(img.width()):
    for j in range(img.height()):
        c = img.pixelColor(i, j)
        r, g, b = c.red() / 255, c.green() / 255, c.blue() / 255
        hue, sat, val = colorsys.rgb_to_hsv(r, g, b)
        if sat > 0.4 and val > 0.2:
            picked.append((r, g, b))
n = len(picked) or 1
r, g, b = (sum(p[k] for p in picked) / n for k in range(3))
hue, sat, val = colorsys.rgb_to_hsv(r, g, b)
print(json.dumps([hue * 360, sat, len(picked), val * 255]))
"""


def _colour(desktop, box):
    """(hue in degrees, saturation, coloured pixels, value 0-255) of the icon's coloured part."""
    done = subprocess.run([sys.executable, "-c", COLOUR, *(str(v) for v in box)],
                          env=desktop.env(QT_QPA_PLATFORM="xcb"), capture_output=True,
                          text=True, timeout=30, check=True)
    return json.loads(done.stdout)


def _hue(colour) -> float:
    return colour[0] if colour[2] else 999.0


def _grab(desktop, path: Path, box) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", GRAB, str(path), *(str(v) for v in box)],
                   env=desktop.env(QT_QPA_PLATFORM="xcb"), check=True, timeout=30,
                   capture_output=True)


def _open_menu(desktop, run: TrayRun, icon, shot_name: str) -> None:
    """Right-click the tray icon (x, y, w, h), wait for its menu and save a picture of it as the
    test artifact `shot_name`."""
    x, y, w, h = icon
    before = {v[0] for v in run.our_windows()}
    desktop.move_pointer(x + w // 2, y + h // 2)
    desktop.xdotool("click", "3")

    def menu():
        run.alive()
        found = [v for v in run.our_windows() if v[0] not in before and v[2][2] > 100
                 and v[2][3] > 100]
        return found[0] if found else None

    _, _, (mx, my, mw, mh), _ = wait_until(menu, 15, "the tray menu to open")
    shot = ARTIFACTS / shot_name
    left = max(0, mx - 20)
    _grab(desktop, shot, (left, 0, min(1280 - left, mw + 60), my + mh + 20))
    assert shot.stat().st_size > 1000


def test_tray_icon_appears_and_its_menu_starts_a_focus_session(desktop, trayer, tmp_path):
    run = TrayRun(desktop, tmp_path)
    run.start()
    try:
        icon = wait_until(lambda: run.alive() and _embedded_icon(run), 30,
                          "the tray icon to be embedded in trayer's panel")
        wid, (x, y, w, h) = icon
        assert w >= 16 and h >= 16
        # Tracking: the green disc.
        wait_until(lambda: 90 < _hue(_colour(desktop, (x, y, w, h))) < 150, 15,
                   "the tray icon drawn in the tracking colour")
        # A person looks at this one (the brief: it must look like a native app's menu).
        _open_menu(desktop, run, (x, y, w, h), "tray-menu.png")
        # The first enabled item is "Start focus session" (the lines above it are read-only).
        desktop.xdotool("key", "Down")
        desktop.xdotool("key", "Return")

        def started():
            run.alive()
            done = run.cli("focus", "status", "--json")
            assert done.returncode == 0, done.stderr
            status = json.loads(done.stdout)
            return status if status.get("running") else None

        status = wait_until(started, 30, "the focus session started from the tray menu",
                            interval=0.5)
        assert status["phase"] == "work" and status["mode"] == "pomodoro"
        assert 24 * 60 <= status["remaining_seconds"] <= 25 * 60

        # The icon is drawn by state: focus orange now (it was tracking green).
        wait_until(lambda: _hue(_colour(desktop, (x, y, w, h))) < 40, 15,
                   "the tray icon to turn to the focus colour")
        # The CLI acts on the same session: the tray shows it paused within its poll (~2 s),
        # its disc drawn darker.
        assert run.cli("focus", "pause").returncode == 0
        wait_until(lambda: _colour(desktop, (x, y, w, h))[3] < 185, 15,
                   "the tray icon to show the pause the CLI made")

        # A second launch hands over to the first and exits 0.
        second = run.cli("run", timeout=60)
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stderr
        assert run.alive()
        assert run.stop() == 0, run.log_tail()
    finally:
        run.kill()


def test_without_a_tray_it_says_so_and_shows_a_window(desktop, tmp_path):
    wait_until(lambda: not _tray_owner(desktop.display), 10, "no system tray on the display")
    run = TrayRun(desktop, tmp_path)
    run.start()
    try:
        wait_until(lambda: run.alive() and "No system tray" in run.log.read_text(errors="replace"),
                   30, "the no-tray message on stderr")
        text = run.log.read_text(errors="replace")
        assert "AppIndicator" in text and "GNOME" in text
        wait_until(lambda: run.alive() and [v for v in run.our_windows() if v[2][2] > 600], 30,
                   "the dashboard instead of the tray")
        box = int(desktop.xdotool("search", "--sync", "--onlyvisible", "--name",
                                  "^No system tray").split()[0])
        # The message stays above the dashboard (it is its child: a transient window).
        assert "window id #" in desktop.window_property(box, "WM_TRANSIENT_FOR")
        assert run.stop() == 0, run.log_tail()
    finally:
        run.kill()


def _stored(db: Path, sql: str):
    import sqlite3

    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def test_back_from_away_during_focus_asks_and_records_work(desktop, trayer, tmp_path):
    run = TrayRun(desktop, tmp_path)
    run.config.parent.mkdir(parents=True)
    run.config.write_text("[reminders]\nidle_prompt_minutes = 0.05\nbreak_after_minutes = 0\n")
    db = run.data_dir / "tracker.sqlite3"
    run.start("--afk-timeout", "2")
    try:
        wait_until(lambda: run.alive() and _embedded_icon(run), 30, "the tray icon")
        assert run.cli("focus", "start").returncode == 0

        def afk() -> bool:
            run.alive()
            rows = _stored(db, "SELECT value FROM state WHERE key = 'tracker'")
            return bool(rows) and json.loads(rows[0][0]).get("afk") is True

        # Nobody touches the desktop: after 2 s the tracker counts us away.
        wait_until(afk, 30, "the tracker to see the desktop idle (AFK)", interval=0.2)
        time.sleep(3)  # away long enough (> 3 s with the 2 s before AFK) to be asked about
        desktop.move_pointer(400, 400)  # back: real input through XTEST
        wid = desktop.wait_for_window("You were away", timeout=30)
        desktop.xdotool("windowactivate", "--sync", str(wid))
        wait_until(lambda: desktop.active_window_id() == wid, 10, "the prompt to be active")
        # The first choice ("a break") has the focus: Down picks "Work", Return records.
        desktop.xdotool("key", "Down")
        desktop.xdotool("key", "Return")

        def recorded():
            run.alive()
            rows = _stored(db, "SELECT data, duration_us FROM events WHERE source = 'manual'")
            return rows

        (data, duration_us), = wait_until(recorded, 30, "the away time recorded as work",
                                          interval=0.2)
        assert json.loads(data)["away"] == "work"
        assert duration_us >= 4_000_000  # 2 s before AFK + the 3 s waited, and counting on
        assert run.stop() == 0, run.log_tail()
    finally:
        run.kill()
