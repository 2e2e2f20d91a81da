"""`import --format activitywatch|wakatime` end to end: a real aw-server export and a WakaTime
heartbeats dump go into the store, and the report shows them."""

import json
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tracker_desktop.domain.clock import FakeClock

ROOT = Path(__file__).resolve().parents[2]
AW_PYTHON = ROOT / ".venv-aw" / "bin" / "python"
AW_EXPORT = Path(__file__).with_name("aw_export.py")
T = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
NOW = datetime(2026, 1, 10, tzinfo=timezone.utc)


def rows():
    def row(bucket, kind, minute, minutes, **data):
        return {"bucket": bucket, "type": kind, "timestamp": (T + timedelta(minutes=minute)).isoformat(),
                "duration": minutes * 60.0, "data": data}

    w, a = "aw-watcher-window_host", "aw-watcher-afk_host"
    web, vs = "aw-watcher-web-chrome_host", "aw-watcher-vscode_host"
    return [
        row(w, "currentwindow", 0, 60, app="Code", title="main.py - tracker - Visual Studio Code"),
        row(w, "currentwindow", 60, 30, app="Google-chrome", title="YouTube - Google Chrome"),
        row(w, "currentwindow", 90, 30, app="Slack", title="Slack | general"),
        row(a, "afkstatus", 0, 110, status="not-afk"),
        row(a, "afkstatus", 110, 10, status="afk"),
        row(web, "web.tab.current", 60, 30, url="https://www.youtube.com/watch?v=1", title="YouTube",
            audible=True, incognito=False, tabCount=3),
        row(vs, "app.editor.activity", 0, 45, project="/home/me/tracker", language="python",
            file="/home/me/tracker/main.py"),
    ]


@pytest.fixture
def aw_export(tmp_path):
    if not AW_PYTHON.exists():
        pytest.skip(".venv-aw (aw-server) is not installed; scripts/setup.sh creates it")
    stdin = "\n".join(json.dumps(r) for r in rows())
    out = subprocess.run([str(AW_PYTHON), str(AW_EXPORT)], input=stdin, capture_output=True, text=True,
                         check=True, timeout=120).stdout
    path = tmp_path / "aw-buckets-export.json"
    path.write_text(out)
    return path


