"""The `tracker-desktop` command end to end on a real database (in-process, plus one real process)."""

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from tracker_desktop.domain.clock import FakeClock

HB = '{{"source": "{src}", "timestamp": "{ts}", "data": {data}{extra}}}'


def line(src="window", t=0, data='{"app": "code", "title": "main.py"}', extra=""):
    ts = (datetime(2026, 1, 5, 9, tzinfo=timezone.utc) + timedelta(seconds=t)).isoformat()
    return HB.format(src=src, ts=ts, data=data, extra=extra)


def test_import_merges_and_events_json_has_the_documented_shape(cli):
    lines = [line(t=0, extra=', "counts": {"keys": 3}'), line(t=1, extra=', "counts": {"keys": 2}'),
             line(t=3), line(t=6, data='{"app": "firefox", "title": "docs"}'),
             line(src="afk", t=0, data='{"status": "not-afk"}', extra=', "duration": 30')]
    code, out, err = cli("import", "-", stdin="\n".join(lines) + "\n")
    assert code == 0, err
    assert json.loads(out) == {"received": 5, "events": 3}
    code, out, _ = cli("events", "--json", "--source", "window")
    events = json.loads(out)
    assert events == [
        {"source": "window", "start": "2026-01-05T09:00:00+00:00", "end": "2026-01-05T09:00:03+00:00",
         "duration": 3.0, "data": {"app": "code", "title": "main.py"}, "counts": {"keys": 5},
         "device": ""},
        {"source": "window", "start": "2026-01-05T09:00:06+00:00", "end": "2026-01-05T09:00:06+00:00",
         "duration": 0.0, "data": {"app": "firefox", "title": "docs"}, "counts": {}, "device": ""},
    ]
    _, out, _ = cli("events", "--json", "--start", "2026-01-05T09:00:04Z", "--end", "2026-01-05T11:00:00+01:00")
    assert [e["data"]["app"] for e in json.loads(out) if e["source"] == "window"] == ["firefox"]
    _, out, _ = cli("events")
    assert "app=firefox" in out and "keys:5" in out


def test_a_bad_file_imports_nothing_and_names_every_bad_line(cli):
    assert cli("import", "-", stdin=line(t=0) + "\n")[0] == 0
    bad = "\n".join([
        line(t=1),
        '{"source": "window", "timestamp": "2026-01-05T09:00:02", "data": {}}',
        "not json",
        line(t=3, extra=', "duration": -1'),
        line(t=4, extra=', "colour": 1'),
        "",
        line(t=5),
    ])
    code, out, err = cli("import", "-", stdin=bad)
    assert code == 2 and out == ""
    assert "4 bad line(s); nothing was imported" in err
    assert "line 2: timestamp '2026-01-05T09:00:02' has no UTC offset" in err
    assert "line 3: not valid JSON" in err
    assert "line 4: duration must not be negative" in err
    assert "line 5: unknown field(s): colour" in err
    events = json.loads(cli("events", "--json")[1])
    assert len(events) == 1 and events[0]["duration"] == 0.0  # untouched by the rejected file


def test_out_of_range_numbers_and_times_are_bad_lines_not_crashes(cli):
    bad = "\n".join([
        line(t=0, extra=', "duration": 1e400'),  # JSON's Infinity
        line(t=0, extra=', "duration": 1e300'),
        line(t=0, extra=', "pulsetime": 1e300'),
        '{"source": "window", "timestamp": "9999-12-31T23:59:59+00:00", "duration": 5}',
        '{"source": "window", "timestamp": "0001-01-01T00:00:00+01:00"}',
        line(t=0),
    ])
    code, out, err = cli("import", "-", stdin=bad)
    assert code == 2 and out == "", err
    assert "5 bad line(s); nothing was imported" in err
    for n in range(1, 6):
        assert f"line {n}: " in err
    assert "line 1: duration must be a finite number" in err
    # The last representable instant still merges without overflowing on the pulsetime.
    edge = "\n".join('{"source": "window", "timestamp": "9999-12-31T23:59:5%d+00:00"}' % s for s in (8, 9))
    code, out, err = cli("import", "-", stdin=edge)
    assert code == 2 and "line 1: " in err and "line 2: " in err


