"""Top window titles per app in reports (issue 7, item 9), on a real SQLite file: the CLI's JSON
and table, days added up through stored rollups, and the privacy rules applied at record time
(redacted titles stay redacted, excluded apps never appear)."""

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from collectors.input import InputCounter
from tracker_desktop.domain.afk import AfkTracker
from tracker_desktop.domain.input_minutes import InputMinuteTracker
from tracker_desktop.domain.privacy import REDACTED, PrivacyRules
from tracker_desktop.domain.window import WindowInfo, WindowTracker
from storage.engine import open_database
from storage.heartbeat_engine import HeartbeatEngine
from storage.writer import Writer
from storage.uow import SqlUnitOfWorkFactory
from tracker_desktop.config import AnalysisSettings, PrivacySettings
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.days import day_period, range_period
from tracker_desktop.domain.events import Event
from tracker_desktop.services.analysis_setup import build_setup
from tracker_desktop.services.reports import ReportService
from tracker_desktop.services.rollups import RollupService
from tracker_desktop.services.state import StateService
from tracker_desktop.services.tracking import Collectors, TrackingService

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
DAY = date(2026, 1, 5)


def window(day: date, hhmm: str, minutes: float, app: str, title: str) -> Event:
    h, m = map(int, hhmm.split(":"))
    start = datetime(day.year, day.month, day.day, h, m, tzinfo=BERLIN).astimezone(UTC)
    return Event("window", start, timedelta(minutes=minutes), {"app": app, "title": title})


def two_apps(day: date = DAY) -> list[Event]:
    """code: main.py 60 + 30 min, tests.py 20, README 5; firefox: docs 15, mail 10, news 2."""
    return [
        window(day, "09:00", 60, "code", "main.py — tracker"),
        window(day, "10:00", 15, "firefox", "Python docs — Mozilla Firefox"),
        window(day, "10:15", 20, "code", "tests.py — tracker"),
        window(day, "10:35", 10, "firefox", "Inbox — Mozilla Firefox"),
        window(day, "10:45", 30, "code", "main.py — tracker"),
        window(day, "11:15", 5, "code", "README.md — tracker"),
        window(day, "11:20", 2, "firefox", "News — Mozilla Firefox"),
    ]


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    engine = open_database(tmp_path / "data" / "tracker.sqlite3")
    yield SqlUnitOfWorkFactory(engine)
    engine.dispose()


def add(uow_factory, events):
    with uow_factory(write=True) as uow:
        uow.events.add_many(list(events))
        uow.commit()


def report_service(uow_factory, now=datetime(2026, 2, 1, 12, tzinfo=UTC)):
    return ReportService(RollupService(uow_factory, build_setup(AnalysisSettings()), FakeClock(now)))


