"""The active window: platform probes that read it (the state machine that turns readings into
heartbeats is `tracker_desktop.domain.window.WindowTracker`).

The probes import their platform libraries lazily, inside `__init__`, because some of them
(pywinctl, pynput) bind to $DISPLAY the moment they are imported.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
from typing import Any, Callable, Protocol

from collectors.base import CollectorUnavailable
from tracker_desktop.domain.window import WindowInfo

logger = logging.getLogger(__name__)

UNKNOWN_APP = "unknown"
# With a switch watcher, a poll re-reads the window anyway this often (a missed notification).
RECHECK_SECONDS = 10.0


class WindowProbe(Protocol):
    def active_window(self) -> WindowInfo | None:
        """The focused window now, or None (nothing focused, or it vanished while being read)."""
        ...


# --------------------------------------------------------------------------------------------
# Probes


def _process_name(pid: int) -> str | None:
    import psutil

    try:
        return psutil.Process(pid).name() or None
    except (psutil.Error, OSError):  # gone, or not ours to inspect
        return None


def _same_host(machine: str) -> bool:
    here = socket.gethostname().split(".")[0].casefold()
    return machine.split(".")[0].casefold() == here


class X11WindowProbe:
    """Read the active window straight from the X server with python-xlib.

    Per poll this is two GetProperty round trips on one long-lived connection (active window,
    title); pid and app name are looked up once per window. It reads the same EWMH properties as
    pywinctl, which is not used on X11: on import it connects to every display in /tmp/.X11-unix,
    and it spawns `ps` to name each app.

    PID: `_NET_WM_PID`; windows that lack it (Tk, Xt apps) get the pid of the client owning the
    window from the X-Resource extension. `pid_source` says which was used for the last reading.
    """

    def __init__(self, display_name: str | None = None) -> None:
        try:
            import Xlib.display
            import Xlib.error
        except ImportError as exc:  # pragma: no cover - python-xlib is a Linux dependency
            raise CollectorUnavailable(
                f"python-xlib is not installed ({exc}); reinstall tracker-desktop") from None
        self._display_name = display_name
        self._xlib_errors = (Xlib.error.XError,)
        self._closed_errors = (Xlib.error.ConnectionClosedError, OSError)
        self._dpy: Any = None
        self._cache: tuple[int, int | None, str, str | None] | None = None  # wid, pid, app, source
        self.pid_source: str | None = None
        self._lost = False
        # While a switch watcher reports every change, a poll between two reports can reuse the
        # last reading (two X round trips saved per poll); `_gen` moves on with each report.
        self._watched = False
        self._gen = 0
        self._reading: tuple[int, float, WindowInfo | None] | None = None  # gen, when, info
        self._connect()

    def _connect(self) -> None:
        import Xlib.display
        import Xlib.error
        from Xlib import Xatom

        name = self._display_name or os.environ.get("DISPLAY")
        if not name:
            raise CollectorUnavailable(
                "no display: DISPLAY is not set, so there is no X11 desktop to read the active "
                "window from. Run tracker-desktop (or `run --headless`) inside a desktop session, "
                "or set DISPLAY (e.g. DISPLAY=:0).")
        try:
            dpy = Xlib.display.Display(name)
        except (Xlib.error.DisplayError, Xlib.error.ConnectionClosedError, OSError) as exc:
            raise CollectorUnavailable(
                f"cannot connect to the X display {name!r} ({exc}); check that DISPLAY points at a "
                "running X server you may use (xauth/XAUTHORITY)") from None
        self._dpy = dpy
        self._cache = None  # window ids mean nothing across connections
        self._root = dpy.screen().root
        self._wm_check: int | None = None  # the EWMH supporting window, looked up once
        atom = dpy.intern_atom
        self._A_ACTIVE = atom("_NET_ACTIVE_WINDOW")
        self._A_NAME = atom("_NET_WM_NAME")
        self._A_UTF8 = atom("UTF8_STRING")
        self._A_PID = atom("_NET_WM_PID")
        self._A_WM_NAME = Xatom.WM_NAME
        self._A_STRING = Xatom.STRING
        self._A_MACHINE = Xatom.WM_CLIENT_MACHINE
        self._has_res = dpy.has_extension("X-Resource")
        if not self._has_res:
            logger.info("X server has no X-Resource extension: windows without _NET_WM_PID "
                        "will be named by their WM_CLASS")

    def close(self) -> None:
        if self._dpy is not None:
            try:
                self._dpy.close()
            except Exception:  # already gone
                pass
            self._dpy = None

    def watched(self, on: bool) -> None:
        """A switch watcher tells of every change from now on (`on`), or no longer does."""
        self._watched = on
        self._reading = None

    def changed(self) -> None:
        """The watcher saw the active window or its title change: read it again next time."""
        self._gen += 1

    def active_window(self) -> WindowInfo | None:
        reading, gen = self._reading, self._gen
        if (self._watched and reading is not None and reading[0] == gen
                and time.monotonic() - reading[1] < RECHECK_SECONDS):
            return reading[2]
        info = self._active_window()
        # A failed read (X connection lost, the window vanished mid-read) is not kept: the next
        # poll reads (and reconnects) again.
        ok = not self._lost and self._dpy is not None
        self._reading = (gen, time.monotonic(), info) if self._watched and ok else None
        return info

    def _active_window(self) -> WindowInfo | None:
        if self._dpy is None:
            try:
                self._connect()
            except CollectorUnavailable:
                return None
        try:
            info = self._read()
        except self._xlib_errors:
            # The window closed between reading its id and its properties (BadWindow) or similar.
            return None
        except self._closed_errors as exc:
            if not self._lost:
                logger.warning("lost the X display (%s); will reconnect on the next poll", exc)
            self._lost = True
            self.close()
            return None
        self._lost = False
        return info

    # -- reading ------------------------------------------------------------------------------

    def _prop(self, window: Any, atom: int, type_: int, length: int = 1024) -> Any:
        from Xlib import X

        reply = window.get_property(atom, type_ if type_ else X.AnyPropertyType, 0, length)
        if reply is None or not reply.value:
            return None
        return reply

    def _active_id(self) -> int | None:
        from Xlib import X

        reply = self._prop(self._root, self._A_ACTIVE, X.AnyPropertyType, 1)
        if reply is not None:
            wid = int(reply.value[0])
            # With nothing focused, some window managers (openbox) make their own supporting
            # window active; that is "no window", not an app called "openbox".
            return wid if wid and wid != self._wm_check_id() else None
        if self._wm_check_id() is not None:
            return None  # an EWMH window manager that has not activated any window yet
        # No EWMH window manager: fall back to the input focus, climbing to the top-level window.
        focus = self._dpy.get_input_focus().focus
        if isinstance(focus, int) or focus is None:  # PointerRoot / None
            return None
        window = focus
        for _ in range(8):
            if window.get_wm_class() is not None:
                return int(window.id)
            parent = window.query_tree().parent
            if parent is None or parent.id in (0, self._root.id):
                break
            window = parent
        return int(focus.id)

    def _wm_check_id(self) -> int | None:
        if self._wm_check is None:
            from Xlib import X

            reply = self._prop(self._root, self._dpy.intern_atom("_NET_SUPPORTING_WM_CHECK"),
                               X.AnyPropertyType, 1)
            self._wm_check = int(reply.value[0]) if reply is not None and len(reply.value) else 0
        return self._wm_check or None

    def _title(self, window: Any) -> str:
        reply = self._prop(window, self._A_NAME, self._A_UTF8)
        if reply is not None:
            return _text(reply.value, "utf-8")
        reply = self._prop(window, self._A_WM_NAME, 0)
        if reply is None:
            return ""
        return _text(reply.value, "latin-1" if reply.property_type == self._A_STRING else "utf-8")

    def _pid(self, window: Any, wid: int) -> tuple[int | None, str | None]:
        machine = self._prop(window, self._A_MACHINE, 0, 64)
        if machine is not None and not _same_host(_text(machine.value, "latin-1")):
            return None, None  # a remote client (ssh -X): its pids are another machine's
        reply = self._prop(window, self._A_PID, 0, 1)
        if reply is not None and int(reply.value[0]) > 0:
            return int(reply.value[0]), "_NET_WM_PID"
        if self._has_res:
            from Xlib.ext import res

            ids = self._dpy.res_query_client_ids([{"client": wid, "mask": res.LocalClientPIDMask}])
            for client in ids.ids:
                if client.spec.mask & res.LocalClientPIDMask and len(client.value):
                    return int(client.value[0]), "X-Resource"
        return None, None

    def _read(self) -> WindowInfo | None:
        wid = self._active_id()
        if wid is None:
            self.pid_source = None
            return None
        window = self._dpy.create_resource_object("window", wid)
        title = self._title(window)
        if self._cache is None or self._cache[0] != wid:
            pid, source = self._pid(window, wid)
            app = _process_name(pid) if pid is not None else None
            if app is None:
                wm_class = window.get_wm_class()
                app = wm_class[1] if wm_class and wm_class[1] else UNKNOWN_APP
            self._cache = (wid, pid, app, source)
        _, pid, app, self.pid_source = self._cache
        return WindowInfo(app=app, title=title, pid=pid)


def _text(value: Any, encoding: str) -> str:
    raw = bytes(value) if not isinstance(value, str) else value.encode("latin-1")
    return raw.decode(encoding, errors="replace").rstrip("\x00")


class PywinctlWindowProbe:
    """Windows and macOS: pywinctl's active window, app named by psutil.

    Not exercised by the test suite (no Windows/macOS runners here); kept deliberately small.
    On macOS, titles need the Accessibility/Screen Recording permission.
    """

    def __init__(self) -> None:
        try:
            import pywinctl
        except Exception as exc:  # pywinctl raises assorted errors when the platform is unusable
            raise CollectorUnavailable(f"pywinctl cannot read windows here: {exc}") from None
        self._pywinctl = pywinctl

    def active_window(self) -> WindowInfo | None:
        try:
            win = self._pywinctl.getActiveWindow()
            if win is None:
                return None
            title = win.title or ""
            pid = win.getPID() if hasattr(win, "getPID") else None
            app = (_process_name(pid) if pid else None) or win.getAppName() or UNKNOWN_APP
        except Exception:  # the window closed mid-read; the next poll tries again
            logger.debug("reading the active window failed", exc_info=True)
            return None
        return WindowInfo(app=app, title=title, pid=pid)


def make_window_probe() -> WindowProbe:
    """The probe for this platform, or CollectorUnavailable saying why there is none."""
    if sys.platform in ("win32", "darwin"):
        return PywinctlWindowProbe()
    if not os.environ.get("DISPLAY"):
        wayland = " (this is a Wayland session without XWayland)" if os.environ.get(
            "WAYLAND_DISPLAY") else ""
        raise CollectorUnavailable(
            f"no display{wayland}: DISPLAY is not set, so the active window cannot be read. "
            "Use --headless on a machine with a desktop, or set DISPLAY (e.g. DISPLAY=:0).")
    if os.environ.get("WAYLAND_DISPLAY"):
        logger.warning("Wayland session: only X11 (XWayland) windows are visible to the tracker")
    return X11WindowProbe()


class X11SwitchWatcher:
    """Says the moment the active window or its title changes, so a switch is recorded when it
    happens instead of at the next poll (issue 7: switching every 1.5 s recorded 5 of 14 s).

    Its own X connection listens for PropertyNotify on the root window (`_NET_ACTIVE_WINDOW`) and
    on the active window (`_NET_WM_NAME`, `WM_NAME`); `on_change` is called from its thread and
    must only hand the news over (the tracker wakes its poll loop). Polling stays as the fallback.
    """

    _STOP_CHECK_SECONDS = 1.0  # how soon stop() is noticed; each check costs a wake-up

    def __init__(self, probe: X11WindowProbe | None = None, display_name: str | None = None
                 ) -> None:
        try:
            import Xlib.display  # noqa: F401
        except ImportError as exc:  # pragma: no cover - python-xlib is a Linux dependency
            raise CollectorUnavailable(f"python-xlib is not installed ({exc})") from None
        self._probe = probe
        name = display_name or os.environ.get("DISPLAY")
        if not name:
            raise CollectorUnavailable("no display: DISPLAY is not set")
        self._display_name = name
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.changes = 0  # notifications passed on (tests, logs)

    def start(self, on_change: Callable[[], None]) -> None:
        if self._thread is not None:
            return
        import Xlib.display
        import Xlib.error

        try:
            dpy = Xlib.display.Display(self._display_name)
        except (Xlib.error.DisplayError, Xlib.error.ConnectionClosedError, OSError) as exc:
            raise CollectorUnavailable(f"cannot connect to the X display ({exc})") from None
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(dpy, on_change),
                                        name="x11-switch-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2 * self._STOP_CHECK_SECONDS + 1)
            self._thread = None

    def _run(self, dpy: Any, on_change: Callable[[], None]) -> None:
        import select

        import Xlib.error
        from Xlib import X, Xatom

        root = dpy.screen().root
        a_active = dpy.intern_atom("_NET_ACTIVE_WINDOW")
        names = {dpy.intern_atom("_NET_WM_NAME"), Xatom.WM_NAME}
        watched = 0

        def follow_active() -> bool:
            """Listen to the active window's title (and no longer to the previous one's);
            False if there is no EWMH active window to follow at all."""
            nonlocal watched
            prop = root.get_full_property(a_active, X.AnyPropertyType)
            wid = int(prop.value[0]) if prop is not None and len(prop.value) else 0
            if wid != watched:
                # Either window may be gone already; an error about it is of no interest.
                if watched:
                    dpy.create_resource_object("window", watched).change_attributes(
                        event_mask=0, onerror=Xlib.error.CatchError())
                if wid:
                    dpy.create_resource_object("window", wid).change_attributes(
                        event_mask=X.PropertyChangeMask, onerror=Xlib.error.CatchError())
                dpy.flush()  # subscribed before the tick this change triggers reads the title
            watched = wid
            return prop is not None

        try:
            root.change_attributes(event_mask=X.PropertyChangeMask)
            ewmh = follow_active()
            dpy.sync()  # from here on every change is reported
            # Without an EWMH window manager the probe follows the input focus, which sends no
            # PropertyNotify: then polls keep reading, and this only speeds up what it sees.
            if self._probe is not None and ewmh:
                self._probe.watched(True)
            while not self._stop.is_set():
                readable, _, _ = select.select([dpy], [], [], self._STOP_CHECK_SECONDS)
                if not readable and not dpy.pending_events():
                    continue
                changed = False
                while dpy.pending_events():
                    ev = dpy.next_event()
                    if ev.type != X.PropertyNotify:
                        continue
                    if ev.window.id == root.id and ev.atom == a_active:
                        follow_active()
                        changed = True
                    elif ev.window.id == watched and ev.atom in names:
                        changed = True
                if changed:
                    self.changes += 1
                    if self._probe is not None:
                        self._probe.changed()
                    on_change()
                dpy.flush()
        except (Xlib.error.ConnectionClosedError, OSError):
            logger.warning("lost the X connection that watches window switches; polling only")
        except Exception:
            logger.exception("the X11 switch watcher failed; polling only")
        finally:
            if self._probe is not None:
                self._probe.watched(False)
            try:
                dpy.close()
            except Exception:
                pass
