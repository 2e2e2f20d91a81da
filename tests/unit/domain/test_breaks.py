"""Break reminders: continuous activity counted from the last real break, fed by the AFK state."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from tracker_desktop.domain.breaks import BreakPolicy, BreakState, observe, took_break

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
POLICY = BreakPolicy(after=timedelta(minutes=50), repeat=timedelta(minutes=10),
                     min_break=timedelta(minutes=5))


def run(steps, policy=POLICY, state=None, quiet=False):
    """steps: (minute, away_since_minute | None); returns (state, minutes with a reminder)."""
    state = state or BreakState()
    reminded = []
    for minute, away in steps:
        now = T0 + timedelta(minutes=minute)
        state, r = observe(policy, state, now,
                           away_since=None if away is None else T0 + timedelta(minutes=away),
                           quiet=quiet)
        if r is not None:
            reminded.append((minute, r.minutes))
    return state, reminded


def test_reminds_after_the_stretch_then_every_repeat():
    _, reminded = run([(m, None) for m in range(0, 75)])
    assert reminded == [(50, 50), (60, 60), (70, 70)]


def test_a_short_absence_does_not_end_the_stretch():
    steps = [(m, None) for m in range(0, 30)] + [(33, 30), (34, None)] + \
            [(m, None) for m in range(35, 52)]
    _, reminded = run(steps)
    assert reminded == [(50, 50)]


def test_a_long_enough_absence_is_a_break():
    # Away from minute 30 (the last input) to 36: six minutes >= min_break.
    steps = [(m, None) for m in range(0, 30)] + [(33, 30), (36, None)] + \
            [(m, None) for m in range(37, 90)]
    _, reminded = run(steps)
    assert reminded == [(86, 50)]


def test_taking_a_break_by_hand_restarts_the_counter():
    state, reminded = run([(m, None) for m in range(0, 52)])
    assert reminded == [(50, 50)]
    state = took_break(state, T0 + timedelta(minutes=52))
    _, reminded = run([(m, None) for m in range(52, 110)], state=state)
    assert reminded == [(102, 50)]


def test_quiet_counts_but_does_not_remind():
    state, reminded = run([(m, None) for m in range(0, 60)], quiet=True)
    assert reminded == []
    _, reminded = run([(60, None)], state=state)
    assert reminded == [(60, 60)]


def test_off_when_after_is_zero():
    _, reminded = run([(m, None) for m in range(0, 200)], policy=BreakPolicy(after=timedelta(0)))
    assert reminded == []


def test_policy_and_times_are_checked():
    with pytest.raises(ValueError):
        BreakPolicy(repeat=timedelta(0))
    with pytest.raises(ValueError):
        observe(POLICY, BreakState(), datetime(2026, 1, 5), away_since=None)


@given(st.lists(st.tuples(st.integers(1, 20), st.booleans()), max_size=60))
def test_reminders_never_come_closer_than_repeat_nor_before_after(steps):
    state, now, last = BreakState(), T0, None
    for gap, present in steps:
        now += timedelta(minutes=gap)
        state, r = observe(POLICY, state, now, away_since=None if present else now)
        if r is not None:
            assert r.active_for >= POLICY.after
            assert last is None or now - last >= POLICY.repeat
            last = now
