"""The rollup repository on SQLite: gen-guarded writes, change marks, the bulk event reader."""

import random
from datetime import date, datetime, timedelta, timezone

import pytest

from storage.engine import open_database
from storage.rollups import HOUR_US, StoredDay, hours_of
from storage.uow import SqlUnitOfWorkFactory
from tracker_desktop.domain.events import Event

T = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
D = date(2026, 1, 5)


@pytest.fixture
def uow(tmp_path):
    engine = open_database(tmp_path / "t.sqlite3")
    yield SqlUnitOfWorkFactory(engine)
    engine.dispose()


def day(active, gen=0, fp="fp"):
    return StoredDay(D, fp, active, summary={"active": active}, blocks=[], gen=gen)


def test_a_write_with_a_stale_gen_is_ignored(uow):
    with uow(write=True) as u:
        u.rollups.put([day(10)])
        assert u.rollups.get(D, D, "fp")[D].active_seconds == 10
        u.rollups.invalidate([D])
        assert u.rollups.get(D, D, "fp") == {}  # stale rows are not returned
        u.rollups.put([day(20, gen=0)])  # computed before the invalidation: dropped
        assert u.rollups.get(D, D, "fp") == {}
        u.rollups.put([day(30, gen=1)])
        assert u.rollups.get(D, D, "fp")[D].summary == {"active": 30}
        assert u.rollups.get(D, D, "other") == {}  # another settings fingerprint
        assert u.rollups.active_seconds(D, D, "fp") == {D: 30}
        u.commit()


def test_marks_count_up_and_only_the_seen_generation_is_cleared(uow):
    with uow(write=True) as u:
        u.rollups.mark_dirty(T, T + timedelta(hours=2, minutes=1))
        seen = u.rollups.dirty()
        h = T.timestamp() * 1e6 // HOUR_US
        assert seen == [(h, 1), (h + 1, 1), (h + 2, 1)]
        u.rollups.mark_dirty(T, T)  # a zero-length change still marks its hour
        u.rollups.clear_dirty(seen)
        assert u.rollups.dirty() == [(h, 2)]
        assert u.rollups.dirty_hours_between(h, h) and not u.rollups.dirty_hours_between(h + 1, h + 5)
        u.commit()
    assert list(hours_of(0, HOUR_US)) == [0] and list(hours_of(5, 5)) == [0]


def test_a_change_spanning_years_marks_only_the_hours_of_its_events(uow):
    far = datetime(2030, 1, 1, tzinfo=timezone.utc)
    with uow(write=True) as u:
        u.events.add_many([Event("window", T, timedelta(minutes=90), {"app": "a"}),
                           Event("window", far, timedelta(minutes=1), {"app": "b"})])
        u.rollups.mark_dirty(T, far + timedelta(minutes=1))
        h, f = int(T.timestamp() * 1e6) // HOUR_US, int(far.timestamp() * 1e6) // HOUR_US
        assert [hour for hour, _ in u.rollups.dirty()] == [h, h + 1, f]
        # Time no report can show (before 1900, after 9998) is never marked.
        u.rollups.mark_dirty(datetime(1, 1, 1, tzinfo=timezone.utc), datetime(1800, 1, 1, tzinfo=timezone.utc))
        u.rollups.mark_dirty(datetime(9999, 12, 31, tzinfo=timezone.utc), datetime.max.replace(tzinfo=timezone.utc))
        assert len(u.rollups.dirty()) == 3
        u.commit()


def test_bulk_reader_returns_what_the_event_repository_returns(uow):
    rnd = random.Random(3)
    events = []
    for i in range(400):
        src = rnd.choice(["window", "afk", "browser"])
        start = T + timedelta(seconds=rnd.randrange(0, 20000))
        events.append(Event(src, start, timedelta(seconds=rnd.choice([0, 1, 30, 600, 7200])),
                            {"app": rnd.choice(["a", "b"]), "n": rnd.randrange(3)},
                            {"keys": rnd.randrange(5)} if rnd.random() < 0.5 else {}))
    with uow(write=True) as u:
        u.events.add_many(events)
        u.commit()
    with uow() as u:
        for src in ("window", "afk", "browser", "none"):
            for a, b in ((T, T + timedelta(hours=1)), (T + timedelta(hours=2), T + timedelta(hours=5))):
                mine = u.rollups.events_near(src, a, b)
                theirs = u.events.range(src, a, b)
                assert mine == theirs and [e.id for e in mine] == [e.id for e in theirs]
        assert u.rollups.max_event_id() == 400
        assert u.rollups.hours_of_events_after(399)
        assert u.rollups.event_span_us()[0] == min(int(e.start.timestamp() * 1e6) for e in events)
