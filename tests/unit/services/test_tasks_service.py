"""TaskService on the in-memory unit of work: each verb commits once, a refused one never."""

from datetime import datetime, timedelta, timezone

import pytest

from storage.uow import MemoryUnitOfWork
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.tasks import NoTimer, Overlap, TaskError, TimerRunning, UnknownTask
from tracker_desktop.services.tasks import TaskService

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
M = timedelta(minutes=1)


@pytest.fixture
def svc():
    uow = MemoryUnitOfWork()
    clock = FakeClock(T0)
    s = TaskService(uow, clock, timezone.utc)
    s.uow, s.clock = uow, clock
    return s


def test_each_verb_is_one_commit_and_refusals_none(svc):
    task = svc.add("Write", estimate_hours=1, project="P")
    assert svc.uow.commits == 1 and svc.get(task.id) == task
    svc.timer_start(task.id)
    assert svc.get(task.id).status == "in_progress"
    for bad in (lambda: svc.timer_start(None, "other"), lambda: svc.timer_resume(),
                lambda: svc.edit(99, title="x"), lambda: svc.timer_start(42),
                lambda: svc.entry_add(T0 - 10 * M, T0 + M)):
        commits = svc.uow.commits
        with pytest.raises(TaskError):
            bad()
        assert svc.uow.commits == commits
    svc.clock.advance(30 * 60)
    stopped = svc.timer_stop()
    assert stopped.duration(T0) == 30 * M
    with pytest.raises(NoTimer):
        svc.timer_stop()
    with pytest.raises(Overlap):
        svc.entry_add(T0 + 10 * M, T0 + 20 * M, task_id=task.id)
    with pytest.raises(TimerRunning):
        svc.timer_start(None, "a")
        svc.timer_start(None, "b")
    with pytest.raises(UnknownTask):
        svc.log("x", 5, task_id=77)


def test_report_sums_entries_and_the_log(svc):
    task = svc.add("Spec", estimate_hours=2, tags=["docs"])
    svc.entry_add(T0 - 60 * M, T0 - 30 * M, task_id=task.id)
    svc.log("Standup", 15, template="meeting")
    r = svc.report(T0 - timedelta(hours=3), T0 + timedelta(hours=1)).to_json()
    assert r["tasks"] == [{"id": task.id, "title": "Spec", "seconds": 1800.0}]
    assert r["tags"] == [{"name": "docs", "seconds": 1800.0}]
    assert r["manual_log"]["entries"] == 1 and r["manual_log"]["seconds"] == 900.0
    assert r["estimates"][0]["pct"] == -75.0