def test_import_continues_the_stored_last_event(cli):
    cli("import", "-", stdin=line(t=0) + "\n" + line(t=1))
    assert json.loads(cli("import", "-", stdin=line(t=2))[1]) == {"received": 1, "events": 1}
    (event,) = json.loads(cli("events", "--json")[1])
    assert event["duration"] == 2.0


def test_missing_file_and_bad_arguments_are_clear_errors(cli, tmp_path):
    code, _, err = cli("import", str(tmp_path / "nope.jsonl"))
    assert code == 2 and "cannot read" in err
    code, _, err = cli("events", "--start", "2026-01-05T09:00:00")
    assert code == 2 and "has no UTC offset" in err
    code, _, err = cli("import", "--format", "nosuch", "-", stdin="")
    assert code == 2 and "unknown format" in err
    (tmp_path / "latin1.jsonl").write_bytes(b'{"source": "w\xe9"}')
    code, _, err = cli("import", str(tmp_path / "latin1.jsonl"))
    assert code == 2 and "not UTF-8" in err


def test_pause_resume_and_status(cli):
    clock = FakeClock(datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
    code, out, _ = cli("pause", "--minutes", "30", clock=clock)
    half_past = datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)
    until = datetime.fromisoformat(json.loads(out)["until"])
    assert code == 0 and until == half_past
    assert until.utcoffset() == half_past.astimezone().utcoffset()  # written in local time
    status = json.loads(cli("status", "--json", clock=clock)[1])
    assert status["paused"] is True and status["running"] is False
    assert datetime.fromisoformat(status["pause_until"]) == half_past
    status = json.loads(cli("status", "--json", clock=clock.advance(1800))[1])
    assert status["paused"] is False  # expired by itself
    cli("pause", clock=clock)
    assert json.loads(cli("status", "--json", clock=clock)[1])["paused"] is True
    cli("resume", clock=clock)
    assert json.loads(cli("status", "--json", clock=clock)[1])["paused"] is False


def test_status_counts_todays_active_time_without_afk(cli):
    # 12:30 UTC: it and the ten minutes before it are on one local day in every zone.
    now = datetime(2026, 1, 5, 12, 30, tzinfo=timezone.utc)
    start = now - timedelta(minutes=10)
    beats = []
    for i in range(0, 301):  # five minutes of window time
        beats.append(json.dumps({"source": "window", "timestamp": (start + timedelta(seconds=i)).isoformat(),
                                 "data": {"app": "code", "title": "x"}}))
    beats.append(json.dumps({"source": "afk", "timestamp": (start + timedelta(seconds=60)).isoformat(),
                             "duration": 120, "data": {"status": "afk"}}))
    cli("import", "-", stdin="\n".join(beats))
    status = json.loads(cli("status", "--json", clock=FakeClock(now))[1])
    assert status["today"]["active_seconds"] == 180.0


