"""The server's pure rules: badges, competition ranks, period bounds, pseudonyms."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from sync.server.badges import Day, earned, longest_streak
from sync.server.security import pseudonym
from sync.server.store import period_bounds, ranks

D0 = date(2026, 1, 1)


def days(*spec: tuple[int, float, float, float]) -> list[Day]:
    return [Day(D0 + timedelta(days=n), a, c, f) for n, a, c, f in spec]


def test_streak_badges_need_consecutive_active_days():
    six = days(*[(n, 100, 0, 0) for n in range(6)])
    assert "streak_7" not in earned(six, {})
    gap = six + days((7, 100, 0, 0))  # day 6 missing
    assert "streak_7" not in earned(gap, {})
    seven = six + days((6, 100, 0, 0))
    assert earned(seven, {})["streak_7"] == D0 + timedelta(days=6)
    idle = six + days((6, 0, 0, 0))  # a pushed day with no activity breaks it too
    assert "streak_7" not in earned(idle, {})


def test_coding_hours_focus_marathon_and_polyglot():
    got = earned(days((0, 1, 9 * 3600, 0), (1, 1, 3600, 4 * 3600), (2, 1, 0, 4 * 3600 - 1)),
                 {"Python": 3600, "Go": 3600, "C": 3600, "Rust": 3600})
    assert got == {"coding_10h": D0 + timedelta(days=1), "focus_marathon": D0 + timedelta(days=1)}
    assert "polyglot" in earned(days((0, 1, 0, 0)),
                                {n: 3600 for n in ("Python", "Go", "C", "Rust", "Zig")})
    assert earned([], {n: 3600 for n in ("Python", "Go", "C", "Rust", "Zig")}) == {}


@given(st.lists(st.integers(0, 60), max_size=40))
def test_longest_streak_is_the_longest_run(offsets):
    got = longest_streak([D0 + timedelta(days=n) for n in offsets])
    have = set(offsets)
    best = max((k for n in have for k in range(1, 62) if all(n + i in have for i in range(k))), default=0)
    assert got == best


@given(st.lists(st.floats(0, 1e6, allow_nan=False), max_size=50))
def test_ties_share_a_rank_and_ranks_skip_after_ties(values):
    values = sorted(values, reverse=True)
    r = ranks(values)
    for i, v in enumerate(values):
        assert r[i] == 1 + sum(1 for w in values if w > v)


def test_period_bounds():
    wed = date(2026, 3, 4)
    assert period_bounds("d", wed) == (wed, wed)
    assert period_bounds("w", wed) == (date(2026, 3, 2), date(2026, 3, 8))
    assert period_bounds("m", wed) == (date(2026, 3, 1), date(2026, 3, 31))
    assert period_bounds("m", date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_bounds("m", date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))


def test_pseudonyms_are_stable_and_keyed():
    assert pseudonym("k", 7) == pseudonym("k", 7) != pseudonym("k", 8)
    assert pseudonym("k", 7) != pseudonym("other key", 7)
