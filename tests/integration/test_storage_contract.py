"""The repository contract, run against every backend (memory is the reference)."""

from datetime import datetime, timedelta, timezone

import pytest

from storage.engine import open_database
from storage.rollups import StoredDay
from storage.uow import MemoryUnitOfWork, SqlUnitOfWorkFactory
from tracker_desktop.domain.events import Event

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
S = timedelta(seconds=1)


@pytest.fixture(params=["memory", "sqlite"])
def uow(request, tmp_path):
    if request.param == "memory":
        yield MemoryUnitOfWork()
    else:
        engine = open_database(tmp_path / "t.sqlite3")
        yield SqlUnitOfWorkFactory(engine)
        engine.dispose()


def ev(t, d, source="window", app="code", counts=None):
    return Event(source, T0 + t * S, d * S, {"app": app, "n": 1, "ok": True, "x": None}, counts or {})


def test_add_and_read_back_round_trips_every_field(uow):
    e = Event("window", T0 + timedelta(microseconds=123457), timedelta(microseconds=1500001),
              {"app": "códe ✓", "pid": 12, "ratio": 0.5, "ok": True, "none": None}, {"keys": 7})
    with uow(write=True) as u:
        new_id = u.events.add(e)
        u.commit()
    with uow() as u:
        (got,) = u.events.range()
    assert got == e and got.id == new_id


def test_nothing_is_kept_without_commit(uow):
    with uow(write=True) as u:
        u.events.add(ev(0, 1))
    with uow() as u:
        assert u.events.count() == 0


def test_range_returns_overlapping_events_oldest_first(uow):
    with uow(write=True) as u:
        u.events.add_many([ev(100, 10, app="b"), ev(0, 50, app="a"), ev(200, 0, app="c"),
                           ev(40, 5, source="afk"), ev(3600, 7200, app="long")])
        u.commit()
    with uow() as u:
        assert [(e.source, e.data["app"]) for e in u.events.range()] == [
            ("window", "a"), ("afk", "code"), ("window", "b"), ("window", "c"), ("window", "long")]
        names = [e.data["app"] for e in u.events.range("window")]
        assert names == ["a", "b", "c", "long"]
        # [45, 105): a ends at 50 (overlaps), b starts at 100.
        assert [e.data["app"] for e in u.events.range("window", T0 + 45 * S, T0 + 105 * S)] == ["a", "b"]
        # An event ending exactly at the range start does not overlap; a zero-length one at it does.
        assert [e.data["app"] for e in u.events.range("window", T0 + 50 * S, T0 + 60 * S)] == []
        assert [e.data["app"] for e in u.events.range("window", T0 + 200 * S, T0 + 201 * S)] == ["c"]
        # A long event that started well before the range still overlaps it.
        assert [e.data["app"] for e in u.events.range("window", T0 + 9000 * S, T0 + 9001 * S)] == ["long"]
        assert len(u.events.range(None, T0 + 40 * S, T0 + 41 * S)) == 2
        assert len(u.events.range("window", limit=2)) == 2
        assert u.events.sources() == ["afk", "window"]
        assert u.events.count("window") == 4


def test_last_and_update(uow):
    with uow(write=True) as u:
        u.events.add_many([ev(0, 1), ev(10, 1)])
        u.commit()
    with uow(write=True) as u:
        last = u.events.last("window")
        assert last is not None and last.start == T0 + 10 * S
        u.events.update_many([last.with_(duration=30 * S, counts={"keys": 4})])
        u.commit()
    with uow() as u:
        last = u.events.last("window")
        assert last.duration == 30 * S and dict(last.counts) == {"keys": 4}
        assert u.events.last("afk") is None


