"""KDE for real: a headless KWin (Debian's kwin_wayland --virtual) on its own dbus-daemon session
bus; the tracker's KWin-script probe loads its script into that KWin over
D-Bus and is told of each activation (Qt windows on its Wayland socket); swayidle gets idle
notifications from it.

kwin_wayland carries a file capability (cap_sys_resource) that containers may refuse to exec
("Operation not permitted"): the test runs a copy without it, which KWin does not need.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.wayland.standins import SessionBus, private_home, wait_for
from tests.wayland.desktop import open_qt_window
from tests.x11.desktop import terminate, unavailable, wait_until

pytestmark = pytest.mark.wayland
SOCKET = "wayland-kwin-test"


class KWin:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.runtime = workdir / "runtime"
        self.runtime.mkdir(mode=0o700)
        self.home = private_home(workdir)
        self.bus = SessionBus(workdir)
        self.procs: list[subprocess.Popen] = []
        self.drivers = 0

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "SWAYSOCK", "HYPRLAND_INSTANCE_SIGNATURE")}
        env.update(self.home, DBUS_SESSION_BUS_ADDRESS=self.bus.address,
                   XDG_RUNTIME_DIR=str(self.runtime), WAYLAND_DISPLAY=SOCKET,
                   XDG_SESSION_TYPE="wayland", XDG_CURRENT_DESKTOP="KDE")
        env.update(extra)
        return env

    def start(self) -> "KWin":
        self.bus.start({**os.environ, **self.home})
        exe = self.workdir / "kwin_wayland"
        shutil.copy(shutil.which("kwin_wayland"), exe)  # without the file capability
        env = self.env()
        env.pop("WAYLAND_DISPLAY")
        env.pop("DISPLAY", None)
        self.procs.append(subprocess.Popen(
            [str(exe), "--virtual", "--no-lockscreen", "--no-global-shortcuts",
             "--no-kactivities", "--width", "1280", "--height", "800", "--socket", SOCKET],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.workdir / "kwin.log", "wb"), start_new_session=True))
        wait_until(self._ready, 30, "KWin on the session bus and its Wayland socket", interval=0.2)
        return self

    def _ready(self) -> bool:
        if self.procs[0].poll() is not None:
            raise RuntimeError("kwin_wayland exited:\n"
                               + (self.workdir / "kwin.log").read_text(errors="replace")[-2000:])
        if not (self.runtime / SOCKET).exists():
            return False
        # Not Peer.Ping: the connection answers that for any path as soon as KWin owns its
        # name, before it has registered /Scripting (a script load then fails).
        done = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.kde.KWin",
                               "/Scripting", "org.kde.kwin.Scripting.isScriptLoaded",
                               "string:tracker-desktop-readiness"],
                              env=self.env(), capture_output=True)
        return done.returncode == 0

    def open_qt(self, app_id: str, title: str) -> subprocess.Popen:
        """A Qt window on KWin's Wayland socket (foot dies of SIGFPE on KWin's virtual output,
        whose physical size is 0 mm)."""
        proc = open_qt_window(self.env(), self.workdir / f"{app_id}.log", app_id, title)
        self.procs.append(proc)
        return proc

    def activate(self, caption: str) -> None:
        """Give a window the focus, the way a click would: a one-line KWin script (5.27 API)."""
        self.drivers += 1
        script = self.workdir / f"driver{self.drivers}.js"
        script.write_text(
            "var cs = workspace.clientList();\n"
            f"for (var i = 0; i < cs.length; i++) if (cs[i].caption == {caption!r}) "
            "workspace.activeClient = cs[i];\n")
        plugin = f"driver{self.drivers}"
        out = self._gdbus("/Scripting", "org.kde.kwin.Scripting.loadScript", str(script), plugin)
        script_id = int(out.strip("()\n,").split()[-1].rstrip(","))
        # Plasma 5.27 puts the script at /<id>; 6 at /Scripting/Script<id>.
        for path in (f"/{script_id}", f"/Scripting/Script{script_id}"):
            if self._gdbus(path, "org.kde.kwin.Script.run", check=False) is not None:
                break
        else:
            raise AssertionError(f"KWin did not run the driver script {script_id}")
        self._gdbus("/Scripting", "org.kde.kwin.Scripting.unloadScript", plugin)

    def _gdbus(self, path: str, method: str, *args: str, check: bool = True) -> str | None:
        done = subprocess.run(["gdbus", "call", "--session", "--dest", "org.kde.KWin",
                               "--object-path", path, "--method", method, *args],
                              env=self.env(), capture_output=True, text=True, timeout=10)
        if not check and done.returncode != 0:
            return None
        assert done.returncode == 0, done.stderr
        return done.stdout

    def stop(self) -> None:
        for proc in reversed(self.procs):
            terminate(proc, 5)
        self.bus.stop()


@pytest.fixture(scope="module")
def kwin(tmp_path_factory):
    import importlib.util

    if importlib.util.find_spec("PySide6") is None:
        unavailable("the real KWin tests open Qt windows: they need PySide6 (pip install '.[gui]')")
    for tool, pkg in (("kwin_wayland", "kwin-wayland"), ("gdbus", "libglib2.0-bin"),
                      ("dbus-send", "dbus-bin"), ("swayidle", "swayidle")):
        if not shutil.which(tool):
            unavailable(f"the real KWin tests need {tool} (apt package {pkg})")
    k = KWin(tmp_path_factory.mktemp("kwin"))
    try:
        k.start()
        yield k
    finally:
        k.stop()


@pytest.fixture
def kde_env(kwin, monkeypatch):
    for key in ("DISPLAY", "SWAYSOCK", "HYPRLAND_INSTANCE_SIGNATURE"):
        monkeypatch.delenv(key, raising=False)
    for key in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "WAYLAND_DISPLAY",
                "XDG_SESSION_TYPE", "XDG_CURRENT_DESKTOP"):
        monkeypatch.setenv(key, kwin.env()[key])
    return kwin


def test_kwin_script_probe_follows_activations_in_a_real_kwin(kde_env):
    from collectors.kde import KWinWindowProbe

    kwin = kde_env
    probe = KWinWindowProbe()
    woken = threading.Event()
    probe.start(woken.set)
    try:
        wait_for(lambda: probe.reports >= 1, "the script's first report", timeout=10)
        import psutil

        alpha = kwin.open_qt("kwin-alpha", "Alpha on KWin")
        info = wait_for(lambda: (w := probe.active_window()) and w.title == "Alpha on KWin" and w,
                        "KWin to activate the new window", timeout=20)
        assert (info.app, info.pid) == (psutil.Process(alpha.pid).name(), alpha.pid)
        beta = kwin.open_qt("kwin-beta", "Beta on KWin")
        info = wait_for(lambda: (w := probe.active_window()) and w.title == "Beta on KWin" and w,
                        "the second window", timeout=20)
        assert info.pid == beta.pid
        for caption in ("Alpha on KWin", "Beta on KWin", "Alpha on KWin"):
            woken.clear()
            kwin.activate(caption)
            wait_for(lambda: (probe.active_window() or info).title == caption,
                     f"{caption} to be reported", timeout=10)
            assert woken.is_set()
    finally:
        probe.close()
    # close() unloaded the tracker's script: KWin no longer knows it.
    out = kwin._gdbus("/Scripting", "org.kde.kwin.Scripting.isScriptLoaded", probe.plugin)
    assert "false" in out, out


def test_the_plan_builds_the_kde_probes_and_idle_notifications_come(kde_env):
    from collectors.idle_notify import IdleNotifyProbe
    from collectors.kde import KWinWindowProbe
    from tracker_desktop.app import build_collectors
    from tracker_desktop.config import Settings
    from tracker_desktop.domain.clock import SystemClock

    collectors, listener, watcher = build_collectors(Settings(), SystemClock())
    try:
        assert isinstance(collectors.window_probe, KWinWindowProbe)
        assert watcher is collectors.window_probe
        assert isinstance(collectors.idle_probe, IdleNotifyProbe)
        assert collectors.session == "wayland (kde)"
        assert collectors.probes == {"window": "kwin-script", "afk": "idle-notify"}
        assert set(collectors.unavailable) == {"input"}
        # No input reaches this KWin: its idle notification comes 1 s after start, and from
        # then on the idle time counts from the start.
        started = time.monotonic()
        wait_until(lambda: collectors.idle_probe.idle_seconds() > 1.5, 10,
                   "KWin's idle notification", interval=0.1)
        assert collectors.idle_probe.idle_seconds() <= time.monotonic() - started + 0.5
    finally:
        collectors.close()


def test_run_headless_on_kde_records_windows_and_says_what_it_cannot(kwin, tmp_path):
    from datetime import datetime, timedelta, timezone

    from tests.x11.tracker_proc import Run, by_title, ts

    alpha = kwin.open_qt("kde-run-alpha", "Alpha KDE run")
    run = Run(kwin, tmp_path)
    run.start(0.5, afk_timeout=60)
    try:
        wait_until(lambda: run.alive() and run.stored_status(), 30, "the tracker's status",
                   interval=0.2)
        kwin.activate("Alpha KDE run")
        run.wait_ready("Alpha KDE run")
        status = run.cli("status")
        assert status.returncode == 0, status.stderr
        assert ("Session:      wayland (kde); probes: window: kwin-script, afk: idle-notify"
                in status.stdout), status.stdout
        assert "input off:  Wayland gives applications no global keyboard" in status.stdout
        beta = kwin.open_qt("kde-run-beta", "Beta KDE run")
        run.wait_ready("Beta KDE run")
        t_b = datetime.now(timezone.utc)
        time.sleep(2.0)
        t_a = datetime.now(timezone.utc)
        kwin.activate("Alpha KDE run")
        run.wait_ready("Alpha KDE run")
        time.sleep(1.0)
        run.stop()
    finally:
        run.kill()
        for proc in (alpha, locals().get("beta")):
            if proc is not None:
                proc.terminate()
                proc.wait(10)
    windows = by_title(run.window_events(t_b - timedelta(seconds=60)))
    beta_events = windows["Beta KDE run"]
    assert len(beta_events) == 1
    # The switch is reported by the script as it happens: the event ends at the switch.
    assert abs(ts(beta_events[0]["end"]) - t_a) <= timedelta(seconds=1), (beta_events, t_a)
    assert {e["data"]["app"] for es in windows.values() for e in es} == {
        __import__("psutil").Process(os.getpid()).name()}  # Qt windows of this Python
