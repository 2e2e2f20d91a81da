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


def test_runs_of_heartbeats_bound_what_a_late_heartbeat_recomputes(uow):
    m = lambda minutes: T0 + timedelta(minutes=minutes)  # noqa: E731
    a, b = {"file": "a.py"}, {"file": "b.py"}
    beats = [(0, a), (20, a), (30, a), (44, b), (50, b), (70, a), (72, a)]
    with uow(write=True) as u:
        u.wakatime.add_many([Received(f"k{i}", m(t), m(t), "vim", "editor", d)
                             for i, (t, d) in enumerate(beats)])
        u.commit()
    timeout = timedelta(minutes=15)
    with uow() as u:
        w = u.wakatime
        # Back: the run (same data, gaps <= 15 min) holding the nearest earlier heartbeat.
        assert w.run_start("editor", m(31), timeout) == m(20)  # 0 -> 20 is a 20 min gap
        assert w.run_start("editor", m(45), timeout) == m(44)  # b's run starts at 44
        assert w.run_start("editor", m(0), timeout) is None
        # Forward: the heartbeat starting the event after the run holding the nearest later one.
        assert w.next_run_start("editor", m(40), timeout) == m(70)  # 44..50 is b's run
        assert w.next_run_start("editor", m(21), timeout) == m(44)
        assert w.next_run_start("editor", m(71), timeout) is None
        assert w.next_run_start("browser", m(0), timeout) is None
        assert [r.key for r in w.between("editor", m(30), m(50))] == ["k2", "k3", "k4"]
        assert w.latest_time() == m(72)


@pytest.mark.parametrize("seed", range(12))
def test_heartbeats_in_any_arrival_order_end_as_the_timeline_of_all_of_them(uow, seed):
    """The service on a real database: batches arriving out of order (late heartbeats) leave the
    same events as the heartbeats in time order would (WakaTime's durations)."""
    import random

    from tracker_desktop.domain.wakatime import parse_heartbeat, timeline
    from tracker_desktop.services.wakatime import WakaTimeService

    rnd = random.Random(seed)
    now = T0 + timedelta(days=1)
    clock = FakeClock(now)
    engine = HeartbeatEngine(uow, clock, device="here")
    writer = Writer(engine, clock)
    service = WakaTimeService(writer, uow, clock)
    t, items = T0.timestamp(), []
    for _ in range(40):
        t += rnd.choice([5, 60, 120, 300, 700, 1000])  # some gaps over the 15 min timeout
        items.append(parse_heartbeat({"entity": rnd.choice(["a.py", "b.py", "c.py"]), "time": t,
                                      "is_write": rnd.random() < 0.2,
                                      "type": rnd.choice(["file"] * 5 + ["domain"])}, now))
    arrival = list(items)
    rnd.shuffle(arrival)
    statuses = []
    while arrival:
        n = rnd.randint(1, 6)
        chunk, arrival = arrival[:n], arrival[n:]
        service.submit(chunk, [hb.key() for hb in chunk], statuses.append)
        writer.run_pending()
    assert all(s == 201 for batch in statuses for s in batch)
    expected = timeline([hb.heartbeat("here") for hb in items])
    with uow() as u:
        got = [e for source in ("editor", "browser") for e in u.events.stream(source)]
    key = lambda e: (e.source, e.start, e.duration, dict(e.data), dict(e.counts))  # noqa: E731
    assert sorted(map(key, got), key=str) == sorted(map(key, expected), key=str)
