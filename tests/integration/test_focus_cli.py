"""`focus` through the CLI on a real SQLite file, the clock injected: the session lives in the
database between calls, as it will between the CLI and the tray."""

import json
from datetime import datetime, timezone

from tracker_desktop.domain.clock import FakeClock

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)  # a Monday


def status(cli, clock):
    code, out, err = cli("focus", "status", "--json", clock=clock)
    assert code == 0, err
    return json.loads(out)


def ok(cli, clock, *args):
    code, out, err = cli("focus", *args, clock=clock)
    assert code == 0, err
    return out


def test_a_full_pomodoro_cycle_with_breaks_and_a_rating(cli, data_dir):
    (data_dir.parent / "config").mkdir(exist_ok=True)
    clock = FakeClock(T0)
    ok(cli, clock, "start", "--context", "Chapter 5", "--task", "bio-1")
    clock.advance(minutes_to_s(10))
    s = status(cli, clock)
    assert s["phase"] == "work" and s["remaining_seconds"] == 15 * 60 and s["context"] == "Chapter 5"
    clock.advance(minutes_to_s(17))  # 27: the work ended at 25, the short break runs
    s = status(cli, clock)
    assert s["phase"] == "short_break" and s["remaining_seconds"] == 3 * 60 and s["cycles"] == 1
    assert s["changes"][0]["ended"] == "work" and s["changes"][0]["next"] == "short_break"
    clock.advance(minutes_to_s(5))  # 32: the break ended at 30; work waits (auto_start_work off)
    s = status(cli, clock)
    assert s["phase"] is None and s["waiting"] == "work" and s["break_minutes"] == 5
    ok(cli, clock, "next")
    for cycle in (2, 3):
        clock.advance(minutes_to_s(25))
        assert status(cli, clock)["phase"] == "short_break"
        clock.advance(minutes_to_s(5))
        assert status(cli, clock)["waiting"] == "work"
        ok(cli, clock, "next")
    clock.advance(minutes_to_s(25))  # the fourth work phase: a long break follows
    s = status(cli, clock)
    assert s["cycles"] == 4 and s["phase"] == "long_break" and s["remaining_seconds"] == 15 * 60
    clock.advance(minutes_to_s(15))
    code, out, err = cli("focus", "stop", "--score", "4", "--notes", "good", "--json", clock=clock)
    assert code == 0, err
    done = json.loads(out)
    assert done["completed"] and done["cycles"] == 4 and done["focus_minutes"] == 100
    assert done["score"] == 4 and done["task_id"] == "bio-1" and done["expected_minutes"] == 25
    assert status(cli, clock) == {"running": False}


def minutes_to_s(m):
    return m * 60


def test_pause_and_resume_count_interruptions_and_stop_the_clock(cli):
    clock = FakeClock(T0)
    ok(cli, clock, "start", "--minutes", "20")
    clock.advance(300)
    ok(cli, clock, "pause")
    clock.advance(3600)  # paused: nothing moves
    s = status(cli, clock)
    assert s["paused"] and s["phase"] == "work" and s["remaining_seconds"] == 15 * 60
    code, _, err = cli("focus", "pause", clock=clock)
    assert code == 2 and "already paused" in err
    ok(cli, clock, "resume")
    clock.advance(60)
    ok(cli, clock, "pause")
    ok(cli, clock, "resume")
    out = ok(cli, clock, "stop", "--json")
    done = json.loads(out)
    assert done["interruptions"] == 2 and done["focus_minutes"] == 6 and not done["completed"]


def test_flowtime_counts_up_and_its_break_is_a_fifth(cli):
    clock = FakeClock(T0)
    ok(cli, clock, "start", "--mode", "flowtime", "--minutes", "30")
    clock.advance(50 * 60)
    s = status(cli, clock)
    assert s["mode"] == "flowtime" and s["remaining_seconds"] is None and s["phase_seconds"] == 3000
    ok(cli, clock, "skip")
    s = status(cli, clock)
    assert s["phase"] == "short_break" and s["remaining_seconds"] == 600 and s["cycles"] == 1
    clock.advance(600)
    done = json.loads(ok(cli, clock, "stop", "--json"))
    assert done["focus_minutes"] == 50 and done["break_minutes"] == 10 and done["completed"]
    assert done["expected_minutes"] == 30


def test_a_countdown_runs_out_and_waits_for_stop(cli):
    clock = FakeClock(T0)
    ok(cli, clock, "start", "--mode", "countdown", "--minutes", "10")
    clock.advance(11 * 60)
    s = status(cli, clock)
    assert s["done"] and s["cycles"] == 1
    assert "the timer ran out" in ok(cli, clock, "status")
    done = json.loads(ok(cli, clock, "stop", "--json"))
    assert done["focus_minutes"] == 10 and done["completed"]


def test_bad_input_is_a_clear_exit_2(cli, data_dir):
    clock = FakeClock(T0)
    # status and profile only read: no database is created for them.
    code, _, err = cli("focus", "status", clock=clock)
    assert code == 2 and not (data_dir / "tracker.sqlite3").exists()
    code, _, err = cli("focus", "stop", clock=clock)
    assert code == 2 and "no focus session is running" in err
    ok(cli, clock, "start")
    code, _, err = cli("focus", "start", clock=clock)
    assert code == 2 and "already running" in err
    code, _, err = cli("focus", "stop", "--score", "6", clock=clock)
    assert code == 2 and "--score must be 1 to 5" in err
    code, _, err = cli("focus", "resume", clock=clock)
    assert code == 2 and "not paused" in err
    code, _, err = cli("focus", "start", "--minutes", "0", clock=clock)
    assert code == 2
    code, _, err = cli("focus", "start", "--task", " ", clock=clock)
    assert code == 2 and "--task" in err
    code, _, err = cli("focus", "stop", "--notes", "x" * 2001, clock=clock)
    assert code == 2 and "--notes" in err
    assert status(cli, clock)["running"]  # the bad calls changed nothing


def test_the_profile_after_sessions_and_the_insight(cli):
    clock = FakeClock(T0)
    code, out, _ = cli("focus", "profile", "--json", clock=clock)
    assert code == 2  # no database yet
    for minutes, score in ((20, 3), (40, 5)):
        ok(cli, clock, "start", "--mode", "flowtime")
        clock.advance(minutes * 60)
        out = ok(cli, clock, "stop", "--score", str(score))
        clock.advance(3600)
    assert "40 min, 100 % longer than your average" in out
    p = json.loads(ok(cli, clock, "profile", "--json"))
    assert p["sessions"] == 2 and p["completed"] == 2 and p["avg_focus_minutes"] == 30
    assert p["avg_score"] == 4 and p["peak_days"] == ["Mon"]
    assert sum(p["focus_minutes_by_hour"].values()) == 60
    assert "2 session(s), 2 completed" in ok(cli, clock, "profile")


def test_the_tracker_recomputes_the_profile_every_five_minutes(data_dir, monkeypatch):
    import msgspec

    from tracker_desktop.app import build_app, build_tracker
    from tracker_desktop.config import Settings

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    app = build_app(msgspec.structs.replace(Settings(), data_dir=data_dir), FakeClock(T0))
    tracker = build_tracker(app, headless=True)
    try:
        job = tracker.scheduler.get_job("focus_profile")
        assert job is not None and job.trigger.interval.total_seconds() == 300
    finally:
        tracker.run_lock.release()
        app.close()