def test_activitywatch_export_from_a_real_aw_server(cli, aw_export, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    code, out, err = cli("import", "--format", "activitywatch", str(aw_export))
    assert code == 0, err
    result = json.loads(out)
    assert result["imported"] == 7 and result["duplicates"] == 0 and result["invalid"] == 0
    assert result["sources"] == {"window": 3, "afk": 2, "browser": 1, "editor": 1}

    code, out, _ = cli("report", "--date", "2026-01-05", "--json", clock=FakeClock(NOW))
    r = json.loads(out)
    assert r["active_seconds"] == 110 * 60  # the last 10 minutes were AFK
    cats = {c["name"]: c["seconds"] for c in r["categories"]}
    assert cats == {"Work > Programming": 3600.0, "Media > Video": 1800.0, "Comms > Chat": 1200.0}
    assert {p["name"] for p in r["projects"]} == {"/home/me/tracker"}
    assert r["domains"] == [{"name": "youtube.com", "seconds": 1800.0}]

    # Importing the same export again adds nothing.
    code, out, _ = cli("import", "--format", "activitywatch", str(aw_export))
    again = json.loads(out)
    assert again["imported"] == 0 and again["duplicates"] == 7


def test_wakatime_heartbeats_dump(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    beats = []
    for i in range(0, 61):  # a heartbeat every 2 minutes for 2 hours: 120 min of Python
        beats.append({"time": T.timestamp() + i * 120, "entity": "/src/api/app.py", "type": "file",
                      "category": "coding", "project": "api", "language": "Python", "is_write": i % 10 == 0,
                      "line_additions": 1 if i % 10 == 0 else None,
                      "user_agent": "wakatime/v1.90.0 (linux) go1.21.5 vscode/1.85.1 vscode-wakatime/24.4.0"})
    beats.append({"time": T.timestamp() + 7200 + 30 * 60, "entity": "/src/web/ui.ts", "type": "file",
                  "project": "web", "language": "TypeScript"})
    dump = tmp_path / "wakatime.json"
    dump.write_text(json.dumps({"user": {"username": "me"}, "range": {},
                                "days": [{"date": "2026-01-05", "heartbeats": beats}]}))
    code, out, err = cli("import", "--format", "wakatime", str(dump))
    assert code == 0, err
    assert json.loads(out)["sources"] == {"editor": 2}  # the run of app.py, then ui.ts
    code, out, _ = cli("report", "--date", "2026-01-05", "--json", clock=FakeClock(NOW))
    r = json.loads(out)
    # 120 min of heartbeats 2 min apart; the 30 min of silence after them is longer than the
    # 15 min timeout, so neither it nor the lone last heartbeat adds time.
    assert r["active_seconds"] == 7200.0
    assert r["projects"] == [{"name": "api", "seconds": 7200.0}]
    assert r["languages"] == [{"name": "Python", "seconds": 7200.0}]
    assert [(a["name"], a["seconds"]) for a in r["apps"]] == [("vscode", 7200.0)]
    assert r["editor"] == {"lines_added": 7}
    assert r["productivity_score"] == 100.0


@pytest.mark.parametrize("fmt, content, message", [
    ("wakatime", '{"days": [{"date": "2026-01-05", "grand_total": {}}]}', "daily-summaries"),
    ("activitywatch", "not json", "invalid JSON"),
    ("activitywatch", '{"hello": 1}', "ActivityWatch"),
])
def test_wrong_files_exit_2_with_a_message(cli, tmp_path, fmt, content, message):
    path = tmp_path / "in.json"
    path.write_text(content)
    code, out, err = cli("import", "--format", fmt, str(path))
    assert code == 2 and out == "" and message in err


def test_unknown_format_lists_the_known_ones(cli, tmp_path):
    path = tmp_path / "in.json"
    path.write_text("{}")
    code, _, err = cli("import", "--format", "rescuetime", str(path))
    assert code == 2 and "activitywatch" in err and "wakatime" in err


def _aw(*events):
    return json.dumps({"buckets": {"aw-watcher-window_h": {"type": "currentwindow", "events": list(events)}}})


GOOD_AW = {"timestamp": "2026-01-05T09:00:00+00:00", "duration": 60, "data": {"app": "code", "title": "x"}}


@pytest.mark.parametrize("fmt, bad", [
    # Each of these raised OverflowError (exit 1 and a traceback) instead of being skipped.
    ("activitywatch", {"timestamp": "2026-01-05T09:00:00Z", "duration": 1e300, "data": {"app": "a"}}),
    ("activitywatch", {"timestamp": "2026-01-05T09:00:00Z", "duration": float("inf"), "data": {"app": "a"}}),
    ("activitywatch", {"timestamp": "9999-12-31T23:59:00Z", "duration": 3600, "data": {"app": "a"}}),
    ("activitywatch", {"timestamp": "0001-01-01T00:00:00+01:00", "duration": 1, "data": {"app": "a"}}),
    ("wakatime", {"time": 1e300, "entity": "/a.py"}),
    ("wakatime", {"time": float("inf"), "entity": "/a.py"}),
])
def test_out_of_range_records_are_skipped_and_a_file_of_only_those_is_refused(cli, tmp_path, fmt, bad):
    path = tmp_path / "in.json"
    good = GOOD_AW if fmt == "activitywatch" else {"time": T.timestamp(), "entity": "/a.py"}
    wrap = _aw if fmt == "activitywatch" else (lambda *hbs: json.dumps({"days": [{"heartbeats": list(hbs)}]}))
    path.write_text(wrap(bad, good))
    code, out, err = cli("import", "--format", fmt, str(path))
    assert code == 0, err
    assert json.loads(out)["imported"] == 1 and json.loads(out)["invalid"] == 1

    # A file in which no record can be read is bad input: exit 2, a message, nothing stored.
    path.write_text(wrap(bad))
    code, out, err = cli("import", "--format", fmt, str(path))
    assert code == 2 and out == "" and "no " + fmt + " record could be read: 1 malformed" in err
    code, out, _ = cli("events", "--json")
    assert len(json.loads(out)) == 1  # still only the good record of the first import
