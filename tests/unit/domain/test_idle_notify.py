"""Idle time from idle/resume notifications (the Wayland AFK probe's bookkeeping)."""

from datetime import datetime, timedelta, timezone

import pytest

from tracker_desktop.domain.afk import AfkTracker
from tracker_desktop.domain.idle_notify import NotifiedIdle

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def test_idle_is_exact_once_the_notification_came():
    n = NotifiedIdle(1.0, started=100.0)
    n.resumed(103.0)  # typed at 103
    n.idled(104.02)   # notified 1 s (+20 ms latency) later
    assert n.idle and n.idle_seconds(110.0) == pytest.approx(6.98)


def test_before_the_notification_idle_is_bounded_by_the_timeout_and_the_last_resume():
    n = NotifiedIdle(1.0, started=100.0)
    assert n.idle_seconds(100.4) == pytest.approx(0.4)
    assert n.idle_seconds(150.0) == 1.0  # kept typing: the last input is less than 1 s ago
    n.resumed(150.0)
    assert n.idle_seconds(150.25) == pytest.approx(0.25)


def test_a_second_idle_notification_does_not_move_the_last_input():
    n = NotifiedIdle(1.0, started=0.0)
    n.idled(5.0)
    n.idled(9.0)  # e.g. the longer timeout of the same idle period
    assert n.idle_seconds(10.0) == pytest.approx(6.0)


def test_afk_periods_start_at_the_last_input_and_not_afk_never_runs_past_it():
    """Driven through aw's AfkTracker as the tracker does: poll 0.5 s, AFK timeout 3 s."""
    n = NotifiedIdle(1.0, started=0.0)
    afk = AfkTracker(3.0, 0.5)
    beats = []

    def tick(t):
        beats.extend(afk.tick(T0 + timedelta(seconds=t), n.idle_seconds(t)))

    for t in (0.5, 1.0, 1.5, 2.0):
        n.resumed(t - 0.1)  # typing
        tick(t)
    last_input = 1.9
    n.idled(last_input + 1.0)
    for t in (3.0, 3.5, 4.0, 4.5, 5.0):
        tick(t)
    assert afk.afk
    not_afk = [b for b in beats if b.data["status"] == "not-afk"]
    went = [b for b in beats if b.data["status"] == "afk"][0]
    assert max(b.timestamp + b.duration for b in not_afk) <= T0 + timedelta(seconds=last_input)
    assert abs((went.timestamp - (T0 + timedelta(seconds=last_input))).total_seconds()) < 0.01
    n.resumed(7.3)
    tick(7.5)
    back = [b for b in afk.tick(T0 + timedelta(seconds=7.6), n.idle_seconds(7.6))]
    assert not afk.afk and back


def test_timeout_must_be_positive():
    with pytest.raises(ValueError):
        NotifiedIdle(0, 0.0)
