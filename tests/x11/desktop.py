"""A real, throwaway X11 desktop for tests: Xvfb + openbox, driven with xdotool.

Only python-xlib is imported here (it does not bind to $DISPLAY on import); pywinctl and pynput
must be imported by tests after `X11Desktop.start()` has set DISPLAY.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import string
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")

# apt packages that provide what this harness runs (scripts/ and .ci/ install them on CI).
APT_PACKAGES = ("xvfb", "openbox", "xdotool", "x11-utils", "python3-tk")
# Qt's xcb platform plugin (for the Qt test window) links these beyond a minimal system.
QT_XCB_APT_PACKAGES = (
    "libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1",
    "libxcb-render-util0", "libxcb-shape0", "libxcb-xkb1", "libxcb-randr0", "libxcb-sync1",
    "libxcb-xfixes0", "libxcb-shm0", "libx11-xcb1", "libegl1", "libgl1", "libfontconfig1",
    "libglib2.0-0",
)
TOOLS = {"Xvfb": "xvfb", "openbox": "openbox", "xdotool": "xdotool", "xprop": "x11-utils"}

TK_WINDOW = """
import sys, tkinter as tk
root = tk.Tk()
root.title(sys.argv[1])
root.geometry("480x200+40+40")
entry = tk.Entry(root)
entry.pack(fill="x")
entry.focus_set()
root.mainloop()
"""

QT_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication(sys.argv[:1])
w = QLineEdit()
w.setWindowTitle(sys.argv[1])
w.resize(480, 120)
w.move(560, 40)
w.show()
sys.exit(app.exec())
"""


def unavailable(message: str) -> None:
    """A missing piece of the test desktop: a failure on CI (env CI set), a skip elsewhere."""
    import pytest

    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def missing_requirements() -> list[str]:
    """What this machine lacks to run the X11 suite, as human-readable items."""
    missing = [f"{tool} (apt package {pkg})" for tool, pkg in TOOLS.items() if not shutil.which(tool)]
    probe = subprocess.run([sys.executable, "-c", "import tkinter"], capture_output=True)
    if probe.returncode != 0:
        missing.append("tkinter (apt package python3-tk)")
    return missing


