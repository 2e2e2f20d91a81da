"""GNOME on Wayland: the focused window from the project's GNOME Shell extension over D-Bus, and
idle time from Mutter's IdleMonitor (issue 14). GNOME Shell no longer allows `Eval`, so the
extension (extensions/gnome-shell/, installed by `install_gnome_extension`) exposes exactly what
the tracker reads:

  bus name  io.github.trackerdesktop.FocusedWindow, object /io/github/trackerdesktop/FocusedWindow
  method    io.github.trackerdesktop.FocusedWindow.Get() -> (b focused, s app_id, s wm_class,
            s title, u pid)

D-Bus is spoken with jeepney (pure Python, blocking), one connection per probe.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from collectors.base import CollectorUnavailable
from collectors.window import UNKNOWN_APP, _process_name
from tracker_desktop.domain.window import WindowInfo

logger = logging.getLogger(__name__)

EXTENSION_UUID = "tracker-desktop@tracker-desktop.github.io"
BUS_NAME = "io.github.trackerdesktop.FocusedWindow"
OBJECT_PATH = "/io/github/trackerdesktop/FocusedWindow"
INTERFACE = "io.github.trackerdesktop.FocusedWindow"
MUTTER_IDLE_NAME = "org.gnome.Mutter.IdleMonitor"
MUTTER_IDLE_PATH = "/org/gnome/Mutter/IdleMonitor/Core"
_TIMEOUT = 2.0


def extension_source(shell_major: int | None = None) -> Path:
    """The extension's files in this source tree: extensions/gnome-shell/<uuid> (GNOME 45+, an ES
    module), or extensions/gnome-shell/legacy/<uuid> for GNOME 42-44, which cannot load modules."""
    base = Path(__file__).resolve().parent.parent / "extensions" / "gnome-shell"
    if shell_major is not None and shell_major < 45:
        return base / "legacy" / EXTENSION_UUID
    return base / EXTENSION_UUID


def shell_major_version() -> int | None:
    """The installed GNOME Shell's major version (`gnome-shell --version`), None if unknown."""
    import re
    import subprocess

    try:
        out = subprocess.run(["gnome-shell", "--version"], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r"(\d+)(?:\.\d+)*", out)
    return int(found.group(1)) if found else None


def install_gnome_extension(home: Path, source: Path | None = None,
                            shell_major: int | None = None) -> Path:
    """Copy the extension into `home`'s GNOME Shell extensions directory and return where.

    For `tracker-desktop install`. The copy matches the installed Shell (`shell_major`, default:
    `gnome-shell --version`; 45+ when unknown). GNOME loads a new extension at the next log-in
    (Wayland cannot restart the Shell in place); then `gnome-extensions enable <uuid>` turns it
    on. Existing files of an older copy are replaced; nothing else in the directory is touched.
    """
    src = source or extension_source(shell_major if shell_major is not None
                                     else shell_major_version())
    if not (src / "metadata.json").is_file():
        raise FileNotFoundError(f"the GNOME Shell extension is missing from {src}")
    target = home / ".local" / "share" / "gnome-shell" / "extensions" / EXTENSION_UUID
    target.mkdir(parents=True, exist_ok=True)
    for item in src.iterdir():
        if item.is_file():
            shutil.copyfile(item, target / item.name)
    return target


def _connect() -> Any:
    try:
        from jeepney.io.blocking import open_dbus_connection
    except ImportError as exc:  # pragma: no cover - jeepney is a Linux dependency
        raise CollectorUnavailable(f"jeepney is not installed ({exc})") from None
    try:
        return open_dbus_connection(bus="SESSION")
    except (OSError, KeyError, ValueError) as exc:
        raise CollectorUnavailable(f"cannot connect to the D-Bus session bus ({exc})") from None


def _call(conn: Any, name: str, path: str, interface: str, method: str) -> Any:
    from jeepney import DBusAddress, new_method_call
    from jeepney.wrappers import unwrap_msg

    msg = new_method_call(DBusAddress(path, bus_name=name, interface=interface), method)
    return unwrap_msg(conn.send_and_get_reply(msg, timeout=_TIMEOUT))


class GnomeWindowProbe:
    """Calls the extension's Get() each poll (one D-Bus round trip)."""

    def __init__(self) -> None:
        self._conn = _connect()
        self._names: dict[int, str] = {}
        self._lost = False
        try:
            self._get()
        except Exception as exc:
            self.close()
            raise CollectorUnavailable(
                f"the tracker's GNOME Shell extension does not answer on D-Bus ({exc}): run "
                f"`tracker-desktop install`, log out and in, then `gnome-extensions enable "
                f"{EXTENSION_UUID}`") from None

    def _get(self) -> tuple[bool, str, str, str, int]:
        focused, app_id, wm_class, title, pid = _call(self._conn, BUS_NAME, OBJECT_PATH,
                                                      INTERFACE, "Get")
        return bool(focused), str(app_id), str(wm_class), str(title), int(pid)

    def active_window(self) -> WindowInfo | None:
        try:
            focused, app_id, wm_class, title, pid = self._get()
        except Exception as exc:  # the Shell restarted, the extension was disabled
            if not self._lost:
                logger.warning("the GNOME Shell extension stopped answering (%s)", exc)
            self._lost = True
            return None
        self._lost = False
        if not focused:
            return None
        app = None
        if pid > 0:
            app = self._names.get(pid) or _process_name(pid)
            if app is not None:
                self._names[pid] = app
        # The .desktop id ("org.gnome.Terminal.desktop") names the app when no process does.
        app = app or wm_class or app_id.removesuffix(".desktop") or UNKNOWN_APP
        return WindowInfo(app=app, title=title, pid=pid if pid > 0 else None)

    def close(self) -> None:
        try:
            self._conn.close()
        except Exception:
            pass


class MutterIdleProbe:
    """org.gnome.Mutter.IdleMonitor.GetIdletime: milliseconds since the last input, exact."""

    def __init__(self) -> None:
        self._conn = _connect()
        try:
            self.idle_seconds()
        except CollectorUnavailable:
            self.close()
            raise

    def idle_seconds(self) -> float:
        try:
            (ms,) = _call(self._conn, MUTTER_IDLE_NAME, MUTTER_IDLE_PATH, MUTTER_IDLE_NAME,
                          "GetIdletime")
        except Exception as exc:
            raise CollectorUnavailable(f"GNOME's idle monitor does not answer ({exc})") from None
        return int(ms) / 1000.0

    def close(self) -> None:
        try:
            self._conn.close()
        except Exception:
            pass
