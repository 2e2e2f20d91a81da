"""The repository contract, run against every backend (memory is the reference)."""

from datetime import datetime, timedelta, timezone

import pytest

from storage.engine import open_database
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
