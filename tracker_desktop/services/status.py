"""What `status` shows: is a tracker running, what it sees, and today's active time so far."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, Callable

import psutil

from tracker_desktop.domain.events import AFK, WINDOW
from tracker_desktop.domain.intervals import Span, clip, subtract, total

from .state import STATUS_STALE_AFTER, StateService


def local_day_bounds(now: datetime, day_start_hour: int = 0) -> tuple[datetime, datetime]:
    """[start, end) of the local day containing `now` (machine time zone; respects TZ)."""
    local = now.astimezone()
    day = local.date()
    if local.hour < day_start_hour:
        day -= timedelta(days=1)
    start = datetime.combine(day, time(day_start_hour)).astimezone()
    end = datetime.combine(day + timedelta(days=1), time(day_start_hour)).astimezone()
    return start, end


def active_seconds(uow_factory: Callable[..., Any], start: datetime, end: datetime) -> float:
    """Window time not covered by AFK, within [start, end)."""
    with uow_factory() as uow:
        windows = uow.events.range(WINDOW, start, end)
        afk = [e for e in uow.events.range(AFK, start, end) if e.data.get("status") == "afk"]
    spans = clip((Span(e.start, e.end) for e in windows), start, end)
    away = [Span(e.start, e.end) for e in afk]
    return total(subtract(spans, away)).total_seconds()


def tracker_status(state: StateService, uow_factory: Callable[..., Any], now: datetime) -> dict[str, Any]:
    stored = state.tracker_status()
    running = False
    info: dict[str, Any] = {}
    if stored is not None:
        info, updated = stored
        pid = info.get("pid")
        running = (not info.get("stopped") and now - updated <= STATUS_STALE_AFTER
                   and isinstance(pid, int) and psutil.pid_exists(pid))
    pause = state.pause_state()
    start, end = local_day_bounds(now)
    return {
        "running": running,
        "pid": info.get("pid") if running else None,
        "paused": pause.active(now),
        "pause_until": pause.until.isoformat() if pause.active(now) and pause.until else None,
        "window": info.get("window") if running else None,
        "afk": info.get("afk") if running else None,
        "collectors": info.get("collectors") if running else None,
        "unavailable": info.get("unavailable") if running else None,
        "today": {"start": start.isoformat(), "active_seconds": round(active_seconds(uow_factory, start, now), 3)},
    }


__all__ = ["tracker_status", "active_seconds", "local_day_bounds"]
