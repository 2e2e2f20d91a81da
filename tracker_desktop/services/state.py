"""Tracking state shared between processes through the store: pause, and the live tracker's status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, Callable

PAUSE_KEY = "pause"
TRACKER_KEY = "tracker"
STATUS_STALE_AFTER = timedelta(seconds=20)


@dataclass(frozen=True, slots=True)
class PauseState:
    paused: bool
    until: datetime | None = None  # None with paused=True: until resumed
    # When the pause was asked for: a tracker that notices it a moment later still records
    # nothing typed since then.
    since: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.paused and (self.until is None or now < self.until)

    def to_json(self, tz: tzinfo | None = None) -> dict[str, Any]:
        """As stored (UTC), or with the times in `tz` for a person to read."""
        def iso(t: datetime | None) -> str | None:
            return None if t is None else (t.astimezone(tz) if tz else t).isoformat()

        return {"paused": self.paused, "until": iso(self.until), "since": iso(self.since)}

    @staticmethod
    def from_json(value: dict[str, Any] | None) -> "PauseState":
        if not value:
            return PauseState(False)
        until, since = value.get("until"), value.get("since")
        return PauseState(bool(value.get("paused")), datetime.fromisoformat(until) if until else None,
                          datetime.fromisoformat(since) if since else None)


class StateService:
    def __init__(self, uow_factory: Callable[..., Any]) -> None:
        self._uow = uow_factory

    def pause(self, now: datetime, minutes: float | None = None) -> PauseState:
        state = PauseState(True, now + timedelta(minutes=minutes) if minutes else None, now)
        self._write(PAUSE_KEY, state.to_json(), now)
        return state

    def resume(self, now: datetime) -> PauseState:
        state = PauseState(False)
        self._write(PAUSE_KEY, state.to_json(), now)
        return state

    def pause_state(self) -> PauseState:
        with self._uow() as uow:
            stored = uow.state.get(PAUSE_KEY)
        return PauseState.from_json(stored.value if stored else None)

    def publish_status(self, status: dict[str, Any], now: datetime) -> None:
        self._write(TRACKER_KEY, status, now)

    def tracker_status(self) -> tuple[dict[str, Any], datetime] | None:
        with self._uow() as uow:
            stored = uow.state.get(TRACKER_KEY)
        return (stored.value, stored.updated) if stored else None

    def _write(self, key: str, value: dict[str, Any], now: datetime) -> None:
        with self._uow(write=True) as uow:
            uow.state.set(key, value, now)
            uow.commit()
