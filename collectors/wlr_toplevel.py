"""Other wlroots compositors (river, labwc, Wayfire, sway too): the active window from
wlr-foreign-toplevel-management-unstable-v1, the protocol taskbars use (issue 14), through
pywayland. The compositor sends every toplevel's title, app id and state (activated...) as they
change, so the probe is its own switch watcher. The protocol tells no pid: the app is the app id.
"""

from __future__ import annotations

import logging
import os
import select
import struct
import threading
from dataclasses import dataclass
from typing import Any, Callable

from collectors.base import CollectorUnavailable
from collectors.window import UNKNOWN_APP
from tracker_desktop.domain.window import WindowInfo

logger = logging.getLogger(__name__)

MANAGER = "zwlr_foreign_toplevel_manager_v1"
_ACTIVATED = 2  # zwlr_foreign_toplevel_handle_v1.state.activated


@dataclass
class _Toplevel:
    title: str = ""
    app_id: str = ""
    activated: bool = False
    # Changes are applied atomically at `done`; until then they wait here.
    pending: dict[str, Any] | None = None


class WlrToplevelProbe:
    """A Wayland connection of its own, read by a thread; `active_window` returns the toplevel
    whose last applied state says `activated`."""

    def __init__(self, display_name: str | None = None) -> None:
        try:
            from pywayland.client.display import Display

            from collectors.protocols.wlr_foreign_toplevel_management_unstable_v1 import (
                ZwlrForeignToplevelManagerV1)
        except ImportError as exc:
            raise CollectorUnavailable(f"pywayland is not installed ({exc})") from None
        name = display_name or os.environ.get("WAYLAND_DISPLAY")
        if not name:
            raise CollectorUnavailable("WAYLAND_DISPLAY is not set")
        self._display = Display(name)
        try:
            self._display.connect()
        except Exception as exc:
            raise CollectorUnavailable(f"cannot connect to the Wayland display {name!r} ({exc})"
                                       ) from None
        self._toplevels: dict[Any, _Toplevel] = {}
        self._active: WindowInfo | None = None
        self._on_change: Callable[[], None] | None = None
        self._manager: Any = None
        self._stop = threading.Event()
        self.changes = 0

        def on_global(registry: Any, id_: int, interface: str, version: int) -> None:
            if interface == MANAGER and self._manager is None:
                self._manager = registry.bind(id_, ZwlrForeignToplevelManagerV1, min(version, 3))
                self._manager.dispatcher["toplevel"] = self._new_toplevel
                self._manager.dispatcher["finished"] = lambda _m: logger.warning(
                    "the compositor stopped sending toplevels")

        registry = self._display.get_registry()
        registry.dispatcher["global"] = on_global
        self._display.roundtrip()  # the globals
        if self._manager is None:
            self._display.disconnect()
            raise CollectorUnavailable(
                "this compositor does not offer wlr-foreign-toplevel-management, so the active "
                "window cannot be read")
        self._display.roundtrip()  # the toplevels that exist, with their state
        self._registry = registry
        self._thread: threading.Thread = threading.Thread(target=self._run, name="wlr-toplevels",
                                                          daemon=True)
        self._thread.start()

    # -- protocol events (on the reading thread, or in __init__'s roundtrips) -----------------

    def _new_toplevel(self, _manager: Any, handle: Any) -> None:
        top = _Toplevel()
        self._toplevels[handle] = top

        def pend(key: str, value: Any) -> None:
            if top.pending is None:
                top.pending = {}
            top.pending[key] = value

        handle.dispatcher["title"] = lambda _h, title: pend("title", title)
        handle.dispatcher["app_id"] = lambda _h, app_id: pend("app_id", app_id)
        handle.dispatcher["state"] = lambda _h, state: pend("activated", _ACTIVATED in _states(state))
        handle.dispatcher["done"] = lambda _h: self._done(handle)
        handle.dispatcher["closed"] = lambda _h: self._closed(handle)

    def _done(self, handle: Any) -> None:
        top = self._toplevels.get(handle)
        if top is None or not top.pending:
            return
        for key, value in top.pending.items():
            setattr(top, key, value)
        top.pending = None
        self._update()

    def _closed(self, handle: Any) -> None:
        self._toplevels.pop(handle, None)
        try:
            handle.destroy()
        except Exception:
            pass
        self._update()

    def _update(self) -> None:
        active = next((t for t in self._toplevels.values() if t.activated), None)
        info = (WindowInfo(app=active.app_id or UNKNOWN_APP, title=active.title, pid=None)
                if active is not None else None)
        if info != self._active:
            self._active = info
            self.changes += 1
            if self._on_change is not None:
                self._on_change()

    def _run(self) -> None:
        fd = self._display.get_fd()
        try:
            while not self._stop.is_set():
                self._display.flush()
                readable, _, _ = select.select([fd], [], [], 0.5)
                if readable:
                    if self._display.dispatch(block=True) < 0:
                        break
        except Exception:
            if not self._stop.is_set():
                logger.warning("the Wayland connection for toplevels failed", exc_info=True)
        if not self._stop.is_set():
            logger.warning("lost the Wayland display: the active window is no longer known")
            self._active = None

    # -- probe and watcher --------------------------------------------------------------------

    def active_window(self) -> WindowInfo | None:
        return self._active

    def start(self, on_change: Callable[[], None]) -> None:
        self._on_change = on_change

    def stop(self) -> None:
        self._on_change = None

    def close(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        self._thread.join(2)
        try:
            self._display.disconnect()
        except Exception:
            pass


def _states(raw: Any) -> set[int]:
    """The `state` event's wl_array of uint32 (pywayland hands it over as bytes)."""
    if isinstance(raw, (bytes, bytearray)):
        return {v for (v,) in struct.iter_unpack("=I", bytes(raw)[: len(raw) // 4 * 4])}
    return {int(v) for v in raw}
