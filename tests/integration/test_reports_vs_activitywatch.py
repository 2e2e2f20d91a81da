"""Our active time per app equals ActivityWatch's on the same records: random days go into our
store, bench/aw_report_query.py loads them into aw-server's datastore and runs aw-webui's query
(flood, not-AFK, audible browser tabs, filter_period_intersect, merge by app) in .venv-aw."""

import json
import random
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from storage.engine import open_database
from storage.uow import SqlUnitOfWorkFactory
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.days import range_period
from tracker_desktop.domain.events import Event
from tracker_desktop.services.analysis_setup import build_setup
from tracker_desktop.services.reports import ReportService
from tracker_desktop.services.rollups import RollupService

ROOT = Path(__file__).resolve().parents[2]
AW_PYTHON = ROOT / ".venv-aw" / "bin" / "python"
HELPER = ROOT / "bench" / "aw_report_query.py"
APPS = ["code", "Firefox", "Google-chrome", "Slack", "gnome-terminal-server"]


def _ms(seconds: float) -> timedelta:
    # aw-core keeps timestamps to the millisecond (aw_core.models.Event truncates them), so the
    # records are made in whole milliseconds for both sides to see the same times.
    return timedelta(milliseconds=round(seconds * 1000))


def random_record(seed: int, start: datetime, hours: float) -> list[Event]:
    rnd = random.Random(seed)
    out: list[Event] = []
    t, end = start, start + timedelta(hours=hours)
    while t < end:
        app = rnd.choice(APPS)
        d = _ms(rnd.choice([1, 2, 3, 5, 8, 13, 30, 60, 240]) * rnd.uniform(0.5, 1.5))
        out.append(Event("window", t, d, {"app": app, "title": f"{app} {rnd.randrange(4)}"}))
        if app in ("Firefox", "Google-chrome") or rnd.random() < 0.1:  # the odd background tab
            browser = "firefox" if app == "Firefox" else "chrome"
            out.append(Event("browser", t, d, {"url": f"https://site{rnd.randrange(5)}.example/",
                                               "title": "t", "browser": browser,
                                               "audible": rnd.random() < 0.3, "incognito": False}))
        t += d + _ms(rnd.choice([0, 0, 0, 0.5, 2, 4, 7]))
    # AFK covers the whole span, alternating, as aw-watcher-afk records it.
    a, away = start, False
    while a < end + timedelta(minutes=5):
        d = _ms(60 * (rnd.uniform(0.5, 4) if away else rnd.uniform(2, 25)))
        out.append(Event("afk", a, d, {"status": "afk" if away else "not-afk"}))
        a, away = a + d, not away
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_active_time_per_app_matches_activitywatch(tmp_path, monkeypatch, seed):
    if not AW_PYTHON.exists():
        pytest.skip(".venv-aw (aw-server) is not installed; scripts/setup.sh creates it")
    monkeypatch.setenv("TZ", "UTC")
    db = tmp_path / "ours.sqlite3"
    engine = open_database(db)
    uow = SqlUnitOfWorkFactory(engine)
    start = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
    with uow(write=True) as u:
        u.events.add_many(random_record(seed, start, hours=6))
        u.commit()
    rollups = RollupService(uow, build_setup(), FakeClock(datetime(2026, 2, 1, tzinfo=timezone.utc)))
    ours = ReportService(rollups, top=None).report(range_period(date(2026, 1, 5), date(2026, 1, 5))).to_json()
    engine.dispose()

    proc = subprocess.run(
        [str(AW_PYTHON), str(HELPER), "--ours", str(db), "--runs", "day=1",
         "--range", "day=2026-01-05T00:00:00+00:00/2026-01-06T00:00:00+00:00"],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    aw = json.loads(proc.stdout)["ranges"]["day"]

    assert ours["active_seconds"] == pytest.approx(aw["active_seconds"], abs=0.002)
    assert ours["active_seconds"] > 3600
    aw_apps = dict(aw["top_apps"])
    our_apps = {a["name"]: a["seconds"] for a in ours["apps"]}
    for app, seconds in aw_apps.items():
        assert our_apps[app] == pytest.approx(seconds, abs=0.002), app
