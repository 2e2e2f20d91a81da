"""Several machines (issue 7 item 5): a real aw-server export from two hosts, a laptop and a
desktop, goes in with each event on its bucket's host; AFK on the desktop never hides the
laptop's hour, `report --device` narrows to one host, an unsupported bucket is listed, and
heartbeats of two devices never merge."""

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


def row(host, watcher, kind, minute, minutes, **data):
    return {"bucket": f"{watcher}_{host}", "type": kind, "hostname": host, "client": watcher,
            "timestamp": (T + timedelta(minutes=minute)).isoformat(), "duration": minutes * 60.0,
            "data": data}


def two_hosts():
    """The hour 09:00-10:00: the laptop codes, not AFK; the desktop shows a browser but is AFK
    all along (its person is at the laptop). The desktop also has an aw-watcher-input bucket."""
    return [
        row("laptop", "aw-watcher-window", "currentwindow", 0, 60, app="code", title="main.py - code"),
        row("laptop", "aw-watcher-afk", "afkstatus", 0, 60, status="not-afk"),
        row("desktop", "aw-watcher-window", "currentwindow", 0, 60, app="firefox", title="news"),
        row("desktop", "aw-watcher-afk", "afkstatus", 0, 60, status="afk"),
        row("desktop", "aw-watcher-input", "os.hid.input", 0, 1, presses=3, clicks=0, deltaX=0,
            deltaY=0, scrollX=0, scrollY=0),
        row("desktop", "aw-watcher-input", "os.hid.input", 1, 1, presses=5, clicks=1, deltaX=0,
            deltaY=0, scrollX=0, scrollY=0),
    ]


def export(tmp_path, rows):
    if not AW_PYTHON.exists():
        pytest.skip(".venv-aw (aw-server) is not installed; scripts/setup.sh creates it")
    stdin = "\n".join(json.dumps(r) for r in rows)
    out = subprocess.run([str(AW_PYTHON), str(AW_EXPORT)], input=stdin, capture_output=True,
                         text=True, check=True, timeout=120).stdout
    path = tmp_path / "aw-buckets-export.json"
    path.write_text(out)
    return path


def report(cli, *args):
    code, out, err = cli("report", "--date", "2026-01-05", "--json", *args, clock=FakeClock(NOW))
    assert code == 0, err
    return json.loads(out)


