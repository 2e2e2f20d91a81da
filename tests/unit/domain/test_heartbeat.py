from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_desktop.domain.events import ZERO, Event, Heartbeat
from tracker_desktop.domain.heartbeat import default_pulsetime, merge, rebase, reduce

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
    base = Event("window", T0, 10 * S, CODE, {"keys": 4}, id=7)
    ours = base.with_(duration=15 * S, counts={"keys": 9, "clicks": 1})  # +5 keys, +1 click, to t=15
    theirs = base.with_(duration=12 * S, counts={"keys": 6})  # another writer: +2 keys, to t=12
    merged = rebase(ours, base, theirs)
    assert merged.id == 7 and merged.duration == 15 * S
    assert dict(merged.counts) == {"keys": 11, "clicks": 1}
    longer = base.with_(duration=30 * S)
    assert rebase(ours, base, longer).duration == 30 * S


# -- gauges (issue 9): the browser's scroll depth keeps its maximum, counts add ---------------------
PAGE = {"url": "https://a.test/long", "domain": "a.test", "title": "Long"}


def bhb(t: float, depth: int | None = None, switches: int = 0, duration: float = 0) -> Heartbeat:
    counts = {"scroll_depth": depth} if depth is not None else {}
    if switches:
        counts["tab_switches"] = switches
    return Heartbeat("browser", T0 + t * S, duration * S, PAGE, counts)


def test_a_gauge_keeps_the_larger_value_on_merge_while_counts_add():
    last = Event("browser", T0, 10 * S, PAGE, {"scroll_depth": 60, "tab_switches": 1})
    lower = merge(last, bhb(12, depth=40, switches=1), 80 * S)
    assert lower is not None and dict(lower.counts) == {"scroll_depth": 60, "tab_switches": 2}
    higher = merge(last, bhb(12, depth=95), 80 * S)
    assert higher is not None and dict(higher.counts) == {"scroll_depth": 95, "tab_switches": 1}
    # A heartbeat without the gauge leaves it as it was; an event without it takes the beat's.
    assert dict(merge(last, bhb(12), 80 * S).counts) == dict(last.counts)  # type: ignore[union-attr]
    bare = Event("browser", T0, 10 * S, PAGE)
    assert dict(merge(bare, bhb(11, depth=30), 80 * S).counts) == {"scroll_depth": 30}  # type: ignore[union-attr]


def test_reduce_of_a_visit_keeps_the_deepest_scroll_and_sums_the_switches():
    beats = [bhb(0, 10, switches=1), bhb(60, 50), bhb(120, 35), bhb(180, 100), bhb(240, 80),
             bhb(245, 20, switches=1)]
    [event] = reduce(beats, 80 * S)
    assert dict(event.counts) == {"scroll_depth": 100, "tab_switches": 2}
    assert event.duration == 245 * S
    # Another page is another event with its own maximum.
    other = Heartbeat("browser", T0 + 250 * S, ZERO, {**PAGE, "url": "https://a.test/b"},
                      {"scroll_depth": 15})
    first, second = reduce([*beats, other], 80 * S)
    assert first.counts["scroll_depth"] == 100 and second.counts["scroll_depth"] == 15


def test_rebase_takes_the_higher_gauge_of_two_writers_and_adds_their_counts():
    base = Event("browser", T0, 10 * S, PAGE, {"scroll_depth": 40, "tab_switches": 1}, id=3)
    ours = base.with_(duration=20 * S, counts={"scroll_depth": 70, "tab_switches": 2})
    theirs = base.with_(duration=15 * S, counts={"scroll_depth": 55, "tab_switches": 3})
    merged = rebase(ours, base, theirs)
    # Not 40 + 30 + 15 = 85: both writers saw the same page being scrolled.
    assert dict(merged.counts) == {"scroll_depth": 70, "tab_switches": 4}
    assert merged.duration == 20 * S and merged.id == 3
    # Their side higher: kept (our lower gauge never lowers it).
    deeper = base.with_(counts={"scroll_depth": 90, "tab_switches": 1})
    assert dict(rebase(ours, base, deeper).counts) == {"scroll_depth": 90, "tab_switches": 2}
    # A gauge only ours has appears; one only theirs has stays.
    plain = base.with_(counts={"tab_switches": 1})
    assert dict(rebase(ours, plain, plain).counts) == {"scroll_depth": 70, "tab_switches": 2}
    assert rebase(plain.with_(duration=30 * S), plain, ours).counts["scroll_depth"] == 70


depths = st.lists(st.tuples(st.integers(0, 100), st.integers(0, 3), st.floats(0, 30, allow_nan=False)),
                  min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(depths, st.randoms(use_true_random=False))
def test_merging_a_visits_heartbeats_is_order_insensitive_for_gauges(items, rnd):
    """Heartbeats of one page observed at one instant (as a flushed batch of several tabs' states
    can be) merge into one event whatever their order: the gauge is the maximum, never a sum, the
    counts are the sum, and the event is the same for every order."""
    beats = [bhb(0, depth, switches, duration) for depth, switches, duration in items]
    shuffled = beats[:]
    rnd.shuffle(shuffled)
    [a] = reduce(beats, 80 * S)
    [b] = reduce(shuffled, 80 * S)
    assert a == b
    assert a.counts["scroll_depth"] == max(d for d, _, _ in items) <= 100
    assert a.counts.get("tab_switches", 0) == sum(n for _, n, _ in items)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 100), st.integers(0, 100), st.integers(0, 100), st.integers(0, 5),
       st.integers(0, 5))
def test_rebase_is_symmetric_for_gauges(base_depth, our_rise, their_rise, our_n, their_n):
    """Whichever of two writers rebases onto the other, the event ends with the same gauge (the
    higher side) and the same counts (base + both sides' additions)."""
    base = Event("browser", T0, 10 * S, PAGE, {"scroll_depth": base_depth, "tab_switches": 1}, id=1)
    ours = base.with_(counts={"scroll_depth": min(100, base_depth + our_rise), "tab_switches": 1 + our_n})
    theirs = base.with_(counts={"scroll_depth": min(100, base_depth + their_rise),
                                "tab_switches": 1 + their_n})
    one, other = rebase(ours, base, theirs), rebase(theirs, base, ours)
    assert dict(one.counts) == dict(other.counts)
    assert one.counts["scroll_depth"] == max(ours.counts["scroll_depth"], theirs.counts["scroll_depth"])
    assert one.counts["tab_switches"] == 1 + our_n + their_n
