"""What `status` shows: is a tracker running, what it sees, and today's active time so far.

Today's active time comes from the same analysis and rollups as `report`, so the two agree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psutil

from .rollups import RollupService
from .state import STATUS_STALE_AFTER, StateService


def tracker_status(state: StateService, rollups: RollupService, now: datetime) -> dict[str, Any]:
    stored = state.tracker_status()
    running = False
    info: dict[str, Any] = {}
    if stored is not None:
        info, updated = stored
        pid = info.get("pid")
        running = (not info.get("stopped") and now - updated <= STATUS_STALE_AFTER
                   and isinstance(pid, int) and psutil.pid_exists(pid))
    pause = state.pause_state()
    today = rollups.day_of(now)
    start, _ = rollups.bounds(today)
    rollups.refresh()
    active = rollups.active_seconds(today, today)[today]
    return {
        "running": running,
        "pid": info.get("pid") if running else None,
        "paused": pause.active(now),
        "pause_until": pause.until.isoformat() if pause.active(now) and pause.until else None,
        "window": info.get("window") if running else None,
        "afk": info.get("afk") if running else None,
        "collectors": info.get("collectors") if running else None,
        "unavailable": info.get("unavailable") if running else None,
        "today": {"date": today.isoformat(), "start": start.isoformat(), "active_seconds": round(active, 3)},
    }