def test_two_hosts_from_a_real_aw_server(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    path = export(tmp_path, two_hosts())
    code, out, err = cli("import", "--format", "activitywatch", str(path))
    assert code == 0, err
    result = json.loads(out)
    assert result["imported"] == 4 and result["devices"] == {"laptop": 2, "desktop": 2}
    assert result["unsupported"] == [{"bucket": "aw-watcher-input_desktop", "type": "os.hid.input",
                                      "hostname": "desktop", "events": 2}]

    code, out, _ = cli("events", "--json", "--source", "window")
    assert sorted((e["device"], e["data"]["app"]) for e in json.loads(out)) == [
        ("desktop", "firefox"), ("laptop", "code")]

    # The desktop's AFK hides only the desktop's window: the laptop's hour counts.
    r = report(cli)
    assert r["active_seconds"] == 3600 and r["device"] is None
    assert [a["name"] for a in r["apps"]] == ["code"]

    laptop = report(cli, "--device", "laptop")
    assert laptop["device"] == "laptop" and laptop["active_seconds"] == 3600
    assert [a["name"] for a in laptop["apps"]] == ["code"]
    desktop = report(cli, "--device", "desktop")
    assert desktop["active_seconds"] == 0 and desktop["apps"] == []
    assert report(cli, "--device", "elsewhere")["active_seconds"] == 0
    # The all-devices view is what rollups hold; a --device report stored nothing over it.
    assert report(cli)["active_seconds"] == 3600

    code, out, _ = cli("report", "--date", "2026-01-05", "--device", "laptop", clock=FakeClock(NOW))
    assert code == 0 and "device laptop" in out.splitlines()[0]

    # Re-importing stays idempotent: the device is part of an event's identity.
    code, out, _ = cli("import", "--format", "activitywatch", str(path))
    again = json.loads(out)
    assert again["imported"] == 0 and again["duplicates"] == 4


def test_time_active_on_two_hosts_at_once_counts_once(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    rows = [
        # laptop 09:00-10:00, desktop 09:30-10:30, both not AFK: 90 minutes of wall time.
        row("laptop", "aw-watcher-window", "currentwindow", 0, 60, app="code", title="a.py"),
        row("laptop", "aw-watcher-afk", "afkstatus", 0, 60, status="not-afk"),
        row("desktop", "aw-watcher-window", "currentwindow", 30, 60, app="slack", title="general"),
        row("desktop", "aw-watcher-afk", "afkstatus", 30, 60, status="not-afk"),
    ]
    code, _, err = cli("import", "--format", "activitywatch", str(export(tmp_path, rows)))
    assert code == 0, err
    r = report(cli)
    assert r["active_seconds"] == 90 * 60
    # From 09:30 the desktop, the device turned to last, has the time.
    assert {a["name"]: a["seconds"] for a in r["apps"]} == {"code": 1800.0, "slack": 3600.0}
    assert report(cli, "--device", "laptop")["active_seconds"] == 3600
    assert report(cli, "--device", "desktop")["active_seconds"] == 3600


def line(t, device=None, app="code"):
    obj = {"source": "window", "timestamp": (T + timedelta(seconds=t)).isoformat(), "duration": 0,
           "data": {"app": app, "title": "x"}}
    if device is not None:
        obj["device"] = device
    return json.dumps(obj)


def test_jsonl_lines_carry_a_device_and_two_devices_never_merge(cli):
    # Same data, one second apart: one device's heartbeats merge, another's never join them.
    lines = [line(0, "laptop"), line(1, "laptop"), line(1, "desktop"), line(2, "desktop"), line(3)]
    code, out, err = cli("import", "-", stdin="\n".join(lines) + "\n")
    assert code == 0, err
    assert json.loads(out) == {"received": 5, "events": 3}
    code, out, _ = cli("events", "--json")
    got = sorted((e["device"], e["start"][11:19], e["duration"]) for e in json.loads(out))
    assert got == [("", "09:00:03", 0.0), ("desktop", "09:00:01", 1.0), ("laptop", "09:00:00", 1.0)]
    # Idempotent, devices included.
    code, out, _ = cli("import", "-", stdin="\n".join(lines) + "\n")
    assert json.loads(out)["events"] == 0


@pytest.mark.parametrize("device, message", [
    (3, "device must be a string"),
    ("x" * 65, "is longer than 64 characters"),
    ("a\nb", "has control characters"),
])
def test_a_bad_device_in_a_jsonl_line_is_a_clear_error(cli, device, message):
    code, out, err = cli("import", "-", stdin=line(0, device) + "\n")
    assert code == 2 and "Traceback" not in err
    assert "line 1" in err and message in err
    assert cli("events", "--json")[1].strip() in ("[]", "")


def test_report_device_refuses_a_bad_name(cli):
    assert cli("import", "-", stdin=line(0) + "\n")[0] == 0
    code, _, err = cli("report", "--device", "x" * 65)
    assert code == 2 and "longer than 64 characters" in err and "Traceback" not in err


def test_a_device_report_looks_at_its_period_alone(cli, tmp_path, monkeypatch):
    # A streak on the laptop before the period is not walked back over (every day of a device
    # report is computed from raw events); the all-devices report still counts it.
    monkeypatch.setenv("TZ", "UTC")
    lines = []
    for d in range(5):  # Monday 2026-01-05 .. Friday, 6 h a day on the laptop
        for minute in range(0, 360, 1):
            t = T + timedelta(days=d, minutes=minute)
            lines.append(json.dumps({"source": "window", "timestamp": t.isoformat(), "duration": 60,
                                     "data": {"app": "code"}, "device": "laptop"}))
    assert cli("import", "-", stdin="\n".join(lines) + "\n")[0] == 0
    code, out, _ = cli("report", "--date", "2026-01-09", "--json", clock=FakeClock(NOW))
    assert json.loads(out)["streak_days"] == 5
    laptop = json.loads(cli("report", "--date", "2026-01-09", "--device", "laptop", "--json",
                            clock=FakeClock(NOW))[1])
    assert laptop["active_seconds"] == 6 * 3600 and laptop["streak_days"] == 1
