"""Background jobs on APScheduler (3.x): periodic flushes now; rollups, plans and sync join later."""

from __future__ import annotations

import logging
from datetime import timezone
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

logger = logging.getLogger(__name__)


def make_scheduler(jobs: dict[str, tuple[Callable[[], object], float]]) -> BackgroundScheduler:
    """A background scheduler running each `name: (fn, every_seconds)` job, never overlapping itself."""
    from apscheduler.schedulers.background import BackgroundScheduler

    # The default zone only reaches interval and date triggers, which do not depend on it; daily
    # jobs pass the analysis zone. Left unset, APScheduler asks tzlocal, which raises on a TZ
    # that is not a zoneinfo name (TZ=EST+5, or any POSIX rule) and the tracker would not start.
    scheduler = BackgroundScheduler(daemon=True, timezone=timezone.utc,
                                    job_defaults={"coalesce": True, "max_instances": 1})
    for name, (fn, seconds) in jobs.items():
        scheduler.add_job(_logged(name, fn), "interval", seconds=seconds, id=name, name=name)
    return scheduler


def _logged(name: str, fn: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            fn()
        except Exception:
            logger.exception("scheduled job %s failed", name)

    return run


MISFIRE_GRACE_SECONDS = 6 * 3600  # a daily run missed while asleep still runs on waking


def add_daily(scheduler: BackgroundScheduler, name: str, fn: Callable[[], object], hhmm: str,
              tz: object) -> None:
    """Run `fn` every day at `hhmm` local time; a run missed (suspended machine) runs once
    when the scheduler notices, if within the grace time; several missed runs coalesce."""
    from apscheduler.triggers.cron import CronTrigger

    hour, minute = (int(x) for x in hhmm.split(":"))
    scheduler.add_job(_logged(name, fn), CronTrigger(hour=hour, minute=minute, timezone=tz),
                      id=name, name=name, coalesce=True, misfire_grace_time=MISFIRE_GRACE_SECONDS)


def add_once(scheduler: BackgroundScheduler, name: str, fn: Callable[[], object],
             delay_seconds: float = 30.0) -> None:
    """Run `fn` once, `delay_seconds` after the scheduler starts (start-up catch-up work)."""
    from datetime import datetime, timedelta

    scheduler.add_job(_logged(name, fn), "date",
                      run_date=datetime.now(timezone.utc) + timedelta(seconds=delay_seconds),
                      id=name, name=name, misfire_grace_time=None)


def add_every(scheduler: BackgroundScheduler, name: str, fn: Callable[[], object],
              seconds: float) -> None:
    """Run `fn` every `seconds`, logged, never overlapping itself."""
    scheduler.add_job(_logged(name, fn), "interval", seconds=seconds, id=name, name=name,
                      coalesce=True, max_instances=1)