def wait_until(condition: Callable[[], T], timeout: float, what: str, interval: float = 0.05) -> T:
    """Poll `condition` until it returns something truthy; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


@dataclass
class Window:
    title: str
    proc: subprocess.Popen
    wid: int
    kind: str  # "tk" | "qt"

    @property
    def pid(self) -> int:
        return self.proc.pid


@dataclass
class X11Desktop:
    """Xvfb on a free display (found with -displayfd) plus openbox for EWMH."""

    workdir: Path
    display: str = ""
    _procs: list[subprocess.Popen] = field(default_factory=list)
    _windows: list[Window] = field(default_factory=list)

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self, timeout: float = 15.0) -> "X11Desktop":
        read_fd, write_fd = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24",
             "-nolisten", "tcp", "-noreset",
             "+extension", "RECORD", "+extension", "XTEST",
             "+extension", "MIT-SCREEN-SAVER", "+extension", "X-Resource"],
            pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
            stderr=open(self.workdir / "xvfb.log", "wb"), start_new_session=True,
        )
        os.close(write_fd)
        self._procs.append(xvfb)
        number = b""
        deadline = time.monotonic() + timeout
        try:
            while not number.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([read_fd], [], [], left)[0]:
                    raise RuntimeError(f"Xvfb did not report a display within {timeout:g} s; "
                                       f"see {self.workdir / 'xvfb.log'}")
                chunk = os.read(read_fd, 32)
                if not chunk:
                    raise RuntimeError(f"Xvfb exited early (code {xvfb.poll()}); "
                                       f"see {self.workdir / 'xvfb.log'}")
                number += chunk
        finally:
            os.close(read_fd)
        self.display = f":{number.decode().strip()}"
        os.environ["DISPLAY"] = self.display
        self._procs.append(subprocess.Popen(
            ["openbox", "--sm-disable"], env=self.env(), stdout=subprocess.DEVNULL,
            stderr=open(self.workdir / "openbox.log", "wb"), start_new_session=True,
        ))
        wait_until(self._wm_ready, timeout, "openbox to manage the display (_NET_SUPPORTING_WM_CHECK)")
        return self

    def stop(self) -> None:
        for window in self._windows:
            terminate(window.proc)
        self._windows.clear()
        for proc in reversed(self._procs):
            terminate(proc)
        self._procs.clear()

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ, DISPLAY=self.display)
        env.pop("WAYLAND_DISPLAY", None)
        env.update(extra)
        return env

    def _wm_ready(self) -> bool:
        from Xlib import X
        from Xlib.display import Display

        dpy = Display(self.display)
        try:
            root = dpy.screen().root
            check = root.get_property(dpy.intern_atom("_NET_SUPPORTING_WM_CHECK"),
                                      X.AnyPropertyType, 0, 1)
            active = root.get_property(dpy.intern_atom("_NET_SUPPORTED"), X.AnyPropertyType, 0, 512)
            supported = set(active.value) if active is not None else set()
            return bool(check and check.value) and dpy.intern_atom("_NET_ACTIVE_WINDOW") in supported
        finally:
            dpy.close()

    # -- windows -------------------------------------------------------------------------------

    def open_tk(self, title: str) -> Window:
        """A Tk window: no _NET_WM_PID, so its pid must come from the X-Resource extension."""
        return self._open("tk", TK_WINDOW, title, {})

    def open_qt(self, title: str) -> Window:
        """A Qt (PySide6, xcb) window: it sets _NET_WM_PID itself."""
        import importlib.util

        if importlib.util.find_spec("PySide6") is None:
            unavailable("Qt test windows need PySide6 (pip install '.[gui]') and its xcb libraries "
                        f"(apt: {' '.join(QT_XCB_APT_PACKAGES)})")
        return self._open("qt", QT_WINDOW, title, {"QT_QPA_PLATFORM": "xcb"})

    def _open(self, kind: str, script: str, title: str, env: dict[str, str]) -> Window:
        log = self.workdir / f"{kind}-{time.monotonic_ns()}.log"
        proc = subprocess.Popen(
            [sys.executable, "-c", script, title], env=self.env(**env),
            stdout=subprocess.DEVNULL, stderr=open(log, "wb"),
        )
        try:
            wid = self.wait_for_window(title)
        except Exception as exc:
            terminate(proc)
            raise RuntimeError(f"the {kind} window {title!r} did not appear ({exc}); its stderr:\n"
                               + log.read_text(errors="replace")[-2000:]) from None
        window = Window(title, proc, wid, kind)
        self._windows.append(window)
        return window

    def close(self, window: Window) -> None:
        terminate(window.proc)
        if window in self._windows:
            self._windows.remove(window)

    def wait_for_window(self, title: str, timeout: float = 15.0) -> int:
        """The id of the visible top-level window titled exactly `title`."""
        pattern = "^" + "".join("\\" + c if c in ".^$*+?()[]{}|\\" else c for c in title) + "$"
        out = self.xdotool("search", "--sync", "--onlyvisible", "--name", pattern, timeout=timeout)
        return int(out.split()[0])

    def activate(self, window: Window) -> None:
        self.xdotool("windowactivate", "--sync", str(window.wid))
        wait_until(lambda: self.active_window_id() == window.wid, 5.0,
                   f"{window.title!r} to become the active window")

    def active_window_id(self) -> int | None:
        out = self.run("xprop", "-root", "_NET_ACTIVE_WINDOW")
        token = out.strip().split()[-1]
        return int(token, 16) if token.startswith("0x") else None

    def window_property(self, wid: int, name: str) -> str:
        return self.run("xprop", "-id", str(wid), name).strip()

    # -- input ---------------------------------------------------------------------------------

    def type_keys(self, n: int) -> str:
        """Type `n` lowercase letters (no Shift, so exactly n key presses) into the active window."""
        text = "".join(string.ascii_lowercase[i % 26] for i in range(n))
        self.xdotool("type", "--delay", "20", text, timeout=10 + n * 0.1)
        return text

    def click(self, times: int = 1) -> None:
        self.xdotool("click", "--repeat", str(times), "--delay", "30", "1")

    def move_pointer(self, x: int, y: int) -> None:
        # `mousemove --sync` waits for the pointer to move: already there, it waits forever.
        where = dict(line.split("=", 1) for line in
                     self.xdotool("getmouselocation", "--shell").split() if "=" in line)
        if (where.get("X"), where.get("Y")) == (str(x), str(y)):
            return
        self.xdotool("mousemove", "--sync", str(x), str(y))

    def xdotool(self, *args: str, timeout: float = 15.0) -> str:
        return self.run("xdotool", *args, timeout=timeout)

    def run(self, *cmd: str, timeout: float = 15.0) -> str:
        done = subprocess.run(cmd, env=self.env(), capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout


def terminate(proc: subprocess.Popen, grace: float = 3.0) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds; a process that already exited is left be."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(grace)


@contextmanager
def running_desktop(workdir: Path) -> Iterator["X11Desktop"]:
    """A started X11 desktop in `workdir` (unavailable() if its tools are missing), with DISPLAY
    set and XDG_SESSION_TYPE=x11 (WAYLAND_DISPLAY unset) only while it runs."""
    missing = missing_requirements()
    if missing:
        unavailable("the X11 test desktop needs " + ", ".join(missing)
                    + f"; install with: apt-get install {' '.join(APT_PACKAGES)}")
    previous = {k: os.environ.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE")}
    os.environ.pop("WAYLAND_DISPLAY", None)
    os.environ["XDG_SESSION_TYPE"] = "x11"
    desktop = X11Desktop(workdir)
    try:
        desktop.start()
        yield desktop
    finally:
        desktop.stop()
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
