"""`Writer.apply` and `HeartbeatEngine.also` on a real SQLite file: a change made on the writer
thread, written at once, `done` called only after the commit; an extra write committed with the
heartbeats or not at all."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from storage.engine import open_database
from storage.heartbeat_engine import HeartbeatEngine
from storage.uow import SqlUnitOfWorkFactory
from storage.wakatime import Received
from storage.writer import Writer
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.events import Heartbeat

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


@pytest.fixture
def uow(tmp_path):
    engine = open_database(tmp_path / "t.sqlite3")
    yield SqlUnitOfWorkFactory(engine)
    engine.dispose()


def editor_events(uow):
    with uow() as u:
        return list(u.events.stream("editor"))


def test_apply_writes_at_once_and_calls_done_after_the_commit(uow):
    clock = FakeClock(T0)  # no time passes: a batch would never be due by age
    writer = Writer(HeartbeatEngine(uow, clock), clock)
    seen_at_done = []

    def change(engine):
        engine.heartbeat(Heartbeat("editor", T0, data={"file": "a.py"}), 900)
        engine.also(lambda u: u.wakatime.add_many([Received("k1", T0, T0, "vim")]))

    def done():
        with uow() as u:
            seen_at_done.append((len(editor_events(uow)), u.wakatime.seen(["k1"])))

    writer.apply(change, name="test", done=done)
    assert seen_at_done == []  # nothing runs until the writer's loop does
    writer.run_pending()
    assert seen_at_done == [(1, {"k1"})]


def test_an_extra_write_that_fails_takes_the_heartbeats_with_it_and_both_are_retried(uow):
    clock = FakeClock(T0)
    writer = Writer(HeartbeatEngine(uow, clock), clock)
    done = []
    fail = [True]

    def extra(u):
        if fail[0]:
            raise RuntimeError("disk full")
        u.wakatime.add_many([Received("k1", T0, T0, "vim")])

    writer.apply(lambda e: (e.heartbeat(Heartbeat("editor", T0, data={"file": "a.py"}), 900),
                            e.also(extra)), name="test", done=lambda: done.append(1))
    writer.run_pending()
    assert done == [] and editor_events(uow) == []  # rolled back together
    fail[0] = False
    clock.advance(seconds=60)  # past the writer's back-off
    writer.run_pending()
    assert done == [1] and len(editor_events(uow)) == 1
    with uow() as u:
        assert u.wakatime.seen(["k1"]) == {"k1"}


def test_run_start_walks_back_over_gaps_up_to_the_timeout(uow):
    times = [T0, T0 + timedelta(minutes=20), T0 + timedelta(minutes=30), T0 + timedelta(minutes=44)]
    with uow(write=True) as u:
        u.wakatime.add_many([Received(f"k{i}", t, t) for i, t in enumerate(times)])
        u.commit()
    with uow() as u:
        assert u.wakatime.run_start(T0 + timedelta(minutes=50), timedelta(minutes=15)) == times[1]
        assert u.wakatime.run_start(T0 + timedelta(minutes=10), timedelta(minutes=15)) == T0
        assert u.wakatime.latest_time() == times[-1]
        assert [r.key for r in u.wakatime.since(times[2])] == ["k2", "k3"]
