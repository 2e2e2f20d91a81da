"""cut / keep / overlay: one-pass sweeps, checked second by second against brute force."""

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_desktop.domain.intervals import Span, cut, keep, overlay, union

T0 = datetime(2026, 1, 5, tzinfo=timezone.utc)
S = timedelta(seconds=1)


def sp(a: int, b: int) -> Span:
    return Span(T0 + a * S, T0 + b * S)


def seconds(spans):
    out = set()
    for s in spans:
        t = int((s.start - T0) / S)
        while T0 + t * S < s.end:
            out.add(t)
            t += 1
    return out


items_st = st.lists(st.tuples(st.integers(0, 100), st.integers(1, 20)), max_size=12).map(
    lambda xs: sorted(((sp(a, a + d), i) for i, (a, d) in enumerate(xs)), key=lambda it: it[0].start))
# A layer is non-overlapping, as flood output is.
layer_st = st.lists(st.tuples(st.integers(0, 120), st.integers(1, 15)), max_size=10).map(
    lambda xs: [(s, f"L{i}") for i, s in enumerate(union(sp(a, a + d) for a, d in xs))])


def test_examples():
    items = [(sp(0, 10), "a"), (sp(20, 30), "b")]
    cuts = [sp(5, 8), sp(25, 40)]
    assert cut(items, cuts) == [(sp(0, 5), "a"), (sp(8, 10), "a"), (sp(20, 25), "b")]
    assert keep(items, cuts) == [(sp(5, 8), "a"), (sp(25, 30), "b")]
    assert overlay([(sp(0, 10), "a")], [(sp(5, 8), "x")]) == [
        (sp(0, 5), "a", None), (sp(5, 8), "a", "x"), (sp(8, 10), "a", None)]


@settings(max_examples=300, deadline=None)
@given(items_st, layer_st)
def test_cut_and_keep_partition_each_item(items, layer):
    cuts = [s for s, _ in layer]
    cut_parts = cut(items, cuts)
    kept_parts = keep(items, cuts)
    blocked = seconds(cuts)
    for span, payload in items:
        mine_cut = seconds(s for s, p in cut_parts if p == payload)
        mine_kept = seconds(s for s, p in kept_parts if p == payload)
        assert mine_cut == seconds([span]) - blocked
        assert mine_kept == seconds([span]) & blocked


@settings(max_examples=300, deadline=None)
@given(items_st, layer_st)
def test_overlay_tiles_each_item_and_labels_pieces_by_the_layer(items, layer):
    pieces = overlay(items, layer)
    for span, payload in items:
        mine = [(s, hit) for s, p, hit in pieces if p == payload]
        # The pieces tile the item exactly: no gap, no overlap.
        assert sorted(mine, key=lambda x: x[0].start)[0][0].start == span.start
        assert sum((s.duration for s, _ in mine), timedelta(0)) == span.duration
        assert seconds(s for s, _ in mine) == seconds([span])
        for s, hit in mine:
            covering = [lbl for ls, lbl in layer if ls.start <= s.start and s.end <= ls.end]
            assert (hit is None and not any(ls.start < s.end and s.start < ls.end for ls, _ in layer)) \
                or covering == [hit]
