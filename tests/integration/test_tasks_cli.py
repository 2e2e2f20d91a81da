"""task / timer / entry / log through the CLI on a fresh data dir, the clock injected. Every bad
input exits 2 with a one-line message and leaves the database as it was."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from tracker_desktop.domain.clock import FakeClock

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)  # a Monday


@pytest.fixture
def run(cli):
    clock = FakeClock(T0)

    def call(*args, code=0):
        got, out, err = cli(*args, clock=clock)
        assert got == code, (args, out, err)
        return out if code == 0 else err

    call.clock = clock
    return call


def snapshot(run):
    return (run("task", "list", "--json"), run("task", "list", "--status", "archived", "--json"),
            run("entry", "list", "--json"), run("timer", "status", "--json"))


def test_tasks_add_list_filter_edit_done_archive_delete(run):
    a = int(run("task", "add", "Write the report", "--priority", "high", "--due", "2026-01-09",
                "--estimate", "2.5", "--tags", "Docs,writing", "--project", "Acme"))
    b = int(run("task", "add", "Fix the login bug", "--tags", "bug", "--project", "Acme",
                "--description", "users see a 500"))
    c = int(run("task", "add", "Read a book"))
    assert (a, b, c) == (1, 2, 3)
    tasks = json.loads(run("task", "list", "--json"))
    assert [t["title"] for t in tasks] == ["Write the report", "Fix the login bug", "Read a book"]
    assert tasks[0]["tags"] == ["docs", "writing"] and tasks[0]["estimate_hours"] == 2.5
    assert tasks[0]["due"] == "2026-01-09" and tasks[0]["priority"] == "high"
    assert [t["id"] for t in json.loads(run("task", "list", "--project", "acme", "--json"))] == [1, 2]
    assert [t["id"] for t in json.loads(run("task", "list", "--tag", "bug", "--json"))] == [2]
    assert [t["id"] for t in json.loads(run("task", "list", "--search", "500", "--json"))] == [2]
    assert [t["id"] for t in json.loads(run("task", "list", "--priority", "high", "--json"))] == [1]
    run("task", "edit", str(b), "--title", "Fix login", "--due", "", "--status", "in_progress")
    got = json.loads(run("task", "show", str(b)))
    assert got["title"] == "Fix login" and got["status"] == "in_progress" and got["due"] is None
    run.clock.advance(3600)
    run("task", "done", str(a))
    done = json.loads(run("task", "show", str(a)))
    completed, ten = datetime.fromisoformat(done["completed"]), datetime(2026, 1, 5, 10, tzinfo=timezone.utc)
    assert done["status"] == "done" and completed == ten
    assert completed.utcoffset() == ten.astimezone().utcoffset()  # written in local time
    run("task", "archive", str(c))
    assert [t["id"] for t in json.loads(run("task", "list", "--json"))] == [1, 2]
    assert [t["id"] for t in json.loads(run("task", "list", "--status", "archived", "--json"))] == [3]
    assert "deleted" in run("task", "delete", str(c))
    assert json.loads(run("task", "list", "--status", "archived", "--json")) == []


@pytest.mark.parametrize("args, message", [
    (("task", "add", "   "), "title must not be blank"),
    (("task", "add", "x" * 201), "longer than 200"),
    (("task", "add", "t", "--estimate", "-1"), "estimate"),
    (("task", "add", "t", "--due", "next week"), "not a date"),
    (("task", "edit", "99", "--title", "x"), "no task with id 99"),
    (("task", "edit", "1"), "nothing to change"),
    (("task", "done", "99"), "no task with id 99"),
    (("task", "delete", "99"), "no task with id 99"),
    (("timer", "start", "99"), "no task with id 99"),
    (("timer", "start"), "needs a task id or a --description"),
    (("timer", "pause"), "no timer is running"),
    (("timer", "stop"), "no timer is running"),
    (("entry", "add", "--start", "2026-01-05T08:00Z", "--end", "2026-01-05T07:00Z"),
     "is not after the start"),
    (("entry", "add", "--start", "2026-01-05T08:00Z", "--end", "2026-01-05T10:00Z"),
     "in the future"),
    (("entry", "add", "--start", "2026-01-05T08:00", "--end", "2026-01-05T08:30Z"), "no UTC offset"),
    (("entry", "add", "--start", "2026-01-05T08:00Z", "--end", "2026-01-05T08:30Z", "--task", "7"),
     "no task with id 7"),
    (("entry", "edit", "42", "--description", "x"), "no time entry with id 42"),
    (("entry", "delete", "42"), "no time entry with id 42"),
    (("log", "x", "--minutes", "0"), "--minutes"),
    (("log", "x", "--minutes", "10", "--errors", "-1"), "--errors"),
    (("log", "x", "--minutes", "10", "--task", "5"), "no task with id 5"),
])
def test_bad_input_exits_2_and_changes_nothing(run, args, message):
    run("task", "add", "Existing", "--estimate", "1")
    run("entry", "add", "--start", "2026-01-05T07:00Z", "--end", "2026-01-05T07:30Z", "--task", "1")
    before = snapshot(run)
    err = run(*args, code=2)
    assert message in err and err.count("\n") == 1
    assert snapshot(run) == before


def test_timer_pauses_are_excluded_and_only_one_runs(run):
    t = run("task", "add", "Focus work")
    run("timer", "start", t.strip())
    assert json.loads(run("task", "show", "1"))["status"] == "in_progress"
    run.clock.advance(600)
    run("timer", "pause")
    run.clock.advance(300)
    s = json.loads(run("timer", "status", "--json"))
    assert s["paused"] and s["seconds"] == 600 and s["paused_seconds"] == 300
    before = snapshot(run)
    assert "already running" in run("timer", "start", "--description", "other", code=2)
    assert "already paused" in run("timer", "pause", code=2)
    assert snapshot(run) == before
    run("timer", "resume")
    run.clock.advance(900)
    stopped = json.loads(run("timer", "stop", "--json"))
    assert stopped["seconds"] == 1500 and stopped["paused_seconds"] == 300 and not stopped["running"]
    assert json.loads(run("timer", "status", "--json")) == {"running": False}
    # A timer stopped while paused ends where it was paused.
    run("timer", "start", "--description", "call")
    run.clock.advance(60)
    run("timer", "pause")
    run.clock.advance(600)
    assert json.loads(run("timer", "stop", "--json"))["seconds"] == 60


def test_entries_overlap_rules_edit_and_delete(run):
    run("task", "add", "A")
    e1 = run("entry", "add", "--start", "2026-01-05T06:00Z", "--end", "2026-01-05T07:00Z",
             "--task", "1", "--description", "morning").strip()
    assert "overlaps time entry 1" in run("entry", "add", "--start", "2026-01-05T06:30Z",
                                          "--end", "2026-01-05T07:30Z", code=2)
    e2 = run("entry", "add", "--start", "2026-01-05T06:30Z", "--end", "2026-01-05T07:30Z",
             "--allow-overlap").strip()
    # Touching is not overlapping.
    run("entry", "add", "--start", "2026-01-05T07:30Z", "--end", "2026-01-05T08:00Z")
    assert "overlaps" in run("entry", "edit", e1, "--end", "2026-01-05T07:45Z", code=2)
    assert "overlaps time entry 1" in run("entry", "edit", e2, "--end", "2026-01-05T07:15Z",
                                          code=2)
    run("entry", "edit", e2, "--start", "2026-01-05T07:00Z", "--end", "2026-01-05T07:15Z",
        "--description", "fixed", "--no-task")
    entries = json.loads(run("entry", "list", "--json"))
    assert [(e["id"], e["seconds"]) for e in entries] == [(1, 3600), (2, 900), (3, 1800)]
    assert entries[1]["description"] == "fixed"
    # An entry overlapping the running timer is refused too.
    run("timer", "start", "1")
    run.clock.advance(600)
    assert "overlaps time entry 4" in run("entry", "add", "--start", "2026-01-05T09:05Z",
                                          "--end", "2026-01-05T09:08Z", code=2)
    run("entry", "delete", e2)
    assert [e["id"] for e in json.loads(run("entry", "list", "--json"))] == [1, 3, 4]
    # Deleting a task keeps its entries, without a task; the running timer's task cannot go.
    assert "running timer" in run("task", "delete", "1", code=2)
    run("timer", "stop")
    run("task", "delete", "1")
    assert {e["task_id"] for e in json.loads(run("entry", "list", "--json"))} == {None}


def test_log_counts_in_the_report_as_its_own_source(run):
    run.clock.advance(3600)  # 10:00
    run("log", "Fixed the parser", "--minutes", "45", "--errors", "3", "--context", "flaky CI",
        "--template", "debugging")
    run.clock.advance(15 * 60)
    run("log", "--template", "meeting", "--minutes", "15")
    report = json.loads(run("report", "--date", "2026-01-05", "--json"))
    assert report["active_seconds"] == 3600  # manual entries count as active time
    log = report["tasks"]["manual_log"]
    assert log["entries"] == 2 and log["seconds"] == 3600 and log["errors"] == 3
    assert log["titles"][0] == {"name": "Fixed the parser", "seconds": 2700}
    assert {t["name"] for t in log["templates"]} == {"debugging", "meeting"}
    # A template's entry counts under its category.
    assert {c["name"]: c["seconds"] for c in report["categories"]} == {
        "Work > Programming": 2700, "Comms > Meetings": 900}
    text = run("report", "--date", "2026-01-05")
    assert "Manual log" in text and "Fixed the parser" in text


def test_task_analytics_in_the_report(run):
    run("task", "add", "Spec", "--estimate", "1", "--due", "2026-01-05", "--project", "Acme",
        "--tags", "docs")
    run("task", "add", "Build", "--estimate", "2", "--due", "2026-01-04", "--project", "Acme")
    run("entry", "add", "--start", "2026-01-05T06:00Z", "--end", "2026-01-05T07:30Z", "--task", "1")
    run("entry", "add", "--start", "2026-01-05T07:30Z", "--end", "2026-01-05T08:30Z", "--task", "2")
    # A focus session on task 2 counts as time on it.
    run("focus", "start", "--mode", "countdown", "--minutes", "30", "--task", "2")
    run.clock.advance(30 * 60)
    run("focus", "stop")
    run("task", "done", "1")
    run("task", "done", "2")
    tasks = json.loads(run("report", "--date", "2026-01-05", "--json"))["tasks"]
    assert tasks["tasks"] == [{"id": 1, "title": "Spec", "seconds": 5400},
                              {"id": 2, "title": "Build", "seconds": 5400}]
    assert tasks["projects"] == [{"name": "Acme", "seconds": 10800}]
    assert tasks["tags"] == [{"name": "docs", "seconds": 5400}]
    assert [(e["id"], e["pct"]) for e in tasks["estimates"]] == [(1, 50.0), (2, -25.0)]
    assert tasks["estimation_pct"] == 0.0
    assert (tasks["done_on_time"], tasks["done_late"]) == (1, 1)
    assert tasks["done_per_week"] == {"2026-W02": 2}
    assert tasks["avg_completion_hours"] == 0.5
    text = run("report", "--date", "2026-01-05")
    assert "Tasks" in text and "Spec" in text and "+50%" in text
