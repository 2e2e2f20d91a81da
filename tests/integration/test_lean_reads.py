"""`status` and `report` read stored rollups on a plain sqlite3 connection and leave change marks
to the tracker: on a year of rolled-up days they never import SQLAlchemy nor take the write lock
(most of their start-up time, issue 6), and their figures still follow every change."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing

from tests.conftest import ROOT

DAYS = ("2026-01-05", "2026-01-06", "2026-01-07")
LINES = "\n".join(json.dumps({
    "source": "window", "timestamp": f"{day}T09:{m:02d}:00+00:00", "duration": 50,
    "data": {"app": "code", "title": "main.py"}, "counts": {"keys": 3}})
    for day in DAYS for m in range(30))

PROBE = """
import json, sys
from tracker_desktop.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "sqlalchemy": "sqlalchemy" in sys.modules}), file=sys.stderr)
"""


def run(data_dir, *args: str, config: str = "") -> tuple[dict, dict]:
    cfg = data_dir.parent / "config.toml"
    cfg.write_text(config)
    done = subprocess.run([sys.executable, "-c", PROBE, "--data-dir", str(data_dir),
                           "--config", str(cfg), *args, "--json"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "TZ": "UTC", "HOME": str(data_dir.parent),
                               "TRACKER_LOG_DIR": str(data_dir.parent / "logs"),
                               "PYTHONPATH": ":".join(sys.path)})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stderr.strip().splitlines()[-1]), json.loads(done.stdout)


def test_reading_verbs_read_without_sqlalchemy_and_follow_every_change(cli, data_dir):
    assert cli("import", "-", stdin=LINES)[0] == 0
    # Just imported: the days are marked changed. A report computes the day it shows without
    # storing it or consuming the marks (the tracker's job): no write, no SQLAlchemy.
    probe, day = run(data_dir, "report", "--date", DAYS[0])
    assert probe == {"code": 0, "sqlalchemy": False}
    assert day["keystrokes"] == 90
    assert cli("rebuild")[0] == 0  # stores every day and consumes the marks
    probe, again = run(data_dir, "report", "--date", DAYS[0])
    assert probe == {"code": 0, "sqlalchemy": False} and again == day
    probe, status = run(data_dir, "status")
    assert probe == {"code": 0, "sqlalchemy": False} and status["running"] is False
    # A change made behind its back (plain SQL, marked by the triggers) shows at once.
    with closing(sqlite3.connect(data_dir / "tracker.sqlite3")) as conn, conn:
        conn.execute("DELETE FROM events WHERE source = 'window' AND start_us = "
                     "(SELECT min(start_us) FROM events WHERE source = 'window')")
    probe, changed = run(data_dir, "report", "--date", DAYS[0])
    assert probe == {"code": 0, "sqlalchemy": False} and changed["keystrokes"] == 87


def test_sizeable_work_is_kept_for_next_time(cli, data_dir):
    assert cli("import", "-", stdin=LINES)[0] == 0
    assert cli("rebuild")[0] == 0
    # Other analysis settings: no stored day fits them, and no mark says why. Three days to
    # compute is worth keeping: this report stores them (a write), the next one only reads.
    other = "[analysis]\nmerge_gap_seconds = 30\n"
    probe, first = run(data_dir, "report", "--start", DAYS[0], "--end", DAYS[-1], config=other)
    assert probe == {"code": 0, "sqlalchemy": True}
    probe, second = run(data_dir, "report", "--start", DAYS[0], "--end", DAYS[-1], config=other)
    assert probe == {"code": 0, "sqlalchemy": False} and second == first


def test_a_range_reported_after_an_import_is_kept_without_a_tracker_or_rebuild(cli, data_dir):
    """Marks from an import are consumed by the first report that computes more than a couple
    of days, so the days are stored and the next report only reads."""
    assert cli("import", "-", stdin=LINES)[0] == 0
    probe, first = run(data_dir, "report", "--start", DAYS[0], "--end", DAYS[-1])
    assert probe == {"code": 0, "sqlalchemy": True} and first["keystrokes"] == 270
    with closing(sqlite3.connect(data_dir / "tracker.sqlite3")) as conn:
        stored = {d for (d,) in conn.execute("SELECT day FROM rollup_days WHERE fingerprint != ''")}
        marks = conn.execute("SELECT count(*) FROM rollup_dirty").fetchone()[0]
    assert set(DAYS) <= stored and marks == 0
    probe, second = run(data_dir, "report", "--start", DAYS[0], "--end", DAYS[-1])
    assert probe == {"code": 0, "sqlalchemy": False} and second == first


def test_damage_met_on_the_lean_path_is_a_clear_error(cli, data_dir):
    assert cli("import", "-", stdin=LINES)[0] == 0
    assert cli("rebuild")[0] == 0
    db = data_dir / "tracker.sqlite3"
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'rollup_days'"
                               ).fetchone()
    with open(db, "r+b") as f:  # a damaged page in the middle of the file, header intact
        f.seek((root - 1) * page_size)
        f.write(b"\xff" * page_size)
    done = subprocess.run([sys.executable, "-m", "tracker_desktop", "--data-dir", str(data_dir),
                           "report", "--date", DAYS[0], "--json"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "TZ": "UTC", "HOME": str(data_dir.parent),
                               "TRACKER_LOG_DIR": str(data_dir.parent / "logs"),
                               "PYTHONPATH": ":".join(sys.path)})
    assert done.returncode == 2, done.stderr
    assert "damaged" in done.stderr and "Traceback" not in done.stderr