def test_events_keep_their_device_and_last_finds_each_devices_own(uow):
    with uow(write=True) as u:
        u.events.add_many([ev(0, 1).with_(device="laptop"), ev(10, 1), ev(20, 1).with_(device="desk")])
        u.commit()
    with uow(write=True) as u:
        assert u.events.last("window").device == "desk"
        laptop = u.events.last("window", "laptop")
        assert laptop.device == "laptop" and laptop.start == T0
        assert u.events.last("window", "").start == T0 + 10 * S
        assert u.events.last("window", "phone") is None
        assert u.events.update_if(laptop.with_(duration=5 * S), laptop)
        u.commit()
    with uow() as u:
        got = [(e.device, e.duration) for e in u.events.range("window")]
        assert got == [("laptop", 5 * S), ("", S), ("desk", S)]


def test_update_needs_an_id(uow):
    with uow(write=True) as u, pytest.raises(ValueError):
        u.events.update_many([ev(0, 1)])


def test_state_values(uow):
    with uow(write=True) as u:
        u.state.set("pause", {"paused": True}, T0)
        u.commit()
    with uow() as u:
        got = u.state.get("pause")
        assert got.value == {"paused": True} and got.updated == T0
        assert u.state.get("missing") is None


def test_update_if_applies_only_to_an_unchanged_row(uow):
    with uow(write=True) as u:
        u.events.add(ev(0, 1))
        u.commit()
    with uow(write=True) as u:
        (stored,) = u.events.range()
        longer = stored.with_(duration=5 * S)
        assert u.events.update_if(longer, stored) is True
        assert u.events.update_if(stored.with_(duration=9 * S), stored) is False  # it changed
        assert u.events.get_many([stored.id, 999]) == {stored.id: longer}
        u.commit()
    with uow() as u:
        assert u.events.range()[0].duration == 5 * S


# -- rollups ------------------------------------------------------------------------------------
D = T0.date()
H0 = int(T0.timestamp()) * 1_000_000 // 3_600_000_000


def stored_day(active, gen=0, fp="fp"):
    return StoredDay(D, fp, active, summary={"active": active}, blocks=[{"kind": "active"}], gen=gen)


def test_rollup_days_are_written_only_with_the_gen_read(uow):
    with uow(write=True) as u:
        u.rollups.put([stored_day(10)])
        assert u.rollups.get(D, D, "fp")[D].active_seconds == 10
        u.rollups.invalidate([D])
        assert u.rollups.get(D, D, "fp") == {}  # stale rows are not returned
        u.rollups.put([stored_day(20, gen=0)])  # computed before the invalidation: dropped
        assert u.rollups.get(D, D, "fp") == {}
        u.rollups.put([stored_day(30, gen=1)])
        got = u.rollups.get(D, D, "fp")[D]
        assert (got.summary, got.blocks, got.gen) == ({"active": 30}, [{"kind": "active"}], 1)
        assert u.rollups.get(D, D, "fp", blocks=False)[D].blocks is None
        assert u.rollups.get(D, D, "other") == {}  # another settings fingerprint
        assert u.rollups.active_seconds(D, D, "fp") == {D: 30}
        u.rollups.invalidate([D + timedelta(days=2)])  # a day never stored: a placeholder, gen 1
        assert u.rollups.gens(D, D + timedelta(days=3)) == {D: 1, D + timedelta(days=2): 1}
        assert u.rollups.stored_days(D, D + timedelta(days=3)) == [D, D + timedelta(days=2)]
        assert (u.rollups.count(), u.rollups.count("fp")) == (2, 1)
        u.commit()
    with uow() as u:
        assert u.rollups.get(D, D, "fp")[D].active_seconds == 30


