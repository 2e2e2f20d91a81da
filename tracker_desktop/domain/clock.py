"""The one seam through which the application learns the time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time as an aware UTC datetime."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin that never goes backwards."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def monotonic(self) -> float:
        import time

        return time.monotonic()


class FakeClock:
    """A clock that only moves when told to; tests freeze time with it instead of sleeping."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(timezone.utc)
        self._mono = 0.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float = 0.0) -> "FakeClock":
        self._now += timedelta(seconds=seconds)
        self._mono += seconds
        return self

    def set(self, when: datetime) -> "FakeClock":
        if when.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        delta = (when - self._now).total_seconds()
        self._now = when.astimezone(timezone.utc)
        self._mono += max(delta, 0.0)
        return self
