from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_desktop.domain.events import Event, Heartbeat
from tracker_desktop.domain.heartbeat import default_pulsetime, merge, reduce

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
S = timedelta(seconds=1)
PULSE = 2 * S
CODE = {"app": "code", "title": "main.py"}


def hb(t: float, data=CODE, duration: float = 0, counts=None) -> Heartbeat:
    return Heartbeat("window", T0 + t * S, duration * S, data, counts or {})


def ev(t: float, duration: float, data=CODE, counts=None) -> Event:
    return Event("window", T0 + t * S, duration * S, data, counts or {})


def test_merges_within_pulsetime_and_extends_to_the_heartbeat():
    merged = merge(ev(0, 5), hb(6), PULSE)
    assert merged == ev(0, 6)


def test_window_is_inclusive_at_both_ends():
    assert merge(ev(0, 5), hb(7), PULSE) == ev(0, 7)  # exactly end + pulsetime
    assert merge(ev(0, 5), hb(0), PULSE) == ev(0, 5)  # exactly at start
    assert merge(ev(0, 5), hb(7.000001), PULSE) is None
    assert merge(ev(0, 5), hb(-0.000001), PULSE) is None


def test_different_data_never_merges():
    assert merge(ev(0, 5), hb(1, {"app": "code", "title": "other.py"}), PULSE) is None


def test_duration_is_max_of_old_and_new_extent():
    # A heartbeat inside the event does not shorten it.
    assert merge(ev(0, 10), hb(3, duration=2), PULSE) == ev(0, 10)
    # Its own duration extends the event.
    assert merge(ev(0, 10), hb(9, duration=5), PULSE) == ev(0, 14)


def test_counts_add_on_merge():
    merged = merge(ev(0, 1, counts={"keys": 2}), hb(2, counts={"keys": 3, "clicks": 1}), PULSE)
    assert merged is not None and dict(merged.counts) == {"keys": 5, "clicks": 1}


def test_merge_keeps_the_stored_id():
    stored = Event("window", T0, S, CODE, id=42)
    merged = merge(stored, hb(2), PULSE)
    assert merged is not None and merged.id == 42


def test_default_pulsetimes():
    assert default_pulsetime("window") == 2.0
    assert default_pulsetime("afk") == 185.0


def test_reduce_of_a_steady_stream_with_switches():
    beats = [hb(i, {"app": "code" if i < 30 else "firefox"}) for i in range(60)]
    events = list(reduce(beats, PULSE))
    assert [(e.data["app"], e.duration) for e in events] == [("code", 29 * S), ("firefox", 29 * S)]


apps = st.sampled_from(["code", "firefox", "term"])
steps = st.lists(st.tuples(st.floats(0, 5, allow_nan=False), apps, st.floats(0, 3, allow_nan=False),
                           st.integers(0, 5)), min_size=1, max_size=60)


def _stream(items):
    t = 0.0
    out = []
    for gap, app, duration, keys in items:
        t += gap
        out.append(hb(round(t, 3), {"app": app}, round(duration, 3), {"keys": keys} if keys else None))
    return out


@settings(max_examples=300, deadline=None)
@given(steps)
def test_invariants_of_in_order_streams(items):
    beats = _stream(items)
    events = list(reduce(beats, PULSE))
    # Each heartbeat lands in exactly one event: keystrokes are neither lost nor double counted.
    assert sum(e.counts.get("keys", 0) for e in events) == sum(b.counts.get("keys", 0) for b in beats)
    # A merged event never exceeds the span of its heartbeats, and events start at a heartbeat.
    starts = {b.timestamp for b in beats}
    latest_end = max(b.timestamp + b.duration for b in beats)
    for e in events:
        assert e.start in starts
        assert e.end <= latest_end
    # Events come out in time order and never overlap for in-order input (gaps ≥ 0).
    for a, b in zip(events, events[1:]):
        assert a.start <= b.start
    # Consecutive events either differ in data or are separated by more than the pulsetime.
    for a, b in zip(events, events[1:]):
        assert a.data != b.data or b.start > a.end + PULSE


def test_rebase_keeps_both_writers_changes():
    from tracker_desktop.domain.heartbeat import rebase

    base = Event("window", T0, 10 * S, CODE, {"keys": 4}, id=7)
    ours = base.with_(duration=15 * S, counts={"keys": 9, "clicks": 1})  # +5 keys, +1 click, to t=15
    theirs = base.with_(duration=12 * S, counts={"keys": 6})  # another writer: +2 keys, to t=12
    merged = rebase(ours, base, theirs)
    assert merged.id == 7 and merged.duration == 15 * S
    assert dict(merged.counts) == {"keys": 11, "clicks": 1}
    longer = base.with_(duration=30 * S)
    assert rebase(ours, base, longer).duration == 30 * S
