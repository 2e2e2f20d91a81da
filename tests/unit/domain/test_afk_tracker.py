from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_desktop.domain.afk import AfkTracker
from tracker_desktop.domain.events import Heartbeat, InvalidEvent
from tracker_desktop.domain.heartbeat import reduce

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
MS = timedelta(milliseconds=1)
TIMEOUT, POLL = 3.0, 1.0


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def hb(status: str, when: datetime, duration: float = 0.0) -> Heartbeat:
    return Heartbeat("afk", when, timedelta(seconds=duration), {"status": status})


def test_pulsetime_is_timeout_plus_poll_as_in_activitywatch():
    assert AfkTracker(180, 1).pulsetime == 181
    assert AfkTracker(3, 0.5).pulsetime == 3.5


def test_invalid_settings_are_refused():
    with pytest.raises(ValueError):
        AfkTracker(0, 1)
    with pytest.raises(ValueError):
        AfkTracker(3, 0)


def test_aw_watcher_afk_sequence_heartbeat_by_heartbeat():
    t = AfkTracker(TIMEOUT, POLL)
    last = at(-0.5)
    assert t.tick(at(0), 0.5) == [hb("not-afk", last)]
    assert t.tick(at(1), 1.5) == [hb("not-afk", last)]
    assert not t.afk
    # Becomes AFK: the not-afk period ends at the last input, AFK starts 1 ms later.
    assert t.tick(at(3), 3.5) == [hb("not-afk", last), hb("afk", last + MS, 3.5)]
    assert t.afk
    assert t.tick(at(4), 4.5) == [hb("afk", last + MS, 4.5)]
    # Input at 4.8 s: AFK ends there, not-afk resumes 1 ms later.
    back = at(4.8)
    assert t.tick(at(5), 0.2) == [hb("afk", back), hb("not-afk", back + MS)]
    assert not t.afk
    # No input since: aw would ping at `back`, 1 ms before the event it belongs to; we snap it.
    assert t.tick(at(6), 1.2) == [hb("not-afk", back + MS)]


def test_afk_from_the_start_begins_at_the_last_input():
    t = AfkTracker(TIMEOUT, POLL)
    out = t.tick(at(0), 600.0)
    assert out == [hb("not-afk", at(-600)), hb("afk", at(-600) + MS, 600.0)]
    assert t.afk


def test_a_suspended_machine_is_afk_from_the_last_input_before_sleep():
    t = AfkTracker(TIMEOUT, POLL)
    t.tick(at(0), 0.0)
    t.tick(at(1), 0.0)
    out = t.tick(at(3601), 3600.0)  # woke after an hour, nothing touched
    assert out[-1] == hb("afk", at(1) + MS, 3600.0)
    events = list(reduce(out, timedelta(seconds=t.pulsetime)))
    assert events[-1].start == at(1) + MS and events[-1].end == at(3601) + MS  # aw: ends at now + 1 ms


def test_merged_record_is_three_clean_events():
    t = AfkTracker(TIMEOUT, POLL)
    beats = []
    for second, idle in [(0, 0.5), (1, 1.5), (3, 3.5), (4, 4.5), (5, 0.2), (6, 1.2), (7, 0.1)]:
        beats += t.tick(at(second), idle)
    events = list(reduce(beats, timedelta(seconds=t.pulsetime)))
    assert [(e.data["status"], e.start, e.end) for e in events] == [
        ("not-afk", at(-0.5), at(-0.5)),
        ("afk", at(-0.5) + MS, at(4.8)),
        ("not-afk", at(4.8) + MS, at(6.9)),
    ]


def test_naive_time_is_rejected():
    with pytest.raises(InvalidEvent):
        AfkTracker(TIMEOUT, POLL).tick(datetime(2026, 1, 5), 1.0)


# ---- invariants over simulated days --------------------------------------------------------

POLL_MS, TIMEOUT_MS = int(POLL * 1000), int(TIMEOUT * 1000)
step = st.tuples(
    st.integers(200, POLL_MS),  # ms since the previous poll (polls are never late here)
    st.one_of(st.just([]), st.just([]), st.lists(st.integers(0, 999), min_size=1, max_size=3)),
)


def simulate(initial_idle_ms, steps, jitter=None):
    """Feed the tracker from a true input history; return (heartbeats, input times, tracker)."""
    t = AfkTracker(TIMEOUT, POLL)
    inputs = [-initial_idle_ms]
    now, beats = 0, []
    for i, (dt, offsets) in enumerate(steps):
        previous, now = now, now + dt
        # Inputs happen somewhere in (previous, now]; offsets are per-mille of the interval.
        inputs += sorted(previous + 1 + (dt - 1) * o // 1000 for o in offsets)
        idle_ms = now - inputs[-1]
        if jitter is not None:
            idle_ms = max(0, idle_ms + jitter[i % len(jitter)])
        beats += t.tick(T0 + timedelta(milliseconds=now), idle_ms / 1000)
    return beats, [T0 + timedelta(milliseconds=m) for m in inputs], t


def check_clean(events):
    for a, b in zip(events, events[1:]):
        assert a.end <= b.start, f"{a} overlaps {b}"
        assert a.data["status"] != b.data["status"], "statuses must alternate"


@settings(max_examples=300)
@given(initial_idle_ms=st.integers(0, 10_000), steps=st.lists(step, min_size=1, max_size=80))
def test_afk_spans_never_overlap_and_start_at_the_last_input(initial_idle_ms, steps):
    beats, inputs, t = simulate(initial_idle_ms, steps)
    events = list(reduce(beats, timedelta(seconds=t.pulsetime)))
    check_clean(events)
    for a, b in zip(events, events[1:]):
        assert b.start - a.end <= MS  # one continuous record, 1 ms seams
    for e in events:
        if e.data["status"] != "afk":
            continue
        assert e.start - MS in inputs, "an AFK period starts 1 ms after a real input"
        # No input inside an AFK period, except in the poll interval that ended it.
        inside = [x for x in inputs if e.start < x < e.end - timedelta(seconds=POLL)]
        assert inside == []
        assert e.duration >= timedelta(seconds=TIMEOUT), "AFK only after the full timeout"
    assert t.afk == (events[-1].data["status"] == "afk")


@settings(max_examples=200)
@given(initial_idle_ms=st.integers(0, 10_000), steps=st.lists(step, min_size=1, max_size=80),
       jitter=st.lists(st.integers(-3, 3), min_size=1, max_size=7))
def test_idle_jitter_of_a_few_ms_never_splits_or_overlaps_events(initial_idle_ms, steps, jitter):
    beats, inputs, t = simulate(initial_idle_ms, steps, jitter)
    events = list(reduce(beats, timedelta(seconds=t.pulsetime)))
    check_clean(events)
    for e in events:
        if e.data["status"] == "afk":
            assert min(abs(e.start - MS - x) for x in inputs) <= 4 * MS
