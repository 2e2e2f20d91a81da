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
    """Turn a window reading per poll into "window" heartbeats, after the privacy rules.

    Counts handed to `tick` are the input since the previous tick; they are credited to the window
    active at this tick (the poll interval is the resolution). Input while no window is recorded
    (none focused, or excluded by privacy rules) is not credited to any window.
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

    @property
    def pulsetime(self) -> float:
        return self._pulsetime

    @property
    def current(self) -> WindowInfo | None:
        """The window as last recorded (after privacy rules); None if nothing is being recorded."""
        return self._current

    def tick(self, now: datetime, info: WindowInfo | None,
             counts: Mapping[str, int]) -> list[Heartbeat]:
        shown = self._rules.apply(info) if info is not None else None
        self._current = shown
        if shown is None:
            return []
        return [Heartbeat(
            WINDOW, now, ZERO,
            {"app": shown.app, "title": shown.title},
            {k: v for k, v in counts.items() if v},
        )]