def test_report_json_lists_each_apps_top_titles(cli, data_dir, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    engine = open_database(data_dir / "tracker.sqlite3")
    add(SqlUnitOfWorkFactory(engine), two_apps())
    engine.dispose()
    code, out, err = cli("report", "--date", "2026-01-05", "--json",
                         clock=FakeClock(datetime(2026, 1, 9, tzinfo=UTC)))
    assert code == 0, err
    r = json.loads(out)
    assert r["apps"] == [
        {"name": "code", "seconds": 6900.0, "titles": [
            {"name": "main.py — tracker", "seconds": 5400.0},
            {"name": "tests.py — tracker", "seconds": 1200.0},
            {"name": "README.md — tracker", "seconds": 300.0}]},
        {"name": "firefox", "seconds": 1620.0, "titles": [
            {"name": "Python docs — Mozilla Firefox", "seconds": 900.0},
            {"name": "Inbox — Mozilla Firefox", "seconds": 600.0},
            {"name": "News — Mozilla Firefox", "seconds": 120.0}]},
    ]
    # The other lists keep their shape.
    assert all(set(c) == {"name", "seconds", "score"} for c in r["categories"])


def test_report_table_shows_the_top_titles_under_each_app(cli, data_dir, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    engine = open_database(data_dir / "tracker.sqlite3")
    many = [window(DAY, f"14:{m:02d}", 1, "code", f"file{m}.py") for m in range(8)]
    add(SqlUnitOfWorkFactory(engine), [*two_apps(), *many])
    engine.dispose()
    code, out, err = cli("report", "--date", "2026-01-05",
                         clock=FakeClock(datetime(2026, 1, 9, tzinfo=UTC)))
    assert code == 0, err
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("App "))
    code_at = next(i for i in range(at, len(lines)) if lines[i].startswith("code "))
    # Five titles, indented, times aligned with the app's.
    titles = lines[code_at + 1:code_at + 6]
    assert [t.strip().rsplit("  ", 1)[0].strip() for t in titles] == [
        "main.py — tracker", "tests.py — tracker", "README.md — tracker", "file0.py", "file1.py"]
    assert all(t.startswith("  ") and not t.startswith("   ") for t in titles)
    assert [t.rsplit(" ", 1)[1] for t in titles] == ["30m", "20m", "5m", "1m", "1m"]
    assert {len(t) for t in titles} == {len(lines[code_at])}
    assert lines[code_at + 6].startswith("firefox ")
    assert lines[code_at + 7].strip().startswith("Python docs — Mozilla Firefox")


def test_a_range_adds_up_titles_from_stored_days(db):
    add(db, [*two_apps(DAY), *two_apps(DAY + timedelta(days=1)),
             window(DAY + timedelta(days=2), "09:00", 45, "code", "tests.py — tracker")])
    service = report_service(db)
    first = service.report(range_period(DAY, DAY + timedelta(days=2)))
    assert service.rollups.stored_days >= 3
    again = report_service(db).report(range_period(DAY, DAY + timedelta(days=2)))
    for r in (first, again):  # computed, then read back from the stored rollups
        code = r.apps[0]
        assert code.name == "code"
        assert [(t.name, t.seconds) for t in code.titles] == [
            ("main.py — tracker", 10800.0), ("tests.py — tracker", 5100.0),
            ("README.md — tracker", 600.0)]
    json.dumps(first.to_json())


class ScriptedWindow:
    def __init__(self) -> None:
        self.info: WindowInfo | None = None

    def active_window(self) -> WindowInfo | None:
        return self.info


class NeverIdle:
    def idle_seconds(self) -> float:
        return 0.0


def test_redacted_titles_stay_redacted_and_excluded_apps_never_appear(db):
    """Recorded by the real tracker with privacy rules, then reported from the same file."""
    t0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
    clock = FakeClock(t0)
    probe = ScriptedWindow()
    rules = PrivacyRules.from_settings(PrivacySettings(
        exclude_apps=["keepassxc"], redact_titles=["(?i)bank"]))
    writer = Writer(HeartbeatEngine(db, clock), clock)
    tracking = TrackingService(writer, clock, Collectors(
        window_probe=probe, idle_probe=NeverIdle(), input_counter=InputCounter(clock),
        window=WindowTracker(rules, 1.0), afk=AfkTracker(timeout=180, poll_seconds=1.0),
        minutes=InputMinuteTracker()), StateService(db))
    script = [("firefox", "My Bank — account — Mozilla Firefox", 60),
              ("keepassxc", "Passwords.kdbx - KeePassXC", 30),
              ("firefox", "News — Mozilla Firefox", 40),
              ("code", "main.py — tracker", 50)]
    for app, title, seconds in script:
        probe.info = WindowInfo(app, title, 42)
        for _ in range(seconds):
            tracking.tick()
            writer.run_pending()
            clock.advance(1)
    tracking.shutdown()
    assert writer.stop()

    r = report_service(db, now=t0 + timedelta(days=1)).report(day_period(DAY))
    apps = {a.name: {t.name for t in a.titles} for a in r.apps}
    assert apps == {"firefox": {REDACTED, "News — Mozilla Firefox"}, "code": {"main.py — tracker"}}
    text = json.dumps(r.to_json(), ensure_ascii=False)
    assert "keepassxc" not in text.lower() and "Bank" not in text and "Passwords" not in text
