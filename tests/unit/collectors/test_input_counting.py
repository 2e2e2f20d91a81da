import threading
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectors.input import KINDS, InputCounter
from tracker_desktop.domain.input_minutes import InputMinuteTracker
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.events import InvalidEvent

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)
ZEROS = dict.fromkeys(KINDS, 0)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# ---- InputCounter --------------------------------------------------------------------------

def test_kinds_are_the_domain_count_keys():
    assert KINDS == ("keys", "clicks", "scrolls", "moves")


def test_take_returns_counts_since_the_previous_take_and_resets():
    c = InputCounter(FakeClock(T0))
    assert c.take() == ZEROS
    c.add("keys")
    c.add("keys", 4)
    c.add("clicks")
    assert c.take() == {**ZEROS, "keys": 5, "clicks": 1}
    assert c.take() == ZEROS


def test_each_reader_sees_every_input_once():
    c = InputCounter(FakeClock(T0))
    c.add("keys", 2)
    assert c.take("window") == {**ZEROS, "keys": 2}
    c.add("scrolls", 3)
    assert c.take("window") == {**ZEROS, "scrolls": 3}
    # A reader that has not taken yet gets everything since the counter was made.
    assert c.take("minutes") == {**ZEROS, "keys": 2, "scrolls": 3}
    assert c.take("minutes") == ZEROS
    assert c.totals() == {**ZEROS, "keys": 2, "scrolls": 3}


def test_unknown_kinds_and_negative_counts_are_refused():
    c = InputCounter()
    with pytest.raises(ValueError, match="unknown input kind"):
        c.add("keystrokes")
    with pytest.raises(ValueError):
        c.add("keys", -1)


def test_last_input_is_the_latest_monotonic_time():
    clock = FakeClock(T0)
    c = InputCounter(clock)
    assert c.last_input is None
    clock.advance(5)
    c.add("moves")
    assert c.last_input == 5.0
    c.add("keys", at=9.5)
    c.add("keys", at=7.0)  # a late report from another thread never moves it back
    assert c.last_input == 9.5


def test_concurrent_adds_and_takes_lose_nothing():
    c = InputCounter()
    writers, per_writer = 8, 4000
    taken = {"a": dict(ZEROS), "b": dict(ZEROS)}
    stop = threading.Event()

    def write(i: int) -> None:
        kind = KINDS[i % len(KINDS)]
        for _ in range(per_writer):
            c.add(kind)

    def read(name: str) -> None:
        while not stop.is_set():
            for kind, n in c.take(name).items():
                taken[name][kind] += n

    readers = [threading.Thread(target=read, args=(n,)) for n in taken]
    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in readers + threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    expected = dict.fromkeys(KINDS, writers // len(KINDS) * per_writer)
    for name in taken:
        for kind, n in c.take(name).items():
            taken[name][kind] += n
        assert taken[name] == expected
    assert c.totals() == expected


# ---- InputMinuteTracker --------------------------------------------------------------------

def test_a_finished_minute_becomes_one_input_event():
    m = InputMinuteTracker()
    assert m.tick(at(10), {"keys": 3, "clicks": 0}) == []
    assert m.tick(at(40), {"keys": 2, "moves": 7}) == []
    [event] = m.tick(at(61), {"keys": 1})
    assert event.source == "input"
    assert event.start == T0 and event.duration == MINUTE
    assert dict(event.data) == {}
    # The tick that crosses the boundary reports input gathered in the old minute.
    assert dict(event.counts) == {"keys": 6, "moves": 7}


def test_minutes_without_input_produce_nothing():
    m = InputMinuteTracker()
    m.tick(at(1), {"keys": 0})
    assert m.tick(at(61), ZEROS) == []
    assert m.tick(at(200), {}) == []
    assert m.flush(at(230)) == []


def test_minutes_are_wall_clock_minutes_in_utc():
    m = InputMinuteTracker()
    local = datetime(2026, 1, 5, 10, 30, 45, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    m.tick(local, {"keys": 1})
    [event] = m.tick(local + MINUTE, {})
    assert event.start == datetime(2026, 1, 5, 5, 0, tzinfo=timezone.utc)
    assert event.start.tzinfo is timezone.utc


def test_flush_closes_the_partial_minute():
    m = InputMinuteTracker()
    m.tick(at(5), {"keys": 2})
    [event] = m.flush(at(20.5))
    assert (event.start, event.duration, event.counts["keys"]) == (T0, timedelta(seconds=20.5), 2)
    assert m.flush(at(21)) == []
    # Ticking again after a flush starts afresh.
    m.tick(at(30), {"keys": 1})
    [event] = m.tick(at(60), {})
    assert event.counts["keys"] == 1


def test_flush_after_the_boundary_gives_the_whole_old_minute():
    m = InputMinuteTracker()
    m.tick(at(50), {"clicks": 1})
    [event] = m.flush(at(75))
    assert (event.start, event.duration) == (T0, MINUTE)


def test_naive_time_is_rejected():
    with pytest.raises(InvalidEvent):
        InputMinuteTracker().tick(datetime(2026, 1, 5), {})


@given(ticks=st.lists(st.tuples(st.floats(0.05, 130), st.integers(0, 9), st.integers(0, 2)),
                      max_size=120))
def test_every_count_lands_in_exactly_one_aligned_minute(ticks):
    m = InputMinuteTracker()
    now, events, total = 0.0, [], {"keys": 0, "clicks": 0}
    for dt, keys, clicks in ticks:
        now += dt
        events += m.tick(at(now), {"keys": keys, "clicks": clicks})
        total["keys"] += keys
        total["clicks"] += clicks
    events += m.flush(at(now))
    assert {k: sum(e.counts.get(k, 0) for e in events) for k in total} == total
    starts = [e.start for e in events]
    assert starts == sorted(set(starts)), "one event per minute, in order"
    for e in events:
        assert e.start.second == 0 and e.start.microsecond == 0
        assert timedelta(0) <= e.duration <= MINUTE
        assert e.counts and all(e.counts.values())
