"""`import` as a real process: re-imports change nothing, bad input is exit 2 with a message and
an unchanged database — never a traceback (issue 7 items 4 and 6)."""

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

T = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def beat(t, app="code", keys=1, **extra):
    return json.dumps({"source": "window", "timestamp": (T + timedelta(seconds=t)).isoformat(),
                       "data": {"app": app, "title": extra.pop("title", "main.py")},
                       "counts": {"keys": keys}, **extra})


def run(data_dir, *args, stdin=None):
    p = subprocess.run([sys.executable, "-m", "tracker_desktop", "--data-dir", str(data_dir), *args],
                       input=stdin, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def events(data_dir):
    code, out, err = run(data_dir, "events", "--json")
    assert code == 0, err
    return json.loads(out)


def test_importing_a_jsonl_file_twice_changes_nothing(cli, data_dir, tmp_path):
    lines = [beat(0), beat(1), beat(3, keys=2), beat(6, "firefox"), beat(7, "firefox"), beat(20),
             json.dumps({"source": "afk", "timestamp": T.isoformat(), "duration": 30,
                         "data": {"status": "not-afk"}})]
    path = tmp_path / "h.jsonl"
    path.write_text("\n".join(lines))
    code, out, err = cli("import", str(path))
    assert code == 0, err
    assert json.loads(out) == {"received": 7, "events": 4}
    first = json.loads(cli("events", "--json")[1])
    code, out, err = cli("import", str(path))
    assert code == 0, err
    assert json.loads(out) == {"received": 7, "events": 0}
    assert json.loads(cli("events", "--json")[1]) == first  # not doubled, counts not added twice
    # A later file repeating the first and going on extends the last event, adding only the new.
    path.write_text("\n".join(lines + [beat(21, keys=5)]))
    code, out, _ = cli("import", str(path))
    assert json.loads(out) == {"received": 8, "events": 1}
    after = json.loads(cli("events", "--json", "--source", "window")[1])
    assert after[-1]["duration"] == 1.0 and after[-1]["counts"] == {"keys": 6}
    assert len(after) == 3


def _aw(*events):
    return json.dumps({"buckets": {"aw-watcher-window_h": {
        "id": "aw-watcher-window_h", "type": "currentwindow", "hostname": "h", "events": list(events)}}})


def aw_event(minute, seconds, app="code"):
    return {"timestamp": (T + timedelta(minutes=minute)).isoformat(), "duration": seconds,
            "data": {"app": app, "title": "x"}}


def test_a_later_activitywatch_export_lengthens_the_events_that_grew(cli, tmp_path):
    path = tmp_path / "aw.json"
    path.write_text(_aw(aw_event(0, 60), aw_event(1, 30, "firefox")))
    assert cli("import", "--format", "activitywatch", str(path))[0] == 0
    # The next export: the last event went on for 5 more minutes, and a new one followed.
    path.write_text(_aw(aw_event(0, 60), aw_event(1, 330, "firefox"), aw_event(7, 10)))
    code, out, err = cli("import", "--format", "activitywatch", str(path))
    assert code == 0, err
    result = json.loads(out)
    assert (result["imported"], result["updated"], result["duplicates"]) == (1, 1, 1)
    stored = json.loads(cli("events", "--json")[1])
    assert [(e["data"]["app"], e["duration"]) for e in stored] == [
        ("code", 60.0), ("firefox", 330.0), ("code", 10.0)]  # no overlapping near-copy


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("bad, message", [
    ('{"source": "window", "timestamp": "2026-01-05T09:00:00Z", "duration": ' + "9" * 5000 + "}",
     "line 2: unreadable number"),
    ('{"source": "window", "timestamp": "2026-01-05T09:00:00Z", "data": ' + DEEP + "}",
     "line 2: nested too deeply"),
    ('{"source": "window", "timestamp": "2026-01-05T09:00:00Z", "data": {"title": "\\ud800"}}',
     "line 2: data['title'] is not valid Unicode"),
    ('{"source": "window", "timestamp": "2026-01-05T09:00:00Z", "counts": {"keys": ' + "1" + "0" * 29 + "}}",
     "line 2: counts['keys'] = 1" + "0" * 29 + " is absurd"),
    ('{"source": "window", "timestamp": "0001-01-01T00:00:00Z"}', "line 2: heartbeat at 0001-01-01"),
    ('{"source": "window", "timestamp": "2999-01-01T00:00:00Z"}', "line 2: timestamp at 2999-01-01"),
    ('{"source": "window", "timestamp": "2026-01-05T09:00:00Z", "duration": 1e12}', "line 2: duration"),
])
def test_bad_jsonl_lines_are_exit_2_with_a_message_and_change_nothing(data_dir, bad, message):
    assert run(data_dir, "import", "-", stdin=beat(0) + "\n")[0] == 0
    before = events(data_dir)
    code, out, err = run(data_dir, "import", "-", stdin=beat(1) + "\n" + bad + "\n" + beat(2) + "\n")
    assert code == 2 and out == "", err
    assert "Traceback" not in err and "1 bad line(s); nothing was imported" in err
    assert message in err
    assert events(data_dir) == before


@pytest.mark.parametrize("fmt, doc, message", [
    ("activitywatch", '{"buckets": {"aw-watcher-window_h": {"type": "currentwindow", "events": [{"timestamp": '
     '"2026-01-05T09:00:00Z", "duration": ' + "9" * 5000 + "}]}}}", "too many digits"),
    ("activitywatch", '{"buckets": {"aw-watcher-window_h": {"type": "currentwindow", "events": ['
     '{"timestamp": "2026-01-05T09:00:00Z", "duration": 1, "data": {"app": ' + DEEP + "}}]}}}",
     "nested too deeply"),
    ("wakatime", '{"days": [{"heartbeats": [{"time": 1767603600, "entity": ' + DEEP + "}]}]}", "nested too deeply"),
    ("wakatime", '[{"time": 1767603600, "entity": "/a.py", "line_additions": ' + "9" * 5000 + "}]",
     "too many digits"),
])
def test_bad_exports_are_exit_2_with_a_message_and_change_nothing(data_dir, tmp_path, fmt, doc, message):
    assert run(data_dir, "import", "-", stdin=beat(0) + "\n")[0] == 0
    before = events(data_dir)
    path = tmp_path / "in.json"
    path.write_text(doc)
    code, out, err = run(data_dir, "import", "--format", fmt, str(path))
    assert code == 2 and out == "" and "Traceback" not in err, err
    assert message in err
    assert events(data_dir) == before


def test_a_lone_surrogate_in_an_export_skips_that_record(cli, tmp_path):
    path = tmp_path / "aw.json"
    path.write_text(_aw({"timestamp": T.isoformat(), "duration": 1, "data": {"app": "a", "title": "\ud800"}},
                        aw_event(1, 1)))
    assert "\\ud800" in path.read_text()
    code, out, err = cli("import", "--format", "activitywatch", str(path))
    assert code == 0, err
    assert json.loads(out)["imported"] == 1 and json.loads(out)["invalid"] == 1
    # A file of nothing else is refused: exit 2, and the message says why.
    path.write_text(_aw({"timestamp": T.isoformat(), "duration": 1, "data": {"app": "a", "title": "\ud800"}}))
    code, out, err = cli("import", "--format", "activitywatch", str(path))
    assert code == 2 and "not valid Unicode" in err


def test_long_titles_are_truncated_with_a_marker(cli, tmp_path):
    code, _, err = cli("import", "-", stdin=beat(0, title="x" * 50_000))
    assert code == 0, err
    (event,) = json.loads(cli("events", "--json")[1])
    assert len(event["data"]["title"]) == 2000 and event["data"]["title"].endswith("…")


def test_what_an_import_writes_never_hides_its_own_later_heartbeats(cli):
    # code [0, 4.25 s], then term, then code at 2 s: ActivityWatch's rule makes a new code event
    # (the last event is term's); it is not "already recorded" by the first one.
    lines = [beat(0, duration=4.25), beat(1, "term"), beat(2)]
    code, out, err = cli("import", "-", stdin="\n".join(lines))
    assert code == 0, err
    assert json.loads(out) == {"received": 3, "events": 3}
    stored = json.loads(cli("events", "--json")[1])
    assert [(e["data"]["app"], e["duration"]) for e in stored] == [("code", 4.25), ("term", 0.0), ("code", 0.0)]
    assert json.loads(cli("import", "-", stdin="\n".join(lines))[1]) == {"received": 3, "events": 0}
