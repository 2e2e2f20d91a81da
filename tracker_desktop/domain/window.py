"""The active window as the tracker records it: one reading, and the state machine that turns a
reading per poll into "window" heartbeats (after the privacy rules). Pure: the probes that read
the window live in collectors/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping, Protocol

from .events import WINDOW, ZERO, Heartbeat


@dataclass(frozen=True)
class WindowInfo:
    """One reading of the active window. `pid` helps find the app; it is not part of its identity."""

    app: str
    title: str
    pid: int | None


class WindowRules(Protocol):
    """What the tracker needs of the privacy rules (`domain.privacy.PrivacyRules`)."""

    def apply(self, info: WindowInfo) -> WindowInfo | None: ...


class WindowTracker:
    """Turn a window reading per tick into "window" heartbeats, after the privacy rules.

    A tick happens every poll and, where the platform tells (X11), at every switch. Counts handed
    to `tick` are the input since the previous tick: they were typed in the window recorded then,
    so they go to it (on the first tick, to the window seen now). When the window changed, the old
    one gets a last heartbeat at the tick, so its event runs until the switch and the new one's
    starts there: window time covers the wall time. Input typed in a window the privacy rules
    exclude is not credited to any window; input while no window is focused (window managers
    clear the active window for a moment while switching) goes to the next window.
    """

    def __init__(self, rules: WindowRules, poll_seconds: float, pulsetime: float | None = None):
        if poll_seconds <= 0:
            raise ValueError(f"poll_seconds must be positive, not {poll_seconds}")
        minimum = poll_seconds + 1.0
        if pulsetime is not None and pulsetime < minimum:
            # Below poll + 1 s, consecutive polls of the same window would not merge into one event.
            raise ValueError(
                f"window pulsetime {pulsetime:g} s is too short: it must be at least "
                f"poll_seconds + 1 = {minimum:g} s so that consecutive polls merge")
        self._rules = rules
        self._poll_seconds = poll_seconds
        self._pulsetime = pulsetime if pulsetime is not None else minimum
        self._current: WindowInfo | None = None
        self._excluded = False
        self._started = False

    @property
    def pulsetime(self) -> float:
        return self._pulsetime

    @property
    def current(self) -> WindowInfo | None:
        """The window as last recorded (after privacy rules); None if nothing is being recorded."""
        return self._current

    @property
    def excluded(self) -> bool:
        """The focused window at the last tick is one the privacy rules exclude: input typed since
        then is not to be recorded anywhere, not even as anonymous per-minute totals."""
        return self._excluded

    def reset(self) -> None:
        """Forget the last reading (after a pause): the next tick starts afresh."""
        self._current, self._excluded, self._started = None, False, False

    def tick(self, now: datetime, info: WindowInfo | None,
             counts: Mapping[str, int]) -> list[Heartbeat]:
        shown = self._rules.apply(info) if info is not None else None
        previous, first = self._current, not self._started
        kept = {k: v for k, v in counts.items() if v}
        out = []
        if previous is not None and (shown is None or _identity(shown) != _identity(previous)):
            out.append(_beat(previous, now, kept))
            kept = {}
        elif previous is None and not first and self._excluded:
            kept = {}  # typed in an excluded window: not recorded anywhere
        if shown is not None:
            out.append(_beat(shown, now, kept))
        self._current, self._excluded, self._started = shown, info is not None and shown is None, True
        return out


def _identity(info: WindowInfo) -> tuple[str, str]:
    return info.app, info.title


def _beat(info: WindowInfo, now: datetime, counts: Mapping[str, int]) -> Heartbeat:
    return Heartbeat(WINDOW, now, ZERO, {"app": info.app, "title": info.title}, counts)
