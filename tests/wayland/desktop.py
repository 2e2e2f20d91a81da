"""A real, throwaway headless sway for tests (issue 14), driven with swaymsg and wtype.

sway refuses to run as root, so as root the harness creates an unprivileged user (TEST_USER) and
runs sway, its `foot` windows, swaymsg, wtype and the tracker as that user, with an
XDG_RUNTIME_DIR it owns. The tracker then runs from `.venv-wayland`, a virtualenv made with
Debian's python3 by scripts/setup.sh (the test runner's Python may live under /root, which the
user cannot execute). Not root: everything runs as the current user.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.x11.desktop import terminate, unavailable, wait_until

ROOT = Path(__file__).resolve().parent.parent.parent
APT_PACKAGES = ("sway", "swayidle", "foot", "wtype")
TEST_USER = "tracker-wl-test"
# A link to a venv under /var/tmp when this checkout is closed to other users (scripts/setup.sh).
USER_VENV = (ROOT / ".venv-wayland").resolve()
SWAY_CONFIG = """\
output HEADLESS-1 resolution 1280x800
focus_follows_mouse no
default_border none
"""


def missing_requirements() -> list[str]:
    missing = [f"{tool} (apt package {tool})" for tool in APT_PACKAGES if not shutil.which(tool)]
    if os.geteuid() == 0 and not (USER_VENV / "bin" / "tracker-desktop").exists():
        missing.append(f"{USER_VENV.name} (made by scripts/setup.sh with Debian's python3)")
    return missing


def ensure_user() -> pwd.struct_passwd | None:
    """The unprivileged test user (created if missing) when running as root, else None."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(TEST_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--create-home", "--shell", "/usr/sbin/nologin",
                        TEST_USER], check=True, capture_output=True)
        return pwd.getpwnam(TEST_USER)


@dataclass
class FootWindow:
    app_id: str
    title: str
    proc: subprocess.Popen
    con_id: int