def test_every_change_to_events_marks_its_hours_in_the_same_transaction(uow):
    with uow(write=True) as u:
        u.events.add(ev(0, 2 * 3600 + 60))  # hours 0..2
    with uow() as u:
        assert u.rollups.dirty() == []  # rolled back with the change
    with uow(write=True) as u:
        u.events.add(ev(0, 2 * 3600 + 60))
        u.events.add(ev(3600, 0))  # zero length: its start hour
        u.commit()
    with uow() as u:
        assert [(a - H0, b - H0, g) for a, b, g in u.rollups.dirty()] == [(0, 2, 1), (1, 1, 1)]
    with uow(write=True) as u:
        long_, short = u.events.range("window")[:2]
        u.events.update_many([long_.with_(start=long_.start + 5 * 3600 * S)])  # moved: old and new
        assert u.events.update_if(short.with_(counts={"keys": 1}), short)  # same span: once
        u.commit()
    with uow() as u:
        assert [(a - H0, b - H0, g) for a, b, g in u.rollups.dirty()] == [
            (0, 2, 2), (1, 1, 2), (5, 7, 1)]


def test_only_the_seen_generation_of_a_mark_is_cleared(uow):
    with uow(write=True) as u:
        u.rollups.mark_dirty(T0, T0 + timedelta(hours=2, minutes=1))
        seen = u.rollups.dirty()
        assert seen == [(H0, H0 + 2, 1)]
        u.rollups.mark_dirty(T0, T0 + timedelta(hours=2, minutes=1))  # marked again after the read
        u.rollups.mark_dirty(T0, T0)  # a zero-length span still marks its hour
        u.rollups.clear_dirty(seen)
        assert u.rollups.dirty() == [(H0, H0, 1), (H0, H0 + 2, 2)]
        assert u.rollups.dirty_hours_between(H0 + 2, H0 + 9)
        assert not u.rollups.dirty_hours_between(H0 + 3, H0 + 9)
        # Time no report can show (before 1900, after 9998) is never marked.
        u.rollups.mark_dirty(datetime(1, 1, 1, tzinfo=timezone.utc), datetime(1800, 1, 1, tzinfo=timezone.utc))
        u.rollups.mark_dirty(datetime(9999, 12, 31, tzinfo=timezone.utc),
                             datetime.max.replace(tzinfo=timezone.utc))
        assert len(u.rollups.dirty()) == 2
        u.commit()


def test_rollup_reads_of_events_and_meta(uow):
    far = datetime(2030, 1, 1, tzinfo=timezone.utc)
    with uow(write=True) as u:
        u.events.add_many([ev(0, 5400), ev(100, 10, source="afk"),
                           Event("window", far, 60 * S, {"app": "b"})])
        u.rollups.set_meta("span", [1, 2])
        u.commit()
    with uow() as u:
        r = u.rollups
        far_h = int(far.timestamp()) * 1_000_000 // 3_600_000_000
        assert r.hours_with_events(H0 - 5, far_h + 5) == {H0, H0 + 1, far_h}
        assert r.hours_with_events(H0 + 1, far_h - 1) == {H0 + 1}
        assert r.events_near("window", T0, T0 + S) == u.events.range("window", T0, T0 + S)
        us = int(T0.timestamp()) * 1_000_000
        assert r.event_span_us() == (us, int(far.timestamp() + 60) * 1_000_000)
        assert r.event_span_us(None, us + 1) == (us, us + 5400 * 1_000_000)
        assert r.get_meta("span") == [1, 2] and r.get_meta("missing") is None


def test_rollup_service_follows_changes_on_every_backend(uow, monkeypatch):
    from tracker_desktop.domain.clock import FakeClock
    from tracker_desktop.services.analysis_setup import build_setup
    from tracker_desktop.services.rollups import RollupService

    monkeypatch.setenv("TZ", "UTC")
    service = RollupService(uow, build_setup(), FakeClock(T0 + timedelta(days=30)))
    with uow(write=True) as u:
        u.events.add_many([ev(0, 3600), Event("afk", T0, 3600 * S, {"status": "not-afk"})])
        u.commit()
    assert service.summaries(D, D)[D].active == 3600
    assert service.stored_days == 1
    with uow(write=True) as u:
        (window,) = u.events.range("window")
        u.events.update_many([window.with_(duration=1800 * S)])
        u.commit()
    assert service.refresh() >= 1
    assert service.summaries(D, D)[D].active == 1800
    assert service.refresh() == 0  # nothing pending: a read, no write transaction


