"""Away-from-keyboard: the idle-time probes (the state machine that turns idle time into
heartbeats is `tracker_desktop.domain.afk.AfkTracker`). Probes import their platform libraries
lazily."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Any, Protocol

from collectors.base import CollectorUnavailable
from tracker_desktop.domain.clock import Clock, SystemClock

if TYPE_CHECKING:
    from collectors.input import InputCounter

logger = logging.getLogger(__name__)


class IdleProbe(Protocol):
    def idle_seconds(self) -> float:
        """Seconds since the last keyboard or mouse input."""
        ...


# --------------------------------------------------------------------------------------------
# Probes


class X11IdleProbe:
    """Idle time from the X server's MIT-SCREEN-SAVER extension (what aw-watcher-afk uses).

    If the X connection drops (display restarted), the next read reconnects; until that works,
    reads raise CollectorUnavailable and the tracking service shows AFK tracking as off.
    """

    def __init__(self, display_name: str | None = None) -> None:
        try:
            import Xlib.display  # noqa: F401
            import Xlib.error
        except ImportError as exc:  # pragma: no cover - python-xlib is a Linux dependency
            raise CollectorUnavailable(f"python-xlib is not installed ({exc})") from None
        self._errors = (Xlib.error.XError, Xlib.error.ConnectionClosedError, OSError)
        name = display_name or os.environ.get("DISPLAY")
        if not name:
            raise CollectorUnavailable("no display: DISPLAY is not set, so X11 idle time is unavailable")
        self._display_name = name
        self._dpy: Any = None
        self._connect()

    def _connect(self) -> None:
        import Xlib.display
        import Xlib.error

        name = self._display_name
        try:
            dpy = Xlib.display.Display(name)
        except (Xlib.error.DisplayError, Xlib.error.ConnectionClosedError, OSError) as exc:
            raise CollectorUnavailable(f"cannot connect to the X display {name!r} ({exc})") from None
        if not dpy.has_extension("MIT-SCREEN-SAVER"):
            dpy.close()
            raise CollectorUnavailable(
                f"the X server on {name} has no MIT-SCREEN-SAVER extension, so idle time cannot be "
                "read from it; enable the extension (Xvfb: +extension MIT-SCREEN-SAVER) or keep "
                "input counting on so idle time comes from the input listener")
        self._dpy = dpy
        self._root = dpy.screen().root

    def idle_seconds(self) -> float:
        """Raises CollectorUnavailable while the X server cannot be reached."""
        if self._dpy is None:
            self._connect()
        try:
            return float(self._root.screensaver_query_info().idle) / 1000.0
        except self._errors as exc:
            self.close()
            raise CollectorUnavailable(f"lost the X display {self._display_name!r}: {exc}") from None

    def close(self) -> None:
        try:
            if self._dpy is not None:
                self._dpy.close()
        except Exception:  # already gone
            pass
        self._dpy = None


class LastInputIdleProbe:
    """Idle time from the input listener's last event (when the OS cannot tell us).

    Before any input has been seen, idle time counts from when the probe was made.
    """

    def __init__(self, counter: "InputCounter", clock: Clock) -> None:
        self._counter = counter
        self._clock = clock
        self._since = clock.monotonic()

    def idle_seconds(self) -> float:
        last = self._counter.last_input
        return max(0.0, self._clock.monotonic() - (self._since if last is None else last))


class WindowsIdleProbe:  # pragma: no cover - untested here: no Windows runner; kept minimal
    """GetLastInputInfo via ctypes (what aw-watcher-afk uses on Windows)."""

    def __init__(self) -> None:
        import ctypes
        from ctypes import wintypes

        class LASTINPUTINFO(ctypes.Structure):
            _fields_ = [("cbSize", wintypes.UINT), ("dwTime", wintypes.DWORD)]

        self._info = LASTINPUTINFO()
        self._info.cbSize = ctypes.sizeof(LASTINPUTINFO)
        self._user32 = ctypes.windll.user32  # type: ignore[attr-defined]
        self._kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        self._kernel32.GetTickCount.restype = wintypes.DWORD
        self._ref = ctypes.byref(self._info)
        if not self._user32.GetLastInputInfo(self._ref):
            raise CollectorUnavailable("GetLastInputInfo failed: idle time is unavailable")

    def idle_seconds(self) -> float:
        self._user32.GetLastInputInfo(self._ref)
        # Both are 32-bit millisecond tick counts; the mask handles the 49.7-day wrap-around.
        ticks = int(self._kernel32.GetTickCount()) - int(self._info.dwTime)
        return (ticks & 0xFFFFFFFF) / 1000.0


class MacIdleProbe:  # pragma: no cover - untested here: no macOS runner; kept minimal
    """Quartz CGEventSourceSecondsSinceLastEventType via ctypes (no pyobjc, no `ioreg` spawn)."""

    _HID_SYSTEM_STATE = 1
    _ANY_INPUT_EVENT = 0xFFFFFFFF

    def __init__(self) -> None:
        import ctypes

        try:
            cg = ctypes.CDLL("/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics")
        except OSError as exc:
            raise CollectorUnavailable(f"CoreGraphics cannot be loaded: {exc}") from None
        self._fn = cg.CGEventSourceSecondsSinceLastEventType
        self._fn.restype = ctypes.c_double
        self._fn.argtypes = [ctypes.c_int32, ctypes.c_uint32]

    def idle_seconds(self) -> float:
        return float(self._fn(self._HID_SYSTEM_STATE, self._ANY_INPUT_EVENT))


def make_idle_probe(input_counter: "InputCounter | None" = None,
                    clock: Clock | None = None) -> IdleProbe:
    """The OS's idle time if it tells us (X11 screensaver, Windows, macOS), else the listener's.

    `input_counter` must be fed by a running input listener, or the fallback reports the person
    as idle since start-up.
    """
    reasons: list[str] = []
    try:
        if sys.platform == "win32":
            return WindowsIdleProbe()
        if sys.platform == "darwin":
            return MacIdleProbe()
        if os.environ.get("DISPLAY"):
            return X11IdleProbe()
        reasons.append("DISPLAY is not set")
    except CollectorUnavailable as exc:
        reasons.append(str(exc))
    if input_counter is not None:
        logger.info("idle time comes from the input listener (%s)", "; ".join(reasons))
        return LastInputIdleProbe(input_counter, clock or SystemClock())
    raise CollectorUnavailable(
        "no way to measure idle time: " + "; ".join(reasons)
        + ". Run inside a desktop session, or turn input counting on (tracking.record_input).")
