"""What `status` shows: is a tracker running, what it sees, and today's active time so far.

Today's active time comes from the same analysis and rollups as `report`, so the two agree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, Mapping

from tracker_desktop.domain.clock import Clock

from .rollups import RollupService
from .state import STATUS_STALE_AFTER, StateService


def _pid_alive(pid: int) -> bool:
    if os.name == "posix":
        # Signal 0 checks the process exists without touching it (psutil costs ~50 ms to import).
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # alive, someone else's
            return True
        return True
    import psutil

    return bool(psutil.pid_exists(pid))


@dataclass(frozen=True, slots=True)
class WindowNow:
    app: str
    title: str


@dataclass(frozen=True, slots=True)
class TrackerStatus:
    running: bool
    pid: int | None
    paused: bool
    pause_until: datetime | None  # in the analysis time zone
    window: WindowNow | None
    afk: bool | None  # None: not known (no tracker, or its AFK collector is off)
    collectors: Mapping[str, bool] | None
    unavailable: Mapping[str, str] | None
    session: str | None  # "wayland (sway)", "x11 (x11)"; None: no tracker running
    probes: Mapping[str, str] | None  # collector → the probe reading it
    notes: Mapping[str, str] | None  # caveats of collectors that are on
    today: date
    today_start: datetime
    active_seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "running": self.running,
            "pid": self.pid,
            "paused": self.paused,
            "pause_until": self.pause_until.isoformat() if self.pause_until else None,
            "window": {"app": self.window.app, "title": self.window.title} if self.window else None,
            "afk": self.afk,
            "collectors": dict(self.collectors) if self.collectors is not None else None,
            "unavailable": dict(self.unavailable) if self.unavailable is not None else None,
            "session": self.session,
            "probes": dict(self.probes) if self.probes is not None else None,
            "notes": dict(self.notes) if self.notes is not None else None,
            "today": {"date": self.today.isoformat(), "start": self.today_start.isoformat(),
                      "active_seconds": round(self.active_seconds, 3)},
        }


class StatusService:
    def __init__(self, state: StateService, rollups: RollupService, clock: Clock) -> None:
        self._state = state
        self._rollups = rollups
        self._clock = clock

    @property
    def tz(self) -> tzinfo:
        return self._rollups.setup.tz

    def status(self) -> TrackerStatus:
        now = self._clock.now()
        stored = self._state.tracker_status()
        running = False
        info: dict[str, Any] = {}
        if stored is not None:
            info, updated = stored
            pid = info.get("pid")
            running = (not info.get("stopped") and now - updated <= STATUS_STALE_AFTER
                       and isinstance(pid, int) and _pid_alive(pid))
        pause = self._state.pause_state()
        today = self._rollups.day_of(now)
        start, _ = self._rollups.bounds(today)
        self._rollups.refresh()  # only reads unless events changed since the last refresh
        active = self._rollups.active_seconds(today, today)[today]
        window = info.get("window") if running else None
        paused = pause.active(now)
        return TrackerStatus(
            running=running,
            pid=info.get("pid") if running else None,
            paused=paused,
            pause_until=pause.until.astimezone(self.tz) if paused and pause.until else None,
            window=WindowNow(str(window.get("app", "")), str(window.get("title", "")))
            if isinstance(window, dict) else None,
            afk=info.get("afk") if running else None,
            collectors=info.get("collectors") if running else None,
            unavailable=info.get("unavailable") if running else None,
            session=info.get("session") if running else None,
            probes=info.get("probes") if running else None,
            notes=info.get("notes") if running else None,
            today=today,
            today_start=start.astimezone(self.tz),
            active_seconds=active,
        )
