from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_desktop.domain.blocks import ACTIVE, BREAK, IDLE, stitch
from tracker_desktop.domain.intervals import Span, total

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
M = timedelta(minutes=1)


def sp(a, b):
    return Span(T0 + a * M, T0 + b * M)


def test_gaps_become_idle_or_break_by_the_threshold():
    blocks = stitch([sp(0, 60), sp(65, 90), sp(105, 120), sp(120, 130)], 15 * M)
    assert [(b.kind, b.start, b.end) for b in blocks] == [
        (ACTIVE, T0, T0 + 60 * M),
        (IDLE, T0 + 60 * M, T0 + 65 * M),
        (ACTIVE, T0 + 65 * M, T0 + 90 * M),
        (BREAK, T0 + 90 * M, T0 + 105 * M),  # exactly the threshold: a break
        (ACTIVE, T0 + 105 * M, T0 + 130 * M),  # touching spans join
    ]


def test_nothing_active_means_no_blocks():
    assert stitch([], 15 * M) == []


spans_st = st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 90)), max_size=20).map(
    lambda xs: [sp(a, a + d) for a, d in xs])


@settings(max_examples=300, deadline=None)
@given(spans_st, st.integers(1, 60))
def test_blocks_tile_first_to_last_activity_without_overlap(spans, threshold):
    blocks = stitch(spans, threshold * M)
    active = [s for s in spans if s.end > s.start]
    if not active:
        assert blocks == []
        return
    assert blocks[0].start == min(s.start for s in active)
    assert blocks[-1].end == max(s.end for s in active)
    for a, b in zip(blocks, blocks[1:]):
        assert a.end == b.start  # no gap, no overlap
        assert a.kind == ACTIVE or b.kind == ACTIVE  # idle/break only between activity
    assert sum((b.end - b.start for b in blocks if b.kind == ACTIVE), timedelta(0)) == total(spans)
    for b in blocks:
        assert b.end > b.start
        if b.kind == IDLE:
            assert b.end - b.start < threshold * M
        if b.kind == BREAK:
            assert b.end - b.start >= threshold * M
