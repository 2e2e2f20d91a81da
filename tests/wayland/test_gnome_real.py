"""GNOME for real: Debian's gnome-shell (--headless --wayland --virtual-monitor) on its own
dbus-daemon session bus, with the tracker's extension installed by `install_gnome_extension`
and enabled with `gnome-extensions`; Qt windows on its Wayland socket; the probes read the
extension and Mutter's IdleMonitor.

The Shell wants a system bus (it asks logind there): a second private dbus-daemon stands in for
it, empty (no logind, no polkit), which the Shell tolerates.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.wayland.standins import SessionBus, private_home, wait_for
from tests.wayland.desktop import open_qt_window
from tests.x11.desktop import terminate, unavailable, wait_until

pytestmark = pytest.mark.wayland
SOCKET = "wayland-gnome-test"


class GnomeShell:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.dirs = private_home(workdir)
        self.home = Path(self.dirs["HOME"])
        self.runtime = workdir / "runtime"
        self.runtime.mkdir(mode=0o700)
        (workdir / "session").mkdir()
        (workdir / "system").mkdir()
        self.bus = SessionBus(workdir / "session")
        self.system_bus = SessionBus(workdir / "system")
        self.procs: list[subprocess.Popen] = []

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "SWAYSOCK", "HYPRLAND_INSTANCE_SIGNATURE")}
        env.update(self.dirs)
        env.update(DBUS_SESSION_BUS_ADDRESS=self.bus.address,
                   DBUS_SYSTEM_BUS_ADDRESS=self.system_bus.address,
                   XDG_RUNTIME_DIR=str(self.runtime), WAYLAND_DISPLAY=SOCKET,
                   XDG_SESSION_TYPE="wayland", XDG_CURRENT_DESKTOP="GNOME")
        env.update(extra)
        return env

    def start(self, extension_major: int | None) -> "GnomeShell":
        from collectors.gnome import install_gnome_extension

        # Activated services (dconf) get the private home too.
        self.bus.start({**os.environ, **self.dirs, "XDG_RUNTIME_DIR": str(self.runtime)})
        self.system_bus.start({**os.environ, **self.dirs})
        install_gnome_extension(self.home, shell_major=extension_major)
        env = self.env()
        env.pop("WAYLAND_DISPLAY")
        self.procs.append(subprocess.Popen(
            ["gnome-shell", "--headless", "--wayland", "--no-x11", "--virtual-monitor",
             "1280x800", "--wayland-display", SOCKET],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.workdir / "gnome-shell.log", "wb"), start_new_session=True))
        wait_until(self._ready, 60, "GNOME Shell on the session bus", interval=0.3)
        self.run("gnome-extensions", "enable", "tracker-desktop@tracker-desktop.github.io")
        self.leave_overview()
        return self

    def _shell_property(self, method: str, *args: str) -> str:
        return self.run("gdbus", "call", "--session", "--dest", "org.gnome.Shell", "--object-path",
                        "/org/gnome/Shell", "--method", f"org.freedesktop.DBus.Properties.{method}",
                        "org.gnome.Shell", *args)

    def leave_overview(self) -> None:
        """The Shell shows the overview, where new windows do not take the focus, at the end of its
        startup animation, which can come after the Shell is on the bus: leave it as a person
        would (Super), through the Shell's own D-Bus property, until it stays left for a second."""
        calm_since: float | None = None

        def left() -> bool:
            nonlocal calm_since
            if "true" in self._shell_property("Get", "OverviewActive"):
                self._shell_property("Set", "OverviewActive", "<false>")
                calm_since = None
                return False
            calm_since = calm_since or time.monotonic()
            return time.monotonic() - calm_since >= 1.0

        wait_until(left, 30, "GNOME Shell to leave its overview", interval=0.1)

    def _ready(self) -> bool:
        if self.procs[0].poll() is not None:
            raise RuntimeError("gnome-shell exited:\n" + self.log()[-3000:])
        done = subprocess.run(["gdbus", "call", "--session", "--dest", "org.gnome.Shell",
                               "--object-path", "/org/gnome/Shell", "--method",
                               "org.freedesktop.DBus.Properties.Get", "org.gnome.Shell",
                               "ShellVersion"], env=self.env(), capture_output=True, text=True)
        return done.returncode == 0

    def log(self) -> str:
        return (self.workdir / "gnome-shell.log").read_text(errors="replace")

    def run(self, *cmd: str) -> str:
        done = subprocess.run(cmd, env=self.env(), capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, f"{cmd}: {done.stderr}"
        return done.stdout

    def open_qt(self, app_id: str, title: str) -> subprocess.Popen:
        self.leave_overview()
        proc = open_qt_window(self.env(), self.workdir / f"{app_id}.log", app_id, title)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in reversed(self.procs):
            terminate(proc, 10)
        self.bus.stop()
        self.system_bus.stop()


@pytest.fixture(scope="module")
def gnome(tmp_path_factory):
    import importlib.util

    from collectors.gnome import shell_major_version

    for tool, pkg in (("gnome-shell", "gnome-shell"), ("gnome-extensions", "gnome-shell"),
                      ("gdbus", "libglib2.0-bin")):
        if not shutil.which(tool):
            unavailable(f"the real GNOME tests need {tool} (apt package {pkg})")
    if importlib.util.find_spec("PySide6") is None:
        unavailable("the real GNOME tests open Qt windows: they need PySide6 (pip install '.[gui]')")
    shell = GnomeShell(tmp_path_factory.mktemp("gnome"))
    try:
        shell.start(shell_major_version())
        yield shell
    finally:
        shell.stop()


@pytest.fixture
def gnome_env(gnome, monkeypatch):
    for key, value in gnome.env().items():
        monkeypatch.setenv(key, value)
    for key in ("DISPLAY", "SWAYSOCK", "HYPRLAND_INSTANCE_SIGNATURE"):
        monkeypatch.delenv(key, raising=False)
    return gnome


def test_the_extension_reports_the_focused_window_of_a_real_gnome_shell(gnome_env):
    import psutil

    from collectors.gnome import GnomeWindowProbe

    gnome = gnome_env
    probe = wait_for(_probe_or_none, "the extension to own its D-Bus name", timeout=30)
    try:
        alpha = gnome.open_qt("gnome-alpha", "Alpha on GNOME")
        info = wait_for(lambda: (w := probe.active_window()) and w.title == "Alpha on GNOME" and w,
                        "the Shell to focus the new window", timeout=30)
        assert (info.app, info.pid) == (psutil.Process(alpha.pid).name(), alpha.pid)
        beta = gnome.open_qt("gnome-beta", "Beta on GNOME")
        info = wait_for(lambda: (w := probe.active_window()) and w.title == "Beta on GNOME" and w,
                        "the second window", timeout=30)
        assert info.pid == beta.pid
        beta.terminate()
        beta.wait(10)
        wait_for(lambda: (w := probe.active_window()) and w.title == "Alpha on GNOME",
                 "the focus to return to the first window", timeout=30)
        alpha.terminate()
        alpha.wait(10)
        wait_for(lambda: probe.active_window() is None, "no focused window", timeout=30)
    finally:
        probe.close()


def _probe_or_none():
    from collectors.base import CollectorUnavailable
    from collectors.gnome import GnomeWindowProbe

    try:
        return GnomeWindowProbe()
    except CollectorUnavailable:
        return None


def test_mutter_idle_monitor_counts_idle_time(gnome_env):
    from collectors.gnome import MutterIdleProbe

    probe = MutterIdleProbe()
    try:
        first, t0 = probe.idle_seconds(), time.monotonic()
        time.sleep(1.0)
        second, t1 = probe.idle_seconds(), time.monotonic()
        # No input reaches this Shell: idle time runs with the clock.
        assert abs((second - first) - (t1 - t0)) < 0.3, (first, second, t1 - t0)
    finally:
        probe.close()


def test_the_plan_builds_the_gnome_probes_on_a_real_shell(gnome_env):
    from collectors.gnome import GnomeWindowProbe, MutterIdleProbe
    from tracker_desktop.app import build_collectors
    from tracker_desktop.config import Settings
    from tracker_desktop.domain.clock import SystemClock

    wait_for(lambda: (p := _probe_or_none()) is not None and (p.close() or True),
             "the extension", timeout=30)
    collectors, listener, watcher = build_collectors(Settings(), SystemClock())
    try:
        assert isinstance(collectors.window_probe, GnomeWindowProbe)
        assert isinstance(collectors.idle_probe, MutterIdleProbe)
        assert collectors.session == "wayland (gnome)"
        assert collectors.probes == {"window": "gnome-shell-extension", "afk": "mutter-idle-monitor"}
        assert set(collectors.unavailable) == {"input"}
    finally:
        collectors.close()


def test_run_headless_on_gnome_records_windows_and_afk_and_says_what_it_cannot(gnome, tmp_path):
    """`run --headless` in the real GNOME Shell: windows through the extension, AFK from Mutter
    (no input reaches this Shell, so with a 3 s timeout the person is away from the start)."""
    from datetime import datetime, timezone

    from tests.x11.tracker_proc import Run, by_title, ts

    alpha = gnome.open_qt("gnome-run-alpha", "Alpha GNOME run")
    run = Run(gnome, tmp_path)
    before_start = datetime.now(timezone.utc)
    run.start(0.5, afk_timeout=3)
    try:
        run.wait_ready("Alpha GNOME run")
        status = run.cli("status")
        assert status.returncode == 0, status.stderr
        assert ("Session:      wayland (gnome); probes: window: gnome-shell-extension, "
                "afk: mutter-idle-monitor") in status.stdout, status.stdout
        assert "input off:  Wayland gives applications no global keyboard" in status.stdout

        def away():
            run.alive()
            return any(e["data"]["status"] == "afk" for e in run.events("afk"))
        wait_until(away, 30, "the AFK period in the record", interval=0.3)
        run.stop()
    finally:
        run.kill()
        alpha.terminate()
        alpha.wait(10)
    windows = by_title(run.window_events())
    assert "Alpha GNOME run" in windows, windows
    afk = [e for e in run.events("afk") if e["data"]["status"] == "afk"]
    # Mutter's idle time is exact: the AFK period starts at the last input Mutter saw (none
    # since the Shell started), before the tracker itself started.
    assert afk and ts(afk[0]["start"]) < before_start, (run.events("afk"), before_start)
