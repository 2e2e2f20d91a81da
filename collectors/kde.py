"""KDE Plasma on Wayland: the active window, told by a KWin script the tracker loads over D-Bus
(issue 14). KWin offers no "which window is active" call to other clients, but its scripts can
call D-Bus: ours reports every activation and caption change to a D-Bus object this probe
exposes, so switches are recorded as they happen (the probe is its own switch watcher).

  the tracker owns  io.github.trackerdesktop.KWin.p<pid>, object /Receiver,
                    interface io.github.trackerdesktop.KWinReceiver,
                    method Activated(s resource_class, s resource_name, s caption, s pid)
  loading           org.kde.KWin /Scripting org.kde.kwin.Scripting.loadScript(path, plugin) -> id,
                    then org.kde.kwin.Script.run() on /Scripting/Script<id> (Plasma ≥ 5.24) or
                    /<id> (older); unloadScript(plugin) on close.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable

from collectors.base import CollectorUnavailable
from collectors.window import UNKNOWN_APP, _process_name
from tracker_desktop.domain.window import WindowInfo

logger = logging.getLogger(__name__)

RECEIVER_PATH = "/Receiver"
RECEIVER_INTERFACE = "io.github.trackerdesktop.KWinReceiver"
KWIN_NAME = "org.kde.KWin"
SCRIPTING_PATH = "/Scripting"
SCRIPTING_INTERFACE = "org.kde.kwin.Scripting"
SCRIPT_INTERFACE = "org.kde.kwin.Script"
_TIMEOUT = 5.0

SCRIPT_TEMPLATE = Path(__file__).with_name("kwin_script.js")


def receiver_name(pid: int | None = None) -> str:
    return f"io.github.trackerdesktop.KWin.p{os.getpid() if pid is None else pid}"


def render_script(bus_name: str) -> str:
    return SCRIPT_TEMPLATE.read_text().replace("@BUS_NAME@", bus_name)


class KWinWindowProbe:
    """Exposes the receiver, loads the script, keeps the last window it was told of."""

    def __init__(self, *, load: bool = True) -> None:
        try:
            from jeepney.bus_messages import message_bus
            from jeepney.io.blocking import open_dbus_connection
        except ImportError as exc:  # pragma: no cover - jeepney is a Linux dependency
            raise CollectorUnavailable(f"jeepney is not installed ({exc})") from None
        self.bus_name = receiver_name()
        self.plugin = f"tracker-desktop-{os.getpid()}"
        try:
            self._conn = open_dbus_connection(bus="SESSION")
            reply = self._conn.send_and_get_reply(message_bus.RequestName(self.bus_name),
                                                  timeout=_TIMEOUT)
        except (OSError, KeyError, ValueError, TimeoutError) as exc:
            raise CollectorUnavailable(f"cannot use the D-Bus session bus ({exc})") from None
        if reply.body[0] != 1:
            self._conn.close()
            raise CollectorUnavailable(f"the D-Bus name {self.bus_name} is taken")
        self._window: WindowInfo | None = None
        self._names: dict[int, str] = {}
        self._on_change: Callable[[], None] | None = None
        self._stop = threading.Event()
        self._script: Path | None = None
        self.reports = 0
        self._thread = threading.Thread(target=self._serve, name="kwin-receiver", daemon=True)
        self._thread.start()
        if load:
            try:
                self._load_script()
            except Exception as exc:
                self.close()
                raise CollectorUnavailable(
                    f"KWin did not load the tracker's script over D-Bus ({exc}); is this a "
                    "KDE Plasma session?") from None

    # -- the script ---------------------------------------------------------------------------

    def _call(self, conn: Any, path: str, interface: str, method: str,
              signature: str | None = None, body: tuple[Any, ...] = ()) -> Any:
        from jeepney import DBusAddress, new_method_call
        from jeepney.wrappers import unwrap_msg

        msg = new_method_call(DBusAddress(path, bus_name=KWIN_NAME, interface=interface), method,
                              signature, body)
        return unwrap_msg(conn.send_and_get_reply(msg, timeout=_TIMEOUT))

    def _load_script(self) -> None:
        from jeepney.io.blocking import open_dbus_connection

        fd, name = tempfile.mkstemp(prefix="tracker-kwin-", suffix=".js")
        with os.fdopen(fd, "w") as f:
            f.write(render_script(self.bus_name))
        self._script = Path(name)
        # The receiver's connection belongs to its thread: calls go on a connection of their own.
        with open_dbus_connection(bus="SESSION") as conn:
            self._call(conn, SCRIPTING_PATH, SCRIPTING_INTERFACE, "unloadScript", "s",
                       (self.plugin,))
            (script_id,) = self._call(conn, SCRIPTING_PATH, SCRIPTING_INTERFACE, "loadScript",
                                      "ss", (str(self._script), self.plugin))
            if script_id < 0:
                raise RuntimeError(f"loadScript returned {script_id}")
            errors = []
            for path in (f"/Scripting/Script{script_id}", f"/{script_id}"):
                try:
                    self._call(conn, path, SCRIPT_INTERFACE, "run")
                    return
                except Exception as exc:  # the other path is the other Plasma version's
                    errors.append(f"{path}: {exc}")
            raise RuntimeError("; ".join(errors))

    # -- the receiver -------------------------------------------------------------------------

    def _serve(self) -> None:
        from jeepney import MessageType, new_error, new_method_return
        from jeepney.low_level import HeaderFields

        while not self._stop.is_set():
            try:
                msg = self._conn.receive(timeout=0.5)
            except TimeoutError:
                continue
            except Exception:
                if not self._stop.is_set():
                    logger.warning("the KWin receiver's D-Bus connection closed")
                return
            h = msg.header
            if h.message_type != MessageType.method_call:
                continue
            if (h.fields.get(HeaderFields.interface) != RECEIVER_INTERFACE
                    or h.fields.get(HeaderFields.member) != "Activated"
                    or h.fields.get(HeaderFields.signature) != "ssss"):
                self._conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))
                continue
            self._activated(*msg.body)
            self._conn.send(new_method_return(msg))

    def _activated(self, resource_class: str, resource_name: str, caption: str, pid_text: str
                   ) -> None:
        pid = int(pid_text) if pid_text.isdigit() else 0
        if not (resource_class or resource_name or caption or pid):
            self._window = None
        else:
            app = None
            if pid > 0:
                app = self._names.get(pid) or _process_name(pid)
                if app is not None:
                    self._names[pid] = app
            app = app or resource_class or resource_name or UNKNOWN_APP
            self._window = WindowInfo(app=app, title=caption, pid=pid if pid > 0 else None)
        self.reports += 1
        if self._on_change is not None:
            self._on_change()

    def active_window(self) -> WindowInfo | None:
        return self._window

    # -- as a switch watcher ------------------------------------------------------------------

    def start(self, on_change: Callable[[], None]) -> None:
        self._on_change = on_change

    def stop(self) -> None:
        self._on_change = None

    def close(self) -> None:
        self._stop.set()
        if self._script is not None:
            try:
                from jeepney.io.blocking import open_dbus_connection

                with open_dbus_connection(bus="SESSION") as conn:
                    self._call(conn, SCRIPTING_PATH, SCRIPTING_INTERFACE, "unloadScript", "s",
                               (self.plugin,))
            except Exception:
                logger.debug("unloading the KWin script failed", exc_info=True)
            self._script.unlink(missing_ok=True)
            self._script = None
        self._thread.join(2)
        try:
            self._conn.close()
        except Exception:
            pass
