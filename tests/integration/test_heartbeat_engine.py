"""The heartbeat engine on a real SQLite file: batching, restarts, failures, several writers."""

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from storage.engine import open_database
from storage.heartbeat_engine import HeartbeatEngine
from storage.uow import SqlUnitOfWorkFactory
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.events import Event, Heartbeat

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
S = timedelta(seconds=1)


@pytest.fixture
def db(tmp_path):
    engine = open_database(tmp_path / "t.sqlite3")
    yield tmp_path / "t.sqlite3", SqlUnitOfWorkFactory(engine)
    engine.dispose()


def stored(uow, source="window"):
    with uow() as u:
        return u.events.range(source)


def beat(clock, app="code", keys=0):
    return Heartbeat("window", clock.now(), data={"app": app}, counts={"keys": keys} if keys else {})


def test_commits_after_more_than_100_pending(db):
    _, uow = db
    clock = FakeClock(T0)
    engine = HeartbeatEngine(uow, clock, max_delay=1000)  # only the count makes a batch due
    for i in range(100):
        engine.heartbeat(beat(clock, keys=1))
        clock.advance(1)
    assert stored(uow) == [] and engine.pending == 100 and not engine.maybe_flush()
    engine.heartbeat(beat(clock, keys=1))  # the 101st: more than 100 pending
    assert engine.due() and engine.maybe_flush()
    (event,) = stored(uow)
    assert event.counts["keys"] == 101 and engine.pending == 0


def test_commits_when_the_oldest_pending_waited_5_seconds(db):
    _, uow = db
    clock = FakeClock(T0)
    engine = HeartbeatEngine(uow, clock)
    engine.heartbeat(beat(clock))
    clock.advance(4.9)
    assert not engine.maybe_flush() and stored(uow) == []
    clock.advance(0.1)
    assert engine.maybe_flush()
    assert len(stored(uow)) == 1 and engine.pending == 0


def test_merges_into_the_stored_last_event_after_a_restart(db):
    _, uow = db
    clock = FakeClock(T0)
    first = HeartbeatEngine(uow, clock)
    for _ in range(10):
        first.heartbeat(beat(clock, keys=2))
        clock.advance(1)
    first.flush()
    second = HeartbeatEngine(uow, clock)  # a new process: nothing cached
    second.heartbeat(beat(clock, keys=2))
    second.flush()
    (event,) = stored(uow)
    assert event.duration == 10 * S and event.counts["keys"] == 22


def test_switches_close_events_and_everything_reaches_disk(db):
    _, uow = db
    clock = FakeClock(T0)
    engine = HeartbeatEngine(uow, clock, max_pending=7)
    for i in range(95):
        engine.heartbeat(beat(clock, app=f"app{(i // 10) % 3}", keys=1))
        clock.advance(1)
    engine.flush()
    events = stored(uow)
    assert [e.duration for e in events] == [9 * S] * 9 + [4 * S]
    assert sum(e.counts["keys"] for e in events) == 95


def test_a_failed_write_loses_nothing(db):
    _, uow = db
    clock = FakeClock(T0)
    failing = {"left": 1}

    def flaky(write=False):
        if write and failing["left"]:
            failing["left"] -= 1
            raise RuntimeError("database is locked")
        return uow(write=write)

    engine = HeartbeatEngine(flaky, clock)
    for _ in range(3):
        engine.heartbeat(beat(clock, keys=1))
        clock.advance(1)
    engine.insert(Event("input", T0, 60 * S, counts={"keys": 3}))
    assert engine.flush() is False and engine.pending == 4
    assert engine.flush() is True
    assert stored(uow)[0].counts["keys"] == 3 and stored(uow, "input")[0].counts["keys"] == 3


WRITER = """
import sys
from datetime import datetime, timezone
from storage.engine import open_database
from storage.heartbeat_engine import HeartbeatEngine
from storage.uow import SqlUnitOfWorkFactory
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.events import Heartbeat
path, source, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
engine = open_database(path)
clock = FakeClock(datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
he = HeartbeatEngine(SqlUnitOfWorkFactory(engine), clock, max_pending=5)
for i in range(n):
    he.heartbeat(Heartbeat(source, clock.now(), data={"i": i // 3}, counts={"keys": 1}))
    clock.advance(1)
assert he.flush()
"""


def test_several_processes_write_the_same_file(tmp_path):
    # A fresh file: the processes also race to create and migrate it.
    path = tmp_path / "shared.sqlite3"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), f"src{k}", "300"])
             for k in range(3)]
    assert [p.wait(120) for p in procs] == [0, 0, 0]
    engine = open_database(path)
    uow = SqlUnitOfWorkFactory(engine)
    for k in range(3):
        events = stored(uow, f"src{k}")
        assert len(events) == 100 and sum(e.counts["keys"] for e in events) == 300
    engine.dispose()


