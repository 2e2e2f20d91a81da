from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from tracker_desktop.domain.intervals import Span, clip, intersect, subtract, total, union

T0 = datetime(2026, 1, 5, tzinfo=timezone.utc)


def span(a: int, b: int) -> Span:
    return Span(T0 + timedelta(seconds=a), T0 + timedelta(seconds=b))


spans = st.lists(st.tuples(st.integers(0, 100), st.integers(0, 30)).map(lambda t: span(t[0], t[0] + t[1])),
                 max_size=15)


def seconds(ss) -> set[int]:
    """Brute force: the set of whole seconds covered."""
    out: set[int] = set()
    for s in ss:
        a = int((s.start - T0).total_seconds())
        b = int((s.end - T0).total_seconds())
        out.update(range(a, b))
    return out


@given(spans, spans)
def test_against_brute_force(a, b):
    assert seconds(union(a)) == seconds(a)
    assert seconds(intersect(a, b)) == seconds(a) & seconds(b)
    assert seconds(subtract(a, b)) == seconds(a) - seconds(b)
    assert total(a) == timedelta(seconds=len(seconds(a)))


@given(spans)
def test_union_is_sorted_and_disjoint(a):
    u = union(a)
    for x, y in zip(u, u[1:]):
        assert x.end < y.start


def test_touching_spans_join_and_clip_cuts():
    assert union([span(0, 5), span(5, 8)]) == [span(0, 8)]
    assert clip([span(0, 10), span(20, 30)], T0 + timedelta(seconds=5), T0 + timedelta(seconds=25)) == [
        span(5, 10), span(20, 25)]
