import threading
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectors.input import KINDS, InputCounter
from tracker_desktop.domain.input_minutes import InputMinuteTracker
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.events import InvalidEvent
from tracker_desktop.domain.heartbeat import reduce

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
    assert c.take("window") == ZEROS
    c.add("keys")
    c.add("keys", 4)
    c.add("clicks")
    assert c.take("window") == {**ZEROS, "keys": 5, "clicks": 1}
    assert c.take("window") == ZEROS


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
    with pytest.raises(ValueError, match="unknown input reader"):
        c.take("elsewhere")


def test_take_until_credits_each_input_to_the_moment_it_was_made():
    """A switch noticed late still splits the input exactly at the switch (issue 7)."""
    clock = FakeClock(T0)
    c = InputCounter(clock)
    c.add("keys", 3, at=1.0)
    c.add("clicks", 1, at=1.5)
    c.add("keys", 4, at=2.0)  # after the switch at 1.8
    assert c.take("window", until=1.8) == {**ZEROS, "keys": 3, "clicks": 1}
    assert c.take("window") == {**ZEROS, "keys": 4}
    assert c.take("minutes", until=0.5) == ZEROS
    assert c.take("minutes") == {**ZEROS, "keys": 7, "clicks": 1}


def test_inputs_are_kept_only_until_every_reader_took_them_or_the_horizon_passed():
    clock = FakeClock(T0)
    c = InputCounter(clock, horizon=60)
    for i in range(100):
        c.add("moves", at=float(i) / 10)
    c.take("window")
    assert len(c._log) == 100  # "minutes" has not taken them yet
    c.take("minutes")
    assert len(c._log) == 0
    c.add("keys", at=0.0)
    c.add("keys", at=100.0)  # "window" and "minutes" stopped taking: the first is past the horizon
    assert c.take("window") == {**ZEROS, "keys": 1} and len(c._log) == 1


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
    c = InputCounter(readers=("a", "b"))
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
# (the pure state machine lives in the domain; its tests stay beside the counter that feeds it)

def merged(heartbeats):
    """What the store makes of them: the live merge rule with the tracker's pulsetime 0."""
    return list(reduce(heartbeats, timedelta(seconds=InputMinuteTracker.pulsetime)))


def test_each_tick_comes_out_at_once_and_one_minute_is_one_event():
    m = InputMinuteTracker()
    beats = m.tick(at(5), {"keys": 2, "moves": 0})
    assert [(b.timestamp, b.duration, dict(b.counts)) for b in beats] == [
        (T0, timedelta(seconds=5), {"keys": 2})]
    beats += m.tick(at(20), {"keys": 1, "clicks": 1})
    beats += m.tick(at(59.5), {"keys": 3})
    [event] = merged(beats)
    assert (event.start, event.duration, dict(event.counts)) == (
        T0, timedelta(seconds=59.5), {"keys": 6, "clicks": 1})
    assert dict(event.data) == {}


def test_a_tick_across_the_boundary_splits_the_input_at_it():
    m = InputMinuteTracker()
    beats = m.tick(at(50), {"keys": 1})
    assert m.boundary(at(55)) is None
    assert m.boundary(at(61)) == T0 + MINUTE
    beats += m.tick(at(61), {"keys": 4}, before_boundary={"keys": 2})
    first, second = merged(beats)
    assert (first.start, first.counts["keys"], second.start, second.counts["keys"]) == (
        T0, 3, T0 + MINUTE, 4)
    assert first.end < second.start  # the two minutes never merge
    assert first.duration == MINUTE - timedelta(microseconds=1)


def test_minutes_without_input_produce_nothing():
    m = InputMinuteTracker()
    assert m.tick(at(1), {"keys": 0}) == []
    assert m.tick(at(61), ZEROS) == []
    assert m.tick(at(200), {}, before_boundary={}) == []


def test_minutes_are_wall_clock_minutes_in_utc():
    m = InputMinuteTracker()
    local = datetime(2026, 1, 5, 10, 30, 45, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    [beat] = m.tick(local, {"keys": 1})
    assert beat.timestamp == datetime(2026, 1, 5, 5, 0, tzinfo=timezone.utc)
    assert beat.timestamp.tzinfo is timezone.utc


def test_after_a_reset_nothing_is_credited_to_the_minute_before_it():
    m = InputMinuteTracker()
    m.tick(at(5), {"keys": 2})
    m.reset()
    assert m.boundary(at(70)) is None
    [beat] = m.tick(at(70), {"keys": 1}, before_boundary={"keys": 9})
    assert (beat.timestamp, beat.counts["keys"]) == (T0 + MINUTE, 1)


def test_naive_time_is_rejected():
    with pytest.raises(InvalidEvent):
        InputMinuteTracker().tick(datetime(2026, 1, 5), {})


@given(ticks=st.lists(st.tuples(st.floats(0.05, 130), st.integers(0, 9), st.integers(0, 2),
                                st.integers(0, 3)), max_size=120))
def test_every_count_lands_in_exactly_one_aligned_minute(ticks):
    m = InputMinuteTracker()
    now, beats, total = 0.0, [], {"keys": 0, "clicks": 0}
    for dt, keys, clicks, early in ticks:
        now += dt
        before = {"keys": early} if m.boundary(at(now)) else None
        beats += m.tick(at(now), {"keys": keys, "clicks": clicks}, before_boundary=before)
        total["keys"] += keys + (early if before else 0)
        total["clicks"] += clicks
    events = merged(beats)
    assert {k: sum(e.counts.get(k, 0) for e in events) for k in total} == total
    starts = [e.start for e in events]
    assert starts == sorted(set(starts)), "one event per minute, in order"
    for e in events:
        assert e.start.second == 0 and e.start.microsecond == 0
        assert timedelta(0) <= e.duration < MINUTE
        assert e.counts and all(e.counts.values())
