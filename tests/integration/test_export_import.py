"""export --format json|csv and import --format native on real SQLite files: a JSON export
restored into an empty data dir gives identical reports, tables and listings."""

import csv
import io
import json
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from tracker_desktop.cli import main
from tracker_desktop.domain.clock import FakeClock

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)  # a Monday


def heartbeats():
    lines = []
    for day in range(3):
        base = T0 + timedelta(days=day)
        for i in range(40):
            t = base + timedelta(minutes=3 * i)
            app, title = [("code", "main.py"), ("firefox", "Docs"), ("slack", "chat")][i % 3]
            lines.append({"source": "window", "timestamp": t.isoformat(), "duration": 170,
                          "data": {"app": app, "title": title}, "counts": {"keys": i},
                          "device": "laptop" if day == 1 else None})
        lines.append({"source": "afk", "timestamp": base.isoformat(), "duration": 7200,
                      "data": {"status": "not-afk"}})
    return "\n".join(json.dumps({k: v for k, v in line.items() if v is not None})
                     for line in lines) + "\n"


@pytest.fixture
def run_in(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("TZ", "UTC")
    clock = FakeClock(T0 + timedelta(days=3))

    def run(data_dir, *args, code=0, stdin=None):
        out, err = io.StringIO(), io.StringIO()
        if stdin is not None:
            import sys

            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        got = main(["--data-dir", str(data_dir), *args], clock=clock, out=out, err=err)
        assert got == code, (args, out.getvalue(), err.getvalue())
        return out.getvalue() if code == 0 else err.getvalue()

    run.clock = clock
    return run


def fill(run, d):
    run(d, "import", "-", stdin=heartbeats())
    run(d, "task", "add", "Spec", "--estimate", "2", "--tags", "docs", "--project", "Acme",
        "--due", "2026-01-07")
    run(d, "task", "add", "Ünïcode ✓ task")
    run(d, "entry", "add", "--start", "2026-01-05T10:00Z", "--end", "2026-01-05T11:00Z",
        "--task", "1", "--description", "draft")
    run(d, "focus", "start", "--mode", "countdown", "--minutes", "20", "--task", "1")
    run.clock.advance(25 * 60)
    run(d, "focus", "stop", "--score", "4")
    run(d, "timer", "start", "2")
    run.clock.advance(600)
    run(d, "timer", "pause")
    run.clock.advance(60)
    run(d, "log", "Pairing", "--minutes", "5", "--errors", "1", "--template", "meeting")
    run(d, "task", "done", "1")


def views(run, d):
    return [run(d, "report", "--start", "2026-01-05", "--end", "2026-01-08", "--json"),
            run(d, "report", "--date", "2026-01-06", "--device", "laptop", "--json"),
            run(d, "report", "--week", "2026-W02"),
            run(d, "task", "list", "--json"), run(d, "entry", "list", "--json"),
            run(d, "timer", "status", "--json"), run(d, "focus", "profile", "--json"),
            run(d, "events", "--json", "--start", "2026-01-01", "--end", "2026-01-10")]


def test_json_export_restores_exactly_into_an_empty_data_dir(run_in, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    fill(run_in, a)
    out = tmp_path / "dump.json"
    summary = json.loads(run_in(a, "export", "--format", "json", "--out", str(out)))
    assert summary["rows"]["events"] > 100 and summary["rows"]["tasks"] == 2
    doc = json.loads(out.read_text())
    assert doc["format"] == "tracker-desktop-native" and "data_dir" not in doc["settings"]
    assert {e["device"] for e in doc["tables"]["events"]} == {"", "laptop"}
    assert any(e["source"] == "manual" for e in doc["tables"]["events"])
    restored = json.loads(run_in(b, "import", "--format", "native", str(out)))
    assert restored["restored"] == summary["rows"] and restored["settings_differ"] == []
    assert views(run_in, b) == views(run_in, a)
    # The restored database carries on: the paused timer resumes and stops there.
    run_in(b, "timer", "resume")
    assert json.loads(run_in(b, "timer", "stop", "--json"))["seconds"] == 600
    # A second restore is refused and changes nothing.
    before = views(run_in, b)
    assert "empty data dir" in run_in(b, "import", "--format", "native", str(out), code=2)
    assert views(run_in, b) == before


def test_bad_native_files_are_refused_and_nothing_is_written(run_in, tmp_path):
    d = tmp_path / "d"
    bad = tmp_path / "bad.json"
    for text, message in (("{not json", "invalid JSON"),
                          ('{"format": "other"}', "not a tracker-desktop export"),
                          ('{"format": "tracker-desktop-native", "version": 1, "tables": '
                           '{"events": [{"id": 1, "nope": 2}]}}', "unknown column"),
                          ('{"format": "tracker-desktop-native", "version": 1, "tables": '
                           '{"tasks": [{"id": 1, "title": "x"}]}}', "do not fit"),
                          ('{"format": "tracker-desktop-native", "version": 1, "tables": '
                           '{"tasks": [], "nope": []}}', "unknown table"),
                          ('{"format": "tracker-desktop-native", "version": 1, "tables": '
                           '{"events": [{"id": 1, "source": "window", "start_us": "soon", '
                           '"duration_us": 1, "data": "{}", "counts": "{}", "device": ""}]}}',
                           "start_us = 'soon' is not a number"),
                          ('{"format": "tracker-desktop-native", "version": 9, "tables": {}}',
                           "version 9"),
                          ('{"tables": {}, "format": "tracker-desktop-native"}',
                           "not a tracker-desktop export")):
        bad.write_text(text)
        assert message in run_in(d, "import", "--format", "native", str(bad), code=2)
    assert json.loads(run_in(d, "task", "list", "--json")) == []


def test_ranged_exports_and_csv_in_a_folder_and_a_zip(run_in, tmp_path):
    a = tmp_path / "a"
    fill(run_in, a)
    one = json.loads(run_in(a, "export", "--format", "json", "--out", str(tmp_path / "d.json"),
                            "--start", "2026-01-06", "--end", "2026-01-06"))["rows"]
    every = json.loads(run_in(a, "export", "--format", "json", "--out", "-"))
    assert 0 < one["events"] < len(every["tables"]["events"]) and one["time_entries"] == 0
    run_in(a, "export", "--format", "csv", "--out", str(tmp_path / "csv"))
    with open(tmp_path / "csv" / "tasks.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["title"] for r in rows] == ["Spec", "Ünïcode ✓ task"]
    assert rows[0]["created"] == "2026-01-08T09:00:00+00:00" and rows[0]["tags"] == '["docs"]'
    run_in(a, "export", "--format", "csv", "--out", str(tmp_path / "t.zip"))
    with zipfile.ZipFile(tmp_path / "t.zip") as z:
        assert sorted(z.namelist()) == ["events.csv", "focus_profiles.csv", "focus_sessions.csv",
                                        "tasks.csv", "time_entries.csv"]
        events = list(csv.DictReader(io.StringIO(z.read("events.csv").decode())))
    assert len(events) == len(every["tables"]["events"]) and events[0]["start"].endswith("+00:00")
    assert "does not exist" in run_in(a, "export", "--format", "json", "--out",
                                      str(tmp_path / "missing" / "x.json"), code=2)
    assert "is before" in run_in(a, "export", "--format", "json", "--out", str(tmp_path / "x.json"),
                                 "--start", "2026-01-07", "--end", "2026-01-06", code=2)


def test_the_progress_bar_shows_on_a_terminal_only():
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    code = ("import time\nfrom tracker_desktop.commands.export import _bar\n"
            "with _bar(50) as bar:\n    for _ in range(50):\n        bar.update(1); time.sleep(0.02)\n")
    main_fd, sub_fd = pty.openpty()
    fcntl.ioctl(sub_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=sub_fd, stdout=subprocess.DEVNULL)
    os.close(sub_fd)
    seen = b""
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(30)
    os.close(main_fd)
    assert b"exporting:" in seen and b"/50 [" in seen  # tqdm's "exporting:  24%|██  | 12/50 ["
    # Not a terminal: nothing on stderr.
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr == ""