def test_invalid_config_file_is_reported_with_its_problems(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[tracking]\nafk_timout = 5\npoll_seconds = -1\n')
    code, _, err = cli("--config", str(bad), "status")
    assert code == 2
    assert "tracking.afk_timout: unknown setting" in err and "tracking.poll_seconds" in err
    code, _, err = cli("--config", str(tmp_path / "missing.toml"), "status")
    assert code == 2 and "config file not found" in err


def test_run_without_a_display_says_so_and_offers_headless(cli, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    code, _, err = cli("run")
    assert code == 2 and "no display found" in err and "tracker-desktop run --headless" in err


@pytest.mark.parametrize("verb", ["run", "import", "events", "status", "pause", "resume", "config"])
def test_every_verb_has_help(verb):
    out = subprocess.run([sys.executable, "-m", "tracker_desktop", verb, "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith("usage: tracker-desktop " + verb)


def test_imported_heartbeats_show_up_in_a_report_already_rolled_up(cli):
    """An import that extends a day whose rollup exists must make the report current."""
    day = "2026-01-05"
    beats = [json.dumps({"source": "window", "timestamp": f"{day}T12:00:{s:02d}+00:00",
                         "data": {"app": "code", "title": "x"}}) for s in range(0, 31)]
    assert cli("import", "-", stdin="\n".join(beats[:11]))[0] == 0
    first = json.loads(cli("report", "--date", day, "--json")[1])
    assert cli("import", "-", stdin="\n".join(beats[10:]))[0] == 0  # extends the stored event
    second = json.loads(cli("report", "--date", day, "--json")[1])
    assert second["active_seconds"] == first["active_seconds"] + 20


@pytest.mark.timeout(60)
def test_a_second_tracker_on_the_same_database_refuses_to_start(cli, data_dir, monkeypatch):
    """Two trackers on one file would record every window and keystroke twice."""
    import os
    import signal
    import time

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    first = subprocess.Popen([sys.executable, "-m", "tracker_desktop", "--data-dir", str(data_dir),
                              "run", "--headless"], env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:  # status exits 2 until the first tracker has created the database
            code, out, _ = cli("status", "--json")
            if code == 0 and json.loads(out)["running"]:
                break
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        code, _, err = cli("run", "--headless")
        assert code == 2
        assert f"already recording into {data_dir / 'tracker.sqlite3'} (pid {first.pid})" in err
        assert first.poll() is None
    finally:
        first.send_signal(signal.SIGTERM)
        assert first.wait(30) == 0


@pytest.mark.timeout(60)
def test_the_tracker_starts_and_stops_under_a_posix_tz_rule(tmp_path):
    """TZ may be a POSIX rule rather than a zoneinfo name (tzlocal, which APScheduler asks for
    its default zone, refuses those): the tracker starts, reports today in that zone, stops."""
    import os
    import signal
    import time

    data, home = tmp_path / "data", tmp_path / "home"
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "TRACKER_DATA_DIR", "TRACKER_CONFIG")}
    env.update(TZ="TST-14",  # UTC+14, no zoneinfo name
               HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               TRACKER_LOG_DIR=str(home / "logs"))

    def tracker_cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tracker_desktop", "--data-dir", str(data),
                               *args], env=env, capture_output=True, text=True, timeout=20)

    tracker = subprocess.Popen([sys.executable, "-m", "tracker_desktop", "--data-dir", str(data),
                                "run", "--headless"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            before = datetime.now(timezone(timedelta(hours=14))).date().isoformat()
            status = tracker_cli("status", "--json")
            if status.returncode == 0 and json.loads(status.stdout)["running"]:
                break
            assert tracker.poll() is None, tracker.communicate()[1]
            assert time.monotonic() < deadline
            time.sleep(0.2)
        after = datetime.now(timezone(timedelta(hours=14))).date().isoformat()
        assert json.loads(status.stdout)["today"]["date"] in (before, after)
    finally:
        tracker.send_signal(signal.SIGTERM)
        try:
            _, err = tracker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            tracker.kill()
            _, err = tracker.communicate()
            pytest.fail(f"the tracker did not stop on SIGTERM: {err}")
    assert tracker.returncode == 0, err
    assert "Traceback" not in err


def test_dates_at_the_ends_of_the_calendar_are_a_clear_error(cli, monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    import time as _time

    _time.tzset()
    try:
        code, _, err = cli("events", "--start", "0001-01-01")
        assert code == 2 and "out of range" in err
    finally:
        monkeypatch.undo()
        _time.tzset()


def test_a_change_just_before_midnight_refreshes_the_next_days_rollup(cli, monkeypatch):
    """Gap filling reaches across midnight, so the next day's stored rollup must be redone."""
    monkeypatch.setenv("TZ", "UTC")
    import time as _time

    _time.tzset()
    try:
        def beats(start, seconds, app):
            return "\n".join(json.dumps({"source": "window", "timestamp": (start + timedelta(seconds=s)).isoformat(),
                                         "data": {"app": app, "title": "x"}}) for s in range(seconds + 1))

        midnight = datetime(2026, 1, 6, tzinfo=timezone.utc)
        assert cli("import", "-", stdin=beats(midnight + timedelta(seconds=3), 60, "code"))[0] == 0
        before = json.loads(cli("report", "--date", "2026-01-06", "--json")[1])  # now rolled up
        assert cli("import", "-", stdin=beats(midnight - timedelta(seconds=30), 29, "code"))[0] == 0
        after = json.loads(cli("report", "--date", "2026-01-06", "--json")[1])
        assert cli("rebuild")[0] == 0
        truth = json.loads(cli("report", "--date", "2026-01-06", "--json")[1])
        assert truth["active_seconds"] != before["active_seconds"]  # the gap fill did reach over
        assert after["active_seconds"] == truth["active_seconds"]
    finally:
        monkeypatch.undo()
        _time.tzset()


def _distinct_heartbeats(n: int) -> str:
    # A different title each, so none merge: n stored events, one a second.
    return "\n".join(line(t=i, data=json.dumps({"app": "code", "title": f"t{i}"})) for i in range(n))


def test_events_gives_the_latest_by_default_and_says_when_it_left_some_out(cli):
    from tracker_desktop.commands.events import DEFAULT_LAST

    assert cli("import", "-", stdin=_distinct_heartbeats(DEFAULT_LAST + 5))[0] == 0
    code, out, err = cli("events", "--jsonl")
    titles = [json.loads(row)["data"]["title"] for row in out.splitlines()]
    assert code == 0 and titles == [f"t{i}" for i in range(5, DEFAULT_LAST + 5)]  # oldest first
    assert f"showing the latest {DEFAULT_LAST} events; there are more" in err
    for flag in ("--limit", "--last"):
        code, out, err = cli("events", "--json", flag, "3")
        assert [e["data"]["title"] for e in json.loads(out)] == [f"t{i}" for i in range(DEFAULT_LAST + 2, DEFAULT_LAST + 5)]
        assert err == ""
    code, out, _ = cli("events", "--json", "--first", "2")
    assert [e["data"]["title"] for e in json.loads(out)] == ["t0", "t1"]
    code, out, err = cli("events", "--jsonl", "--all")
    assert len(out.splitlines()) == DEFAULT_LAST + 5 and err == ""
    # A range is what was asked for: all of it, no note.
    code, out, err = cli("events", "--jsonl", "--start", "2026-01-05T09:00:00Z", "--end", "2026-01-05T10:00:00Z")
    assert len(out.splitlines()) == DEFAULT_LAST + 5 and err == ""
    with pytest.raises(SystemExit) as exited:  # argparse's own usage error
        cli("events", "--last", "3", "--first", "2")
    assert exited.value.code == 2


def test_events_json_is_written_as_it_is_read(cli, data_dir):
    """Each event reaches the output on its own write, never one string built from all of them."""
    import io

    from tracker_desktop.cli import main

    assert cli("import", "-", stdin=_distinct_heartbeats(50))[0] == 0

    class Recording(io.StringIO):
        writes: list[str] = []

        def write(self, s: str) -> int:
            self.writes.append(s)
            return super().write(s)

    out = Recording()
    assert main(["--data-dir", str(data_dir), "events", "--json", "--all"], out=out, err=io.StringIO()) == 0
    assert len(json.loads(out.getvalue())) == 50
    assert len(out.writes) >= 50 and max(len(w) for w in out.writes) < 200
