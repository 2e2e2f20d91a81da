"""Input counts per wall-clock minute: the pure state machine behind the "input" events."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Mapping

from .events import INPUT, Event, require_utc

MINUTE = timedelta(minutes=1)


def _minute_of(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0)


class InputMinuteTracker:
    """Sum input counts per wall-clock minute (UTC) into "input" events.

    Counts handed to `tick(now, counts)` are those since the previous tick; they are credited to
    the minute of the previous tick, when they started to accrue (the poll interval is the
    resolution). When a tick falls in a new minute, the finished minute comes out as one event:
    start = minute start, duration 60 s, data {}, counts = its totals. Minutes without input give
    nothing. `flush(now)` closes the current minute early (pause, shutdown) with duration up to now.
    """

    def __init__(self) -> None:
        self._minute: datetime | None = None
        self._counts: dict[str, int] = {}

    def tick(self, now: datetime, counts: Mapping[str, int]) -> list[Event]:
        now = require_utc(now, "tick time")
        minute = _minute_of(now)
        if self._minute is None:
            self._minute = minute
        for kind, n in counts.items():
            if n:
                self._counts[kind] = self._counts.get(kind, 0) + n
        if minute == self._minute:
            return []
        out = self._close(MINUTE)
        self._minute = minute
        return out

    def flush(self, now: datetime) -> list[Event]:
        now = require_utc(now, "flush time")
        if self._minute is None:
            return []
        elapsed = now - self._minute
        out = self._close(min(MINUTE, max(elapsed, timedelta(0))))
        self._minute = None
        return out

    def _close(self, duration: timedelta) -> list[Event]:
        assert self._minute is not None
        counts, self._counts = self._counts, {}
        if not counts:
            return []
        return [Event(INPUT, self._minute, duration, {}, counts)]
