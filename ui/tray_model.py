"""The tray's view-model: what the icon shows and what its menu does, with no widgets in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal


@dataclass(frozen=True, slots=True)
class TrayView:
    tooltip: str
    status_line: str
    window_line: str
    paused: bool


def describe(status: dict[str, Any], tz: tzinfo | None = None) -> TrayView:
    """Turn the tracking service's status into the lines the tray shows (times in `tz`, the
    analysis time zone; default the system's)."""
    if status.get("paused"):
        until = status.get("pause_until")
        line = (f"Paused until {datetime.fromisoformat(until).astimezone(tz):%H:%M}" if until
                else "Paused")
    elif status.get("afk"):
        line = "Away (AFK)"
    else:
        line = "Tracking"
    off = [name for name, on in (status.get("collectors") or {}).items() if not on]
    if off:
        line += f" — off: {', '.join(off)}"
    window = status.get("window")
    window_line = f"{window['app']} — {window['title']}"[:80] if window else "No active window"
    return TrayView(f"tracker-desktop: {line}", line, window_line, bool(status.get("paused")))


class TrayViewModel(QObject):
    changed = Signal(object)  # TrayView

    def __init__(self, status: Callable[[], dict[str, Any]], pause: Callable[[], None],
                 resume: Callable[[], None], quit_: Callable[[], None],
                 tz: tzinfo | None = None) -> None:
        super().__init__()
        self._status, self._pause, self._resume, self._quit = status, pause, resume, quit_
        self._tz = tz
        self.view = describe(status(), tz)

    def refresh(self) -> None:
        view = describe(self._status(), self._tz)
        if view != self.view:
            self.view = view
            self.changed.emit(view)

    def toggle_pause(self) -> None:
        (self._resume if self.view.paused else self._pause)()
        self.refresh()

    def quit(self) -> None:
        self._quit()
