"""The idle-return question: when to ask, and what an answer records."""

from datetime import datetime, timedelta, timezone

import pytest

from tracker_desktop.domain.events import MANUAL
from tracker_desktop.domain.idle_return import (
    Allocation,
    AwayAnswer,
    AwayError,
    IdlePolicy,
    allocate,
    manual_events,
    should_ask,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
T1 = T0 + timedelta(minutes=30)
MIN = timedelta(minutes=1)


def test_asks_only_past_the_threshold_with_a_timer_running():
    p = IdlePolicy(threshold=5 * MIN)
    assert should_ask(p, 6 * MIN, focus_running=True)
    assert should_ask(p, 5 * MIN, focus_running=True)
    assert not should_ask(p, 4 * MIN, focus_running=True)
    assert not should_ask(p, 60 * MIN, focus_running=False)
    assert should_ask(p, 6 * MIN, focus_running=False, task_running=True)


def test_silent_during_focus_when_configured_but_a_task_timer_still_asks():
    p = IdlePolicy(threshold=5 * MIN, during_focus=False)
    assert not should_ask(p, 60 * MIN, focus_running=True)
    assert should_ask(p, 60 * MIN, focus_running=True, task_running=True)
    assert not should_ask(IdlePolicy(threshold=timedelta(0)), 60 * MIN, focus_running=True)


def test_answers_allocate_the_away_span():
    assert allocate(AwayAnswer("break"), T0, T1) == (Allocation("break", T0, T1),)
    assert allocate(AwayAnswer("work", task=" T-12 "), T0, T1) == (Allocation("work", T0, T1, "T-12"),)
    assert allocate(AwayAnswer("untracked"), T0, T1) == ()
    split = allocate(AwayAnswer("split", task="review", work_minutes=20), T0, T1)
    assert split == (Allocation("work", T0, T0 + 20 * MIN, "review"),
                     Allocation("break", T0 + 20 * MIN, T1))
    assert sum((a.duration for a in split), timedelta(0)) == T1 - T0
    assert allocate(AwayAnswer("split", work_minutes=30), T0, T1) == (Allocation("work", T0, T1),)


def test_bad_answers_are_refused():
    with pytest.raises(AwayError):
        allocate(AwayAnswer("split", work_minutes=31), T0, T1)
    with pytest.raises(AwayError):
        allocate(AwayAnswer("split", work_minutes=-1), T0, T1)
    with pytest.raises(AwayError):
        allocate(AwayAnswer("work", task="x" * 129), T0, T1)
    with pytest.raises(AwayError):
        allocate(AwayAnswer("break"), T1, T0)


def test_only_work_becomes_a_manual_event():
    events = manual_events(allocate(AwayAnswer("split", task="T-12", work_minutes=10), T0, T1))
    assert len(events) == 1
    (e,) = events
    assert e.source == MANUAL and e.start == T0 and e.duration == 10 * MIN
    assert dict(e.data) == {"title": "T-12", "task": "T-12", "away": "work"}
    (e,) = manual_events(allocate(AwayAnswer("work"), T0, T1))
    assert dict(e.data) == {"title": "Work while away", "away": "work"} and e.duration == 30 * MIN
    assert manual_events(allocate(AwayAnswer("break"), T0, T1)) == ()
