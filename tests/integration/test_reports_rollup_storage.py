"""The rollup storage on SQLite: what the triggers on `events` record, whoever writes, and the
bulk event reader. (What both backends share is in test_storage_contract.py.)"""

import random
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from storage.engine import open_database
from storage.rollups import HOUR_US, hours_of
from storage.uow import SqlUnitOfWorkFactory
from tracker_desktop.domain.events import Event

T = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
H0 = int(T.timestamp()) * 1_000_000 // HOUR_US


@pytest.fixture
def db(tmp_path):
    engine = open_database(tmp_path / "t.sqlite3")
    yield tmp_path / "t.sqlite3", SqlUnitOfWorkFactory(engine)
    engine.dispose()


def _spans(uow):
    with uow() as u:
        return [(a - H0, b - H0, g) for a, b, g in u.rollups.dirty()]


def test_plain_sql_inserts_updates_and_deletes_mark_their_spans(db):
    path, uow = db
    with sqlite3.connect(path) as conn:
        s = H0 * HOUR_US
        conn.execute("INSERT INTO events (source, start_us, duration_us) VALUES ('window', ?, ?)",
                     (s + 10, 2 * HOUR_US))  # hours 0..2
        conn.execute("INSERT INTO events (source, start_us, duration_us) VALUES ('window', ?, 0)",
                     (s + HOUR_US,))  # a zero-length event marks its start hour
    assert _spans(uow) == [(0, 2, 1), (1, 1, 1)]
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE events SET counts = '{\"keys\":1}' WHERE duration_us = 0")  # same span
        conn.execute("UPDATE events SET start_us = start_us + ? WHERE duration_us > 0", (5 * HOUR_US,))
    # The zero-length one: its span again (gen 2), once. The moved one: old span and new.
    assert _spans(uow) == [(0, 2, 2), (1, 1, 2), (5, 7, 1)]
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM events")
    assert _spans(uow) == [(0, 2, 2), (1, 1, 3), (5, 7, 2)]


def test_trigger_hours_match_python_before_1970_and_at_hour_edges(db):
    path, uow = db
    cases = [(-1, 0), (-HOUR_US, 1), (-HOUR_US - 1, HOUR_US + 1), (0, HOUR_US), (HOUR_US - 1, 1),
             (-70 * 365 * 24 * HOUR_US + 17, 3 * HOUR_US)]
    with sqlite3.connect(path) as conn:
        for start, dur in cases:
            conn.execute("INSERT INTO events (source, start_us, duration_us) VALUES ('w', ?, ?)", (start, dur))
    with uow() as u:
        got = {(a, b) for a, b, _ in u.rollups.dirty()}
    want = {(h.start, h.stop - 1) for h in (hours_of(s, s + d) for s, d in cases)}
    assert got == want


def test_an_event_lasting_years_is_one_mark_not_millions_of_rows(db):
    path, uow = db
    far = datetime(2030, 1, 1, tzinfo=timezone.utc)
    with uow(write=True) as u:
        u.events.add(Event("window", T, far - T, {"app": "a"}))
        u.commit()
    with uow() as u:
        (mark,) = u.rollups.dirty()
    assert mark[1] - mark[0] + 1 == len(hours_of(int(T.timestamp()) * 10**6, int(far.timestamp()) * 10**6))


def test_bulk_reader_returns_what_the_event_repository_returns(db):
    _, uow = db
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
        assert u.rollups.event_span_us()[0] == min(int(e.start.timestamp() * 1e6) for e in events)
