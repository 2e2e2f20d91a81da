"""Background jobs on APScheduler (3.x): periodic flushes now; rollups, plans and sync join later."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

logger = logging.getLogger(__name__)


def make_scheduler(jobs: dict[str, tuple[Callable[[], object], float]]) -> BackgroundScheduler:
    """A background scheduler running each `name: (fn, every_seconds)` job, never overlapping itself."""
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(daemon=True, job_defaults={"coalesce": True, "max_instances": 1})
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
