"""The pure task rules: validation, the timer with pauses, overlaps and the analytics."""

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from tracker_desktop.domain import tasks as t

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
M = timedelta(minutes=1)


def test_new_task_validates_and_normalises():
    task = t.new_task("  Ship it ", T0, tags=["A", "a", " b ", ""], project=" P ", estimate_hours=3)
    assert task.title == "Ship it" and task.tags == ("a", "b") and task.project == "P"
    for bad in ({"priority": "asap"}, {"status": "later"}, {"estimate_hours": 0},
                {"estimate_hours": float("nan")}, {"tags": ["x" * 65]}):
        with pytest.raises(t.TaskError):
            t.new_task("x", T0, **bad)
    with pytest.raises(t.TaskError):
        t.new_task("x" * 201, T0)


def test_done_records_completion_and_reopening_clears_it():
    task = t.new_task("x", T0)
    done = t.edit_task(task, T0 + M, status="done")
    assert done.completed == T0 + M
    assert t.edit_task(done, T0 + 2 * M, status="done").completed == T0 + M  # unchanged
    assert t.edit_task(done, T0 + 3 * M, status="todo").completed is None


@given(st.lists(st.tuples(st.integers(0, 600), st.integers(0, 600)), max_size=6),
       st.integers(0, 600))
def test_timer_duration_is_the_span_minus_the_pauses(steps, tail):
    e = t.start_timer(T0, None, description="x")
    now = T0
    for work, pause in steps:
        now += timedelta(seconds=work)
        e = t.pause_timer(e, now)
        now += timedelta(seconds=pause)
        e = t.resume_timer(e, now)
    now += timedelta(seconds=tail)
    stopped = t.stop_timer(e, now)
    worked = sum(w for w, _ in steps) + tail
    assert stopped.duration(now + timedelta(hours=5)) == timedelta(seconds=worked)
    assert sum(((b - a) for a, b in stopped.worked(now)), timedelta()) == timedelta(seconds=worked)
    assert stopped.duration(now) >= timedelta(0)


def test_only_one_timer_and_pause_rules():
    e = t.start_timer(T0, None, task_id=1)
    with pytest.raises(t.TimerRunning):
        t.start_timer(T0, e, task_id=2)
    with pytest.raises(t.TaskError):
        t.resume_timer(e, T0)
    p = t.pause_timer(e, T0 + M)
    with pytest.raises(t.TaskError):
        t.pause_timer(p, T0 + 2 * M)
    with pytest.raises(t.NoTimer):
        t.pause_timer(None, T0)


def test_check_entry_rules():
    other = t.TimeEntry(T0, T0 + 10 * M, id=1)
    ok = t.TimeEntry(T0 + 10 * M, T0 + 20 * M)
    assert t.check_entry(ok, T0 + 30 * M, [other]) == ok  # touching is fine
    with pytest.raises(t.Overlap):
        t.check_entry(t.TimeEntry(T0 + 5 * M, T0 + 20 * M), T0 + 30 * M, [other])
    assert t.check_entry(t.TimeEntry(T0 + 5 * M, T0 + 20 * M), T0 + 30 * M, [other],
                         allow_overlap=True)
    with pytest.raises(t.TaskError, match="future"):
        t.check_entry(ok, T0 + 15 * M, [])
    with pytest.raises(t.TaskError, match="not after"):
        t.check_entry(t.TimeEntry(T0, T0), T0 + M, [])
    # An edit does not overlap itself.
    assert t.check_entry(t.TimeEntry(T0, T0 + 5 * M, id=1), T0 + 30 * M, [other])


def test_a_focus_session_during_a_timer_on_the_same_task_counts_once():
    task = t.new_task("x", T0, estimate_hours=1)
    task = replace(task, id=1)
    entry = t.TimeEntry(T0, T0 + 60 * M, task_id=1, id=1)
    both = t.FocusTime("1", T0 + 30 * M, T0 + 90 * M, 3600.0)
    a = t.task_analytics([task], [entry], [both], T0, T0 + timedelta(days=1), T0 + 2 * 60 * M,
                         timezone.utc)
    assert a.per_task == {1: 5400.0}
    assert a.estimations[0].pct == pytest.approx(50.0)
    assert a.done_per_week == {} and a.on_time == 0


def test_done_on_time_late_and_per_week():
    def done(i, due, at):
        task = t.edit_task(t.new_task(f"t{i}", T0, due=due), at, status="done")
        return replace(task, id=i)

    tasks = [done(1, date(2026, 1, 5), T0 + M), done(2, date(2026, 1, 4), T0 + M),
             done(3, None, T0 + timedelta(days=7))]
    a = t.task_analytics(tasks, [], [], T0, T0 + timedelta(days=14), T0 + timedelta(days=8),
                         timezone.utc)
    assert (a.on_time, a.late, a.done_without_due) == (1, 1, 1)
    assert a.done_per_week == {"2026-W02": 2, "2026-W03": 1}


def test_cut_entry_keeps_what_is_outside_the_range():
    e = t.TimeEntry(T0, T0 + 60 * M, task_id=1, id=7,
                    pauses=(t.Pause(T0 + 10 * M, T0 + 20 * M), t.Pause(T0 + 40 * M, T0 + 50 * M)))
    before, after = t.cut_entry(e, T0 + 15 * M, T0 + 45 * M)
    assert (before.id, before.start, before.end) == (7, T0, T0 + 15 * M)
    assert before.pauses == (t.Pause(T0 + 10 * M, T0 + 15 * M),)
    assert (after.id, after.start, after.end) == (None, T0 + 45 * M, T0 + 60 * M)
    assert after.pauses == (t.Pause(T0 + 45 * M, T0 + 50 * M),) and after.task_id == 1
    assert t.cut_entry(e, T0 - 60 * M, T0 + 120 * M) == ()
    assert t.cut_entry(e, T0 + 60 * M, T0 + 120 * M) == (e,)
    (tail,) = t.cut_entry(e, T0 - M, T0 + 30 * M)
    assert tail.id == 7 and tail.start == T0 + 30 * M  # the one piece left keeps the id
    with pytest.raises(t.TaskError, match="running timer"):
        t.cut_entry(t.TimeEntry(T0), T0, T0 + M)
