"""The process's database writer on a real SQLite file, with another process holding the lock."""

import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import pytest

from storage.engine import open_database
from storage.heartbeat_engine import HeartbeatEngine
from storage.uow import SqlUnitOfWorkFactory
from storage.writer import Writer
from tracker_desktop.domain.clock import FakeClock, SystemClock
from tracker_desktop.domain.events import Heartbeat
from tracker_desktop.services.state import StateService

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)

HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO state (key, value, updated_us) VALUES ('holder', '{}', 0)")
print("locked", flush=True)
sys.stdin.readline()  # hold the write lock until the test says so
conn.execute("COMMIT")
"""


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "t.sqlite3"
    engine = open_database(path)
    yield path, SqlUnitOfWorkFactory(engine)
    engine.dispose()


def stored(uow, source="window"):
    with uow() as u:
        return u.events.range(source)


def beat(at, app="code", keys=1):
    return Heartbeat("window", at, data={"app": app}, counts={"keys": keys})


def test_handing_over_never_waits_while_another_process_holds_the_lock(db):
    path, uow = db
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        writer = Writer(HeartbeatEngine(uow, SystemClock(), max_delay=0.05), SystemClock())
        writer.start()
        # The writer blocks on the lock in its own thread; handing work over returns regardless
        # (if it waited on the lock, this loop could not finish: the lock is released after it).
        for i in range(300):
            app = "code" if i < 150 else "firefox"
            writer.heartbeat(beat(T0 + timedelta(seconds=i), app))
        state = StateService(uow)
        writer.submit(lambda: state.publish_status({"pid": 1}, T0), key="status")
        assert stored(uow) == []
    finally:
        holder.stdin.write("\n")
        holder.stdin.close()
        assert holder.wait(30) == 0
    assert writer.stop(timeout=60)
    events = stored(uow)
    assert [(e.data["app"], e.duration.total_seconds(), e.counts["keys"]) for e in events] == [
        ("code", 149.0, 150), ("firefox", 149.0, 150)]
    assert state.tracker_status()[0] == {"pid": 1}


def test_a_failing_job_is_retried_in_order_and_nothing_is_lost(db):
    _, uow = db
    clock = FakeClock(T0)
    writer = Writer(HeartbeatEngine(uow, clock), clock)
    ran: list[str] = []
    fails = {"left": 2}

    def flaky():
        if fails["left"]:
            fails["left"] -= 1
            raise RuntimeError("database is locked")
        ran.append("flaky")

    writer.submit(flaky, name="flaky")
    writer.submit(lambda: ran.append("after"), name="after")
    writer.run_pending()
    assert ran == [] and writer.failures == 1
    writer.run_pending()  # still backing off: nothing runs before the retry time
    assert ran == [] and writer.failures == 1
    clock.advance(0.5)
    writer.run_pending()
    assert ran == [] and writer.failures == 2
    clock.advance(1.0)
    writer.run_pending()
    assert ran == ["flaky", "after"]


def test_a_newer_job_with_the_same_key_replaces_the_waiting_one(db):
    _, uow = db
    clock = FakeClock(T0)
    writer = Writer(HeartbeatEngine(uow, clock), clock)
    seen: list[int] = []
    for i in range(5):
        writer.submit(lambda i=i: seen.append(i), key="status")
    writer.run_pending()
    assert seen == [4]


def test_stop_writes_everything_handed_over_from_other_threads(db):
    _, uow = db
    clock = SystemClock()
    writer = Writer(HeartbeatEngine(uow, clock), clock)
    writer.start()

    def produce(app: str) -> None:
        for i in range(200):
            writer.heartbeat(beat(T0 + timedelta(seconds=i), app))

    threads = [threading.Thread(target=produce, args=(f"app{n}",)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert writer.stop(timeout=60)
    keys = sum(e.counts["keys"] for e in stored(uow))
    assert keys == 600


def test_a_failed_first_read_keeps_the_order_of_what_follows(db):
    """The engine reads a source's last stored event once; if that read fails, the heartbeats
    behind it wait for the retry in their order instead of merging out of order."""
    _, uow = db
    clock = FakeClock(T0)
    fails = {"left": 1}

    def flaky(write=False):
        if not write and fails["left"]:
            fails["left"] -= 1
            raise RuntimeError("database is locked")
        return uow(write=write)

    writer = Writer(HeartbeatEngine(flaky, clock), clock)
    for i in range(5):
        writer.heartbeat(beat(T0 + timedelta(seconds=i)))
    writer.run_pending()
    assert writer.failures == 1 and stored(uow) == []
    clock.advance(1)
    writer.run_pending()
    assert writer.stop()
    [event] = stored(uow)
    assert (event.duration.total_seconds(), event.counts["keys"]) == (4.0, 5)


def test_the_backlog_counts_what_is_handed_over_until_it_is_written(db):
    """What a native host throttles on: taken off the queue is not written yet (a commit that
    waits on another process's lock keeps the heartbeats in memory as much as the queue does)."""
    _, uow = db
    clock = FakeClock(T0)
    writer = Writer(HeartbeatEngine(uow, clock, max_delay=5.0), clock)
    for i in range(10):
        writer.heartbeat(beat(T0 + timedelta(seconds=i)))
    assert writer.backlog() == 10
    writer.run_pending()  # merged in memory, no batch due yet
    assert writer.backlog() == 10 and stored(uow) == []
    clock.advance(5.0)
    writer.run_pending()  # the batch is written
    assert writer.backlog() == 0 and len(stored(uow)) == 1
