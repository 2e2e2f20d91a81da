from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_desktop.domain.events import Event
from tracker_desktop.domain.flood import flood
from tracker_desktop.domain.intervals import Span, total, union

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
S = timedelta(seconds=1)
A = {"app": "code", "title": "a"}
B = {"app": "firefox", "title": "b"}


def ev(t: float, d: float, data=A) -> Event:
    return Event("window", T0 + t * S, d * S, data)


def spans(events):
    return [(e.start, e.end, dict(e.data)) for e in events]


def test_equal_neighbours_merge_across_a_short_gap():
    assert spans(flood([ev(0, 10), ev(13, 5)], 5)) == [(T0, T0 + 18 * S, A)]


def test_differing_neighbours_split_the_gap_at_the_midpoint():
    out = flood([ev(0, 10), ev(14, 6, B)], 5)
    assert spans(out) == [(T0, T0 + 12 * S, A), (T0 + 12 * S, T0 + 20 * S, B)]


def test_gaps_longer_than_pulsetime_stay():
    out = flood([ev(0, 10), ev(15.5, 5)], 5)
    assert spans(out) == [(T0, T0 + 10 * S, A), (T0 + 15.5 * S, T0 + 20.5 * S, A)]


def test_gap_exactly_pulsetime_is_filled():
    assert len(flood([ev(0, 10), ev(15, 5)], 5)) == 1


def test_overlapping_differing_events_later_wins():
    out = flood([ev(0, 10), ev(5, 10, B)], 5)
    assert spans(out) == [(T0, T0 + 5 * S, A), (T0 + 5 * S, T0 + 15 * S, B)]


def test_overlapping_equal_events_merge():
    assert spans(flood([ev(0, 10), ev(5, 10)], 5)) == [(T0, T0 + 15 * S, A)]


def test_input_is_not_changed_and_order_does_not_matter():
    evs = [ev(14, 6, B), ev(0, 10)]
    before = list(evs)
    assert flood(evs, 5) == flood(list(reversed(evs)), 5)
    assert evs == before


events_st = st.lists(
    st.tuples(st.integers(0, 600), st.integers(0, 60), st.sampled_from([A, B])),
    max_size=25,
).map(lambda xs: [ev(t, d, data) for t, d, data in xs])

# What one watcher records: events one after another, with gaps (possibly none) between them.
sequential_st = st.lists(
    st.tuples(st.integers(0, 12), st.integers(0, 60), st.sampled_from([A, B])), max_size=25,
).map(lambda xs: _sequential(xs))


def _sequential(xs):
    t, out = 0, []
    for gap, d, data in xs:
        t += gap
        out.append(ev(t, d, data))
        t += d
    return out


@settings(max_examples=300, deadline=None)
@given(events_st, st.sampled_from([0, 1, 5, 10]))
def test_flood_output_is_sorted_and_never_overlaps(events, pulse):
    out = flood(events, pulse)
    for a, b in zip(out, out[1:]):
        assert a.end <= b.start
    assert all(e.duration > timedelta(0) for e in out)


@settings(max_examples=300, deadline=None)
@given(sequential_st, st.sampled_from([0, 1, 5, 10]))
def test_flood_of_a_watchers_events_only_fills_gaps(events, pulse):
    out = flood(events, pulse)
    for a, b in zip(out, out[1:]):
        # Whatever gap is left is longer than pulsetime (or it would have been filled).
        assert b.start == a.end or b.start - a.end > pulse * S
    covered = union(Span(e.start, e.end) for e in out)
    before = union(Span(e.start, e.end) for e in events)
    for s in before:
        assert any(c.start <= s.start and s.end <= c.end for c in covered)
    gaps = sum(((b.start - a.end) for a, b in zip(events, events[1:]) if b.start - a.end <= pulse * S),
               timedelta(0))
    assert total(covered) == total(before) + gaps
