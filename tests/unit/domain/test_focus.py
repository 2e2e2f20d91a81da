from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_desktop.domain import focus as f
from tracker_desktop.domain.focus import FocusError, FocusPlan, PhaseChange

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
M = timedelta(minutes=1)


def at(minutes: float) -> datetime:
    return T0 + minutes * M


def test_a_classic_pomodoro_runs_work_and_breaks_with_a_long_break_every_fourth():
    plan = FocusPlan(auto_start_work=True)
    s = f.start(plan, T0)
    s, changes = f.advance(s, at(24.9))
    assert changes == () and s.remaining(at(24.9)) == timedelta(seconds=6)
    s, changes = f.advance(s, at(30))
    assert changes == (PhaseChange(at(25), "work", "short_break", True),
                       PhaseChange(at(30), "short_break", "work", True))
    s, changes = f.advance(s, at(4 * 25 + 3 * 5 + 1))
    assert [c.next for c in changes][-1] == "long_break" and s.cycles == 4
    s = f.stop(s, at(4 * 25 + 3 * 5 + 10))
    assert s.completed and s.actual(at(999)) == 100 * M and s.break_time(at(999)) == 25 * M  # 3 x 5 + 10 of the long break


def test_without_auto_start_a_finished_phase_waits_for_start_next():
    s = f.start(FocusPlan(auto_start_breaks=False), T0)
    s, changes = f.advance(s, at(40))
    assert changes == (PhaseChange(at(25), "work", "short_break", False),)
    assert s.current is None and s.pending is not None and s.pending.kind == "short_break"
    with pytest.raises(FocusError):
        f.pause(s, at(41))
    s = f.start_next(s, at(41))
    s, changes = f.advance(s, at(46))
    assert changes == (PhaseChange(at(46), "short_break", "work", False),)
    assert s.break_time(at(50)) == 5 * M


def test_pause_is_an_interruption_and_time_stands_still():
    s = f.start(FocusPlan(), T0)
    s = f.pause(s, at(10))
    s2, changes = f.advance(s, at(100))
    assert changes == () and s2 == s and s.actual(at(100)) == 10 * M
    with pytest.raises(FocusError):
        f.pause(s, at(11))
    s = f.resume(s, at(20))
    assert s.interruptions == 1 and s.remaining(at(20)) == 15 * M
    s, changes = f.advance(s, at(35))
    assert changes[0].at == at(35) and s.actual(at(35)) == 25 * M


def test_skip_ends_the_phase_without_a_cycle_and_stop_before_any_is_abandoned():
    s = f.start(FocusPlan(), T0)
    s, changes = f.skip(s, at(3))
    assert changes[0] == PhaseChange(at(3), "work", "short_break", True) and s.cycles == 0
    s = f.stop(s, at(4))
    assert not s.completed and s.actual(at(9)) == 3 * M and s.break_time(at(9)) == M
    with pytest.raises(FocusError):
        f.stop(s, at(5))


def test_flowtime_counts_up_and_the_break_is_a_fifth_of_the_work():
    s = f.start(FocusPlan(mode="flowtime"), T0)
    s, changes = f.advance(s, at(500))
    assert changes == () and s.remaining(at(500)) is None
    s, changes = f.skip(s, at(50))
    assert changes[0].next == "short_break" and s.cycles == 1
    assert s.remaining(at(50)) == 10 * M
    s, changes = f.advance(s, at(61))
    assert changes == (PhaseChange(at(60), "short_break", "work", False),)


def test_a_countdown_ends_by_itself_and_waits_for_stop():
    s = f.start(FocusPlan(mode="countdown", work=10 * M), T0)
    s, changes = f.advance(s, at(12))
    assert changes == (PhaseChange(at(10), "work", None, False),) and s.completed
    with pytest.raises(FocusError):
        f.skip(s, at(13))
    done = f.finish(f.stop(s, at(13)), score=4, notes="ok")
    assert done.actual == 10 * M and done.expected == 10 * M and done.score == 4 and done.completed


def test_state_round_trips_through_its_stored_form():
    s = f.start(FocusPlan(mode="flowtime", expected=30 * M), T0, context="bio", task_id="t1")
    s = f.resume(f.pause(s, at(5)), at(6))
    s, _ = f.skip(s, at(20))
    assert f.state_from_dict(f.state_to_dict(s)) == s


def test_a_score_outside_one_to_five_is_refused():
    s = f.stop(f.start(FocusPlan(), T0), at(1))
    with pytest.raises(FocusError):
        f.finish(s, score=6)


def test_profile_and_insights():
    tz = ZoneInfo("Europe/Berlin")

    def session(day, hour, minutes, expected, interruptions=0, completed=True):
        start = datetime(2026, 1, day, hour, tzinfo=tz)
        return f.FinishedSession(start, start + minutes * M, "pomodoro", expected * M, minutes * M,
                                 5 * M, 1, interruptions, completed)

    sessions = [session(5, 9, 20, 25, 2), session(6, 9, 30, 25), session(7, 14, 10, 25, 1, False)]
    p = f.focus_profile(sessions, tz, T0)
    assert p.sessions == 3 and p.completed == 2 and p.avg_focus_minutes == 20
    assert p.completion_ratio == pytest.approx(2 / 3) and p.avg_interruptions == 1
    assert p.estimation_pct == pytest.approx(((20 / 25 - 1) + (30 / 25 - 1) + (10 / 25 - 1)) / 3 * 100)
    assert p.peak_hours == (9, 14) and p.peak_days == ("Tue", "Mon", "Wed")
    assert dict(p.focus_by_hour) == {9: 50, 14: 10}
    new = session(8, 10, 25, 25)
    assert f.insights(new, p)[:2] == ("25 min, 25 % longer than your average", "no interruptions")
    assert f.focus_profile([], tz, T0).sessions == 0


verbs = st.lists(st.tuples(st.sampled_from(["advance", "pause", "resume", "skip", "next"]),
                           st.integers(0, 40 * 60)), max_size=25)


@settings(max_examples=300, deadline=None)
@given(mode=st.sampled_from(f.MODES), auto=st.booleans(), steps=verbs)
def test_invariants(mode, auto, steps):
    plan = FocusPlan(mode=mode, work=10 * M, short_break=2 * M, long_break=5 * M,
                     long_break_every=2, auto_start_work=auto, auto_start_breaks=auto)
    s = f.start(plan, T0)
    now = T0
    for verb, seconds in steps:
        now += timedelta(seconds=seconds)
        if s.paused:
            # A paused timer never advances.
            assert f.advance(s, now + timedelta(days=1)) == (s, ())
        try:
            if verb == "advance":
                s, _ = f.advance(s, now)
            elif verb == "pause":
                s = f.pause(s, now)
            elif verb == "resume":
                s = f.resume(s, now)
            elif verb == "skip":
                s, _ = f.skip(s, now)
            else:
                s = f.start_next(s, now)
        except FocusError:
            pass
    s = f.stop(s, now)
    phases = s.phases
    # Phases never overlap and all are closed by the end.
    for a, b in zip(phases, phases[1:]):
        assert a.end is not None and a.end <= b.start
    assert all(p.end is not None and p.start <= p.end <= now for p in phases)
    # Focus time is the work phases minus their pauses; cycles are the completed work phases.
    work = [p for p in phases if p.kind == "work"]
    assert s.actual(now) == sum(((p.end - p.start) - p.paused for p in work), timedelta(0))
    assert s.cycles == sum(1 for p in work if p.done)
    assert all(p.planned is None or not p.done or p.end - p.start - p.paused == p.planned
               for p in phases)
    assert s.completed == (s.cycles > 0)