# -- focus sessions ---------------------------------------------------------------------------

def test_focus_session_runs_then_finishes_and_the_profile_is_one_row(uow):
    from tracker_desktop.domain import focus as f

    M = timedelta(minutes=1)
    state = f.start(f.FocusPlan(expected=30 * M), T0, context="bio ✓", task_id="t-1")
    with uow(write=True) as u:
        assert u.focus.running() is None
        sid = u.focus.add(state, T0)
        u.commit()
    with uow() as u:
        got = u.focus.running()
        assert got is not None and got.id == sid and got.state == state and u.focus.finished() == []
    state = f.stop(f.pause(state, T0 + 10 * M), T0 + 12 * M)
    with uow(write=True) as u:
        u.focus.save(sid, state, T0 + 12 * M, score=4, notes="ok")
        u.commit()
    with uow() as u:
        assert u.focus.running() is None
        (done,) = u.focus.finished()
    assert done == f.finish(state, score=4, notes="ok", session_id=sid)
    assert done.actual == 10 * M and done.interruptions == 1 and not done.completed
    profile = f.focus_profile([done], timezone.utc, T0 + 13 * M)
    for _ in range(2):  # a second put replaces the row
        with uow(write=True) as u:
            u.focus.put_profile(profile, T0 + 13 * M)
            u.commit()
    with uow() as u:
        assert u.focus.profile() == profile


def test_focus_writes_are_kept_only_on_commit(uow):
    from tracker_desktop.domain import focus as f

    with uow(write=True) as u:
        u.focus.add(f.start(f.FocusPlan(), T0), T0)
    with uow() as u:
        assert u.focus.running() is None


# -- tasks and time entries --------------------------------------------------------------------

def test_tasks_and_entries_round_trip_and_a_deleted_task_keeps_its_entries(uow):
    from datetime import date

    from tracker_desktop.domain import tasks as tk

    task = tk.new_task("Write", T0, due=date(2026, 1, 9), tags=["a", "b"], estimate_hours=1.5,
                       project="P", description="d")
    with uow(write=True) as u:
        tid = u.tasks.add(task)
        e = tk.pause_timer(tk.start_timer(T0, None, task_id=tid), T0 + 60 * S)
        eid = u.tasks.add_entry(e)
        u.commit()
    with uow() as u:
        got = u.tasks.get(tid)
        assert got is not None and got.id == tid and got.tags == ("a", "b") and got.due == date(2026, 1, 9)
        assert got.estimate_hours == 1.5 and got.created == T0 and got.project == "P"
        running = u.tasks.running_entry()
        assert running is not None and running.id == eid and running.paused
        assert running.pauses == e.pauses and running.task_id == tid
    with uow(write=True) as u:
        stopped = tk.stop_timer(u.tasks.running_entry(), T0 + 120 * S)
        u.tasks.update_entry(stopped)
        u.tasks.delete(tid)
        u.commit()
    with uow() as u:
        assert u.tasks.get(tid) is None and u.tasks.all() == [] and u.tasks.running_entry() is None
        (entry,) = u.tasks.entries(T0, T0 + 3600 * S)
        assert entry.task_id is None and entry.end == T0 + 120 * S
        assert entry.duration(T0) == 60 * S
        assert u.tasks.entries(T0 + 120 * S, T0 + 3600 * S) == []


def test_the_manual_log_is_read_from_manual_events(uow):
    with uow(write=True) as u:
        u.events.add_many([ev(0, 600, source="manual"), ev(600, 60, source="window"),
                           ev(3600, 300, source="manual"), ev(-600, 600, source="manual")])
        u.commit()
    with uow() as u:
        got = u.tasks.manual_log(T0, T0 + 3600 * S)
    assert [(x.start, x.end) for x in got] == [(T0, T0 + 600 * S)]
    assert got[0].data["app"] == "code"
