"""The background scheduler under a TZ that is a POSIX rule (no zoneinfo name)."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Iterator

import pytest

from tracker_desktop.scheduler import add_daily, add_every, make_scheduler
from tracker_desktop.services.analysis_setup import resolve_timezone


@pytest.fixture
def posix_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """TZ=TST-14 (UTC+14), with tzlocal's cached answer dropped so it is asked afresh."""
    import tzlocal.unix

    monkeypatch.setenv("TZ", "TST-14")
    monkeypatch.setattr(tzlocal.unix, "_cache_tz", None)
    monkeypatch.setattr(tzlocal.unix, "_cache_tz_name", None)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_tzlocal_refuses_the_zone_the_scheduler_no_longer_asks_it(posix_tz: None) -> None:
    import tzlocal

    with pytest.raises(Exception, match="non-zoneinfo"):
        tzlocal.get_localzone()  # what APScheduler's default zone used to come from
    scheduler = make_scheduler({"tick": (lambda: None, 60.0)})
    add_every(scheduler, "every", lambda: None, 300.0)
    assert scheduler.timezone == timezone.utc
    assert {job.id for job in scheduler.get_jobs()} == {"tick", "every"}


def test_a_daily_job_runs_at_its_local_time_in_the_analysis_zone(posix_tz: None) -> None:
    tz, name = resolve_timezone()
    assert name == "TZ=TST-14"
    scheduler = make_scheduler({})
    add_daily(scheduler, "plan", lambda: None, "19:45", tz)
    [job] = scheduler.get_jobs()
    # 00:00 UTC is 14:00 local: the next 19:45 local is 05:45 UTC the same day.
    now = datetime(2026, 1, 5, 0, 0, tzinfo=timezone.utc)
    fire = job.trigger.get_next_fire_time(None, now)
    assert fire.astimezone(timezone.utc) == datetime(2026, 1, 5, 5, 45, tzinfo=timezone.utc)
