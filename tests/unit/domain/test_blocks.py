from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_desktop.domain.blocks import ACTIVE, BREAK, IDLE, stitch
from tracker_desktop.domain.intervals import Span, total, union

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


# -- merging short gaps (issue 6, item 4) -----------------------------------------------------
S = timedelta(seconds=1)


def ss(a, b):
    return Span(T0 + a * S, T0 + b * S)


def test_window_events_seconds_apart_make_one_block_with_the_measured_active_time():
    # An imported or browser-only stretch: 5 s of window time, 4 s without, for an hour.
    spans = [ss(t, t + 5) for t in range(0, 3600, 9)]
    blocks = stitch(spans, 15 * M, merge_gap=120 * S)
    assert [(b.kind, b.start, b.end) for b in blocks] == [(ACTIVE, T0, spans[-1].end)]
    assert blocks[0].active == 400 * 5 * S  # not the span: the gaps are not active time


def test_a_gap_of_the_merge_gap_or_longer_ends_the_block():
    blocks = stitch([ss(0, 60), ss(179, 200), ss(320, 400)], 15 * M, merge_gap=120 * S)
    assert [(b.kind, b.start, b.end, b.active) for b in blocks] == [
        (ACTIVE, T0, T0 + 200 * S, 81 * S),  # 119 s between: one block
        (IDLE, T0 + 200 * S, T0 + 320 * S, timedelta(0)),  # exactly the merge gap: idle
        (ACTIVE, T0 + 320 * S, T0 + 400 * S, 80 * S),
    ]


def test_afk_time_in_a_short_gap_still_ends_the_block():
    blocks = stitch([ss(0, 60), ss(90, 120)], 15 * M, merge_gap=120 * S, away=[ss(60, 90)])
    assert [b.kind for b in blocks] == [ACTIVE, IDLE, ACTIVE]
    # AFK time elsewhere (before, after, or inside an active span) does not split this gap.
    blocks = stitch([ss(0, 60), ss(90, 120)], 15 * M, merge_gap=120 * S,
                    away=[ss(-50, -10), ss(10, 20), ss(130, 200)])
    assert [b.kind for b in blocks] == [ACTIVE]


def test_a_merge_gap_longer_than_the_break_threshold_still_leaves_breaks():
    blocks = stitch([sp(0, 10), sp(20, 30), sp(32, 40)], 10 * M, merge_gap=60 * M)
    assert [(b.kind, b.start, b.end) for b in blocks] == [
        (ACTIVE, T0, T0 + 10 * M), (BREAK, T0 + 10 * M, T0 + 20 * M), (ACTIVE, T0 + 20 * M, T0 + 40 * M)]


def test_a_workday_of_gappy_data_is_tens_of_blocks():
    # 8 h of 3–6 s window events with 2–5 s holes, and a 5-minute AFK pause every 40 minutes.
    spans, away, t = [], [], 0
    for i in range(10_000):
        d, g = 3 + i % 4, 2 + i % 4
        spans.append(ss(t, t + d))
        t += d + g
        if i % 500 == 499:
            away.append(ss(t, t + 300))
            t += 300
    blocks = stitch(spans, 15 * M, merge_gap=120 * S, away=away)
    assert 10 <= len(blocks) <= 60
    assert sum((b.active for b in blocks), timedelta(0)) == total(spans)


gappy_st = st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 30)), max_size=40).map(
    lambda xs: [ss(a, a + d) for a, d in xs])


@settings(max_examples=300, deadline=None)
@given(gappy_st, gappy_st, st.integers(1, 600), st.integers(0, 900))
def test_merged_blocks_tile_without_overlap_and_keep_the_measured_active_time(
        spans, away, threshold, merge):
    break_after, merge_gap = threshold * S, merge * S
    blocks = stitch(spans, break_after, merge_gap, away)
    active = union(spans)
    if not active:
        assert blocks == []
        return
    assert blocks[0].start == active[0].start and blocks[-1].end == active[-1].end
    for a, b in zip(blocks, blocks[1:]):
        assert a.end == b.start  # no gap, no overlap
        assert (a.kind == ACTIVE) != (b.kind == ACTIVE)  # active and gaps alternate
    # The active-time fields add up to the measured active time, exactly.
    assert sum((b.active for b in blocks), timedelta(0)) == total(spans)
    afk = union(away)
    for b in blocks:
        assert b.end > b.start
        if b.kind == ACTIVE:
            # A block's active time is exactly the measured time inside its span.
            assert b.active == total(s for s in active if b.start <= s.start < b.end)
            # Every gap it swallowed was short and not AFK.
            inside = [s for s in active if b.start <= s.start < b.end]
            for x, y in zip(inside, inside[1:]):
                assert y.start - x.end < merge_gap and y.start - x.end < break_after
                assert not any(w.start < y.start and w.end > x.end for w in afk)
        else:
            assert b.active == timedelta(0)
            assert (b.kind == BREAK) == (b.end - b.start >= break_after)
            was_away = any(w.start < b.end and w.end > b.start for w in afk)
            assert b.end - b.start >= merge_gap or b.kind == BREAK or was_away