def test_a_concurrent_import_into_the_same_event_is_not_overwritten(db):
    """The tracker holds its last event in memory; an import extends the stored row meanwhile."""
    from tracker_desktop.domain.heartbeat import PulsedHeartbeat
    from tracker_desktop.services.importers.jsonl import import_heartbeats

    _, uow = db
    clock = FakeClock(T0)
    engine = HeartbeatEngine(uow, clock)
    for _ in range(5):
        engine.heartbeat(beat(clock, keys=1))
        clock.advance(1)
    engine.flush()  # stored: 0..4 s, 5 keys
    # Another process imports heartbeats that extend the same stored event to 19 s with 8 keys.
    extra = [PulsedHeartbeat(Heartbeat("window", T0 + s * S, data={"app": "code"}, counts={"keys": 1}), 2.0)
             for s in range(5, 21, 2)]
    assert import_heartbeats(uow, extra).events == 1
    for _ in range(3):  # the tracker goes on, unaware
        engine.heartbeat(beat(clock, keys=2))
        clock.advance(1)
    engine.flush()
    (event,) = stored(uow)
    assert event.duration == 19 * S  # the import's end, later than the tracker's 7 s
    assert event.counts["keys"] == 5 + 8 + 6  # nobody's keystrokes lost
    engine.heartbeat(beat(clock, keys=1))  # and the engine goes on from the merged event
    engine.flush()
    assert stored(uow)[0].counts["keys"] == 20


def test_an_event_deleted_elsewhere_stays_deleted(db):
    path, uow = db
    clock = FakeClock(T0)
    engine = HeartbeatEngine(uow, clock)
    engine.heartbeat(beat(clock, keys=1))
    engine.flush()
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM events")
    clock.advance(1)
    engine.heartbeat(beat(clock, keys=1))
    assert engine.flush()
    assert stored(uow) == []  # not resurrected
    clock.advance(1)
    engine.heartbeat(beat(clock, keys=3))
    engine.flush()
    (event,) = stored(uow)
    assert event.start == T0 + 2 * S and event.counts["keys"] == 3


def test_heartbeats_carry_the_engines_device_and_two_devices_never_merge(db):
    _, uow = db
    clock = FakeClock(T0)
    engine = HeartbeatEngine(uow, clock, device="laptop")
    engine.heartbeat(beat(clock))
    clock.advance(1)
    engine.heartbeat(beat(clock))  # merges: same source, data and device
    engine.heartbeat(Heartbeat("window", clock.now(), data={"app": "code"}, device="desktop"))
    clock.advance(1)
    engine.heartbeat(Heartbeat("window", clock.now(), data={"app": "code"}, device="desktop"))
    assert engine.flush()
    got = sorted((e.device, e.start - T0, e.duration) for e in stored(uow))
    assert got == [("desktop", S, S), ("laptop", timedelta(0), S)]

    # A restarted engine continues each device's own last event.
    again = HeartbeatEngine(uow, clock, device="laptop")
    clock.advance(1)
    again.heartbeat(beat(clock))
    assert again.flush()
    got = sorted((e.device, e.start - T0, e.duration) for e in stored(uow))
    assert got == [("desktop", S, S), ("laptop", timedelta(0), 3 * S)]


@pytest.mark.parametrize("ours, theirs", [(70, 55), (40, 90)])
def test_two_writers_raising_one_pages_scroll_depth_keep_the_deepest(db, ours, theirs):
    """Issue 9: two hosts (two browser windows' workers) extend one stored browser event; the
    second to write rebases onto the first: the scroll depth is the higher of the two (a gauge),
    the tab switches both sides' sum."""
    _, uow = db
    clock = FakeClock(T0)
    page = {"url": "https://a.test/long", "domain": "a.test", "title": "Long"}

    def visit(depth, switches=0):
        counts = {"scroll_depth": depth, **({"tab_switches": switches} if switches else {})}
        return Heartbeat("browser", clock.now(), data=page, counts=counts)

    first = HeartbeatEngine(uow, clock)
    first.heartbeat(visit(20, 1), pulsetime=80)
    first.flush()  # stored: depth 20, one switch
    second = HeartbeatEngine(uow, clock)  # reads the stored event as its last
    clock.advance(10)
    second.heartbeat(visit(theirs, 1), pulsetime=80)
    second.flush()  # the row now: depth `theirs`, two switches
    clock.advance(5)
    first.heartbeat(visit(ours, 1), pulsetime=80)
    first.flush()  # the row changed under it: rebased
    (event,) = stored(uow, "browser")
    assert event.counts["scroll_depth"] == max(ours, theirs)
    assert event.counts["tab_switches"] == 3
    assert event.duration == 15 * S
