"""Rollups follow every change to `events`, whoever makes it (issue 6, item 2).

The changes here are made with Python's sqlite3 module and plain SQL, no project code: only
something structural (the triggers of migration 0003) can tell the rollups about them. And a
read-only `report` on a database with nothing pending must not need the write lock.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.conftest import venv_bin
from tracker_desktop.domain.clock import FakeClock

UTC = timezone.utc
MONDAY = date(2026, 1, 5)  # ISO week 2026-W02
CLOCK = datetime(2026, 2, 1, 12, tzinfo=UTC)
H = 3_600_000_000
CliRun = Callable[..., tuple[int, str, str]]


def _at(d: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, second, tzinfo=UTC)


def _us(when: datetime) -> int:
    return int(when.timestamp()) * 1_000_000


def _heartbeat_lines() -> str:
    """Four mornings (Mon-Thu) of window heartbeats every 10 s, the app changing every 5 min,
    with a not-afk heartbeat every minute."""
    lines = []
    apps = [("code", "main.py - tracker"), ("firefox", "docs - Mozilla Firefox"), ("slack", "general")]
    for i in range(4):
        d = MONDAY + timedelta(days=i)
        for s in range(0, 3 * 3600, 10):
            app, title = apps[(s // 300) % len(apps)]
            lines.append({"source": "window", "timestamp": (_at(d, 8) + timedelta(seconds=s)).isoformat(),
                          "data": {"app": app, "title": title}, "counts": {"keys": 3},
                          "pulsetime": 11.0})
        for s in range(0, 3 * 3600 + 60, 60):
            lines.append({"source": "afk", "timestamp": (_at(d, 8) + timedelta(seconds=s)).isoformat(),
                          "data": {"status": "not-afk"}, "pulsetime": 61.0})
    return "\n".join(json.dumps(x) for x in lines) + "\n"


def _report(cli: CliRun, *period: str) -> dict[str, Any]:
    code, out, err = cli("report", *period, "--json", clock=FakeClock(CLOCK))
    assert code == 0, err
    return json.loads(out)


PERIODS = [("--date", (MONDAY + timedelta(days=i)).isoformat()) for i in range(7)] + [
    ("--week", "2026-W02"), ("--month", "2026-01"), ("--start", "2026-01-04", "--end", "2026-01-12")]


@pytest.fixture
def loaded(cli: CliRun, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TZ", "UTC")
    src = tmp_path / "hb.jsonl"
    src.write_text(_heartbeat_lines())
    code, _, err = cli("import", str(src))
    assert code == 0, err
    return data_dir / "tracker.sqlite3"


def test_plain_sql_updates_deletes_and_inserts_reach_every_report(cli: CliRun, loaded: Path) -> None:
    before = {p: _report(cli, *p) for p in PERIODS}  # every day is rolled up and stored now
    assert before[("--week", "2026-W02")]["active_seconds"] > 4 * 2 * 3600

    with sqlite3.connect(loaded) as conn:  # another program, knowing nothing of rollups
        ids = lambda d, src="window": [r[0] for r in conn.execute(  # noqa: E731
            "SELECT id FROM events WHERE source = ? AND start_us >= ? AND start_us < ? ORDER BY start_us",
            (src, _us(_at(d, 0)), _us(_at(d, 0) + timedelta(days=1))))]
        mon, tue, wed, thu = (ids(MONDAY + timedelta(days=i)) for i in range(4))
        # Monday: one event lasts half an hour longer, another changes app.
        conn.execute("UPDATE events SET duration_us = duration_us + ? WHERE id = ?", (1800 * 10**6, mon[-1]))
        conn.execute("UPDATE events SET data = ? WHERE id = ?",
                     ('{"app":"steam","title":"game"}', mon[3]))
        # Tuesday: the first hour of windows is deleted; one event moves to Saturday (OLD and NEW).
        conn.execute(f"DELETE FROM events WHERE id IN ({','.join(map(str, tue[:12]))})")
        conn.execute("UPDATE events SET start_us = start_us + ? WHERE id = ?", (4 * 86400 * 10**6, tue[-1]))
        # Wednesday: all of it gone, AFK included.
        conn.execute("DELETE FROM events WHERE start_us >= ? AND start_us < ?",
                     (_us(_at(MONDAY + timedelta(days=2), 0)), _us(_at(MONDAY + timedelta(days=3), 0))))
        # Thursday afternoon and Sunday (no data before): new rows.
        for d, hour in ((MONDAY + timedelta(days=3), 14), (MONDAY + timedelta(days=6), 10)):
            conn.execute("INSERT INTO events (source, start_us, duration_us, data, counts) "
                         "VALUES ('window', ?, ?, '{\"app\":\"code\",\"title\":\"late\"}', '{\"keys\":50}')",
                         (_us(_at(d, hour)), 3600 * 10**6))
        assert thu  # (Thursday's morning rows stay as they were)

    after = {p: _report(cli, *p) for p in PERIODS}
    code, _, err = cli("rebuild", clock=FakeClock(CLOCK))
    assert code == 0, err
    rebuilt = {p: _report(cli, *p) for p in PERIODS}

    for p in PERIODS:
        assert after[p] == rebuilt[p], p
    changed = [p for p in PERIODS if after[p]["active_seconds"] != before[p]["active_seconds"]]
    # Every changed day moved (Friday did not), and so did every range holding one.
    assert [p[1] for p in changed if p[0] == "--date"] == [
        "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-10", "2026-01-11"]
    assert {p[0] for p in changed} == {"--date", "--week", "--month", "--start"}
    assert after[("--date", "2026-01-07")]["active_seconds"] == 0


def test_a_report_with_nothing_pending_does_not_need_the_write_lock(cli: CliRun, loaded: Path,
                                                                    data_dir: Path) -> None:
    expected = _report(cli, "--date", "2026-01-06")  # rolls the days up and consumes the marks
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE')\n"
         "print('locked', flush=True)\n"
         "sys.stdin.read()\n"
         "c.rollback()\n", str(loaded)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        env = {**os.environ, "XDG_CONFIG_HOME": str(data_dir.parent / "config"), "TZ": "UTC"}
        env.pop("TRACKER_CONFIG", None)
        done = subprocess.run(
            [venv_bin("tracker-desktop"), "--data-dir", str(data_dir), "report", "--date",
             "2026-01-06", "--json"],
            capture_output=True, text=True, env=env, timeout=300)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    # Only what depends on "today" (the real clock here, the fixed one in-process) may differ.
    for key in ("today", "streak_days"):
        got.pop(key, None), expected.pop(key, None)
    assert got == expected