@dataclass
class SwayDesktop:
    workdir: Path  # owned by the test user (see `make_workdir`)
    user: pwd.struct_passwd | None
    runtime_dir: Path = Path()
    swaysock: str = ""
    wayland_display: str = ""
    _sway: subprocess.Popen | None = None
    _windows: list[FootWindow] = field(default_factory=list)

    @classmethod
    def make_workdir(cls, user: pwd.struct_passwd | None) -> Path:
        path = Path(tempfile.mkdtemp(prefix="tracker-wl-"))
        if user is not None:
            os.chown(path, user.pw_uid, user.pw_gid)
        path.chmod(0o755)  # the root test process reads logs and the database
        return path

    def mkdir(self, name: str) -> Path:
        path = self.workdir / name
        path.mkdir(exist_ok=True)
        if self.user is not None:
            os.chown(path, self.user.pw_uid, self.user.pw_gid)
        return path

    # -- processes as the test user ------------------------------------------------------------

    def base_env(self) -> dict[str, str]:
        # A home of its own: sway, foot and fontconfig write settings and caches there.
        home = self.workdir / "home"
        if not home.exists():
            home = self.mkdir("home")
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
               "XDG_RUNTIME_DIR": str(self.runtime_dir)}
        if self.user is not None:
            env["USER"] = env["LOGNAME"] = self.user.pw_name
        return env

    def env(self, **extra: str) -> dict[str, str]:
        """The session's environment, as a sway session's clients see it."""
        env = self.base_env()
        env.update(SWAYSOCK=self.swaysock, WAYLAND_DISPLAY=self.wayland_display,
                   XDG_SESSION_TYPE="wayland", XDG_CURRENT_DESKTOP="sway")
        env.update(extra)
        return env

    def popen(self, cmd: list[str], env: dict[str, str], **kw) -> subprocess.Popen:
        if self.user is not None:
            kw.update(user=self.user.pw_uid, group=self.user.pw_gid, extra_groups=[])
        return subprocess.Popen(cmd, env=env, cwd=str(self.workdir), **kw)

    def run(self, *cmd: str, timeout: float = 15.0) -> str:
        kw = {}
        if self.user is not None:
            kw = dict(user=self.user.pw_uid, group=self.user.pw_gid, extra_groups=[])
        done = subprocess.run(cmd, env=self.env(), capture_output=True, text=True,
                              timeout=timeout, cwd=str(self.workdir), **kw)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): "
                               f"{done.stderr.strip() or done.stdout.strip()}")
        return done.stdout

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self, timeout: float = 20.0) -> "SwayDesktop":
        self.runtime_dir = self.mkdir("runtime")
        self.runtime_dir.chmod(0o700)
        config = self.workdir / "sway.conf"
        config.write_text(SWAY_CONFIG)
        config.chmod(0o644)
        env = self.base_env()
        env.update(WLR_BACKENDS="headless", WLR_RENDERER="pixman", WLR_LIBINPUT_NO_DEVICES="1")
        self._sway = self.popen(["sway", "-c", str(config)], env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL,
                                stderr=open(self.workdir / "sway.log", "wb"),
                                start_new_session=True)

        def ready() -> bool:
            if self._sway is not None and self._sway.poll() is not None:
                raise RuntimeError(f"sway exited ({self._sway.returncode}):\n"
                                   + (self.workdir / "sway.log").read_text(errors="replace")[-2000:])
            socks = list(self.runtime_dir.glob("sway-ipc.*.sock"))
            displays = [p for p in self.runtime_dir.glob("wayland-*") if not p.name.endswith(".lock")]
            if socks and displays:
                self.swaysock, self.wayland_display = str(socks[0]), displays[0].name
                return True
            return False

        wait_until(ready, timeout, "sway to open its IPC and Wayland sockets", interval=0.1)
        wait_until(lambda: self._answers(), timeout, "sway to answer on its IPC socket")
        return self

    def _answers(self) -> bool:
        try:
            return json.loads(self.swaymsg("-t", "get_version"))["major"] >= 1
        except RuntimeError:
            return False

    def stop(self) -> None:
        for window in self._windows:
            terminate(window.proc)
        self._windows.clear()
        if self._sway is not None:
            terminate(self._sway)
            self._sway = None
        shutil.rmtree(self.workdir, ignore_errors=True)

    # -- windows -------------------------------------------------------------------------------

    def open_foot(self, app_id: str, title: str, timeout: float = 20.0) -> FootWindow:
        """A `foot` terminal with its own app id and title, running `cat` (typed text goes to it,
        and nothing changes the title)."""
        log = self.workdir / f"foot-{app_id}.log"
        proc = self.popen(["foot", "--app-id", app_id, "--title", title, "cat"], self.env(),
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=open(log, "wb"), start_new_session=True)
        try:
            node = wait_until(lambda: self.find(app_id), timeout, f"the foot window {app_id!r}",
                              interval=0.1)
        except AssertionError:
            terminate(proc)
            raise RuntimeError(f"foot {app_id!r} did not appear; its stderr:\n"
                               + log.read_text(errors="replace")[-2000:]) from None
        window = FootWindow(app_id, title, proc, int(node["id"]))
        self._windows.append(window)
        return window

    def close(self, window: FootWindow) -> None:
        terminate(window.proc)
        if window in self._windows:
            self._windows.remove(window)

    def tree(self) -> dict:
        return json.loads(self.swaymsg("-t", "get_tree"))

    def find(self, app_id: str) -> dict | None:
        stack = [self.tree()]
        while stack:
            node = stack.pop()
            if node.get("app_id") == app_id:
                return node
            stack.extend(node.get("nodes") or ())
            stack.extend(node.get("floating_nodes") or ())
        return None

    def focused_app_id(self) -> str | None:
        stack = [self.tree()]
        while stack:
            node = stack.pop()
            if node.get("focused"):
                return node.get("app_id")
            stack.extend(node.get("nodes") or ())
            stack.extend(node.get("floating_nodes") or ())
        return None

    def focus(self, window: FootWindow) -> None:
        self.swaymsg(f"[con_id={window.con_id}]", "focus")
        wait_until(lambda: self.focused_app_id() == window.app_id, 5.0,
                   f"{window.app_id!r} to have the focus", interval=0.02)

    def type_text(self, text: str) -> None:
        """Type with wtype (a virtual keyboard: real input for the compositor's idle timers)."""
        self.run("wtype", "-d", "10", text, timeout=10 + len(text) * 0.1)

    def swaymsg(self, *args: str) -> str:
        return self.run("swaymsg", *args)


def start_desktop() -> SwayDesktop:
    missing = missing_requirements()
    if missing:
        unavailable("the headless sway desktop needs " + ", ".join(missing)
                    + f"; install with: apt-get install {' '.join(APT_PACKAGES)}; scripts/setup.sh")
    user = ensure_user()
    desktop = SwayDesktop(SwayDesktop.make_workdir(user), user)
    try:
        desktop.start()
    except Exception:
        desktop.stop()
        raise
    return desktop


QT_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication(sys.argv[:1])
app.setDesktopFileName(sys.argv[2])
w = QLineEdit()
w.setWindowTitle(sys.argv[1])
w.show()
sys.exit(app.exec())
"""


def open_qt_window(env: dict[str, str], log: Path, app_id: str, title: str) -> subprocess.Popen:
    """A Qt window with this app id and title on the Wayland socket `env` names."""
    return subprocess.Popen([sys.executable, "-c", QT_WINDOW, title, app_id],
                            env={**env, "QT_QPA_PLATFORM": "wayland"},
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=open(log, "wb"))


def pause(seconds: float) -> None:
    """Wall time the test lets pass on purpose (window durations, idle periods)."""
    time.sleep(seconds)
