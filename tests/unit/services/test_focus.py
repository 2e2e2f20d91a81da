"""FocusService on the in-memory unit of work: one write unit of work per verb."""

from datetime import datetime, timezone

import pytest

from storage.uow import MemoryUnitOfWork
from tracker_desktop.config import FocusSettings
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.focus import FocusError
from tracker_desktop.services.focus import FocusService, NoFocusSession

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


@pytest.fixture
def env():
    uow, clock = MemoryUnitOfWork(), FakeClock(T0)
    return uow, clock, FocusService(uow, FocusSettings(work_minutes=10), clock, timezone.utc)


def test_status_writes_nothing_and_tick_stores_the_phase_changes(env):
    uow, clock, service = env
    service.start()
    commits = uow.commits
    clock.advance(11 * 60)
    s = service.status()
    assert s.state is not None and s.state.cycles == 1 and len(s.changes) == 1
    assert uow.commits == commits
    assert service.tick().changes and uow.commits == commits + 1
    assert service.tick().changes == () and uow.commits == commits + 1


def test_stop_recomputes_the_profile_and_recompute_keeps_it(env):
    uow, clock, service = env
    with pytest.raises(NoFocusSession):
        service.pause()
    service.start()
    clock.advance(10 * 60)
    stopped = service.stop(score=5)
    assert stopped.session.completed and stopped.session.score == 5
    assert service.profile().sessions == 1
    clock.advance(60)
    assert service.recompute() == service.profile() and service.profile().computed == clock.now()
    assert service.profile().completed == 1
    with pytest.raises(FocusError):
        service.stop(score=0)
