"""Reports on a real SQLite file: the CLI's JSON and table, rollups kept current as events arrive,
months read from rollups (not raw events), time zones and DST, settings changes, rebuild."""

import json
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, text

from storage.engine import open_database, script_head
from storage.heartbeat_engine import HeartbeatEngine
from storage.uow import SqlUnitOfWorkFactory
from tracker_desktop.config import AnalysisSettings
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.days import day_period, month_period, week_period
from tracker_desktop.domain.events import Event, Heartbeat
from tracker_desktop.services.analysis_setup import build_setup
from tracker_desktop.services.reports import ReportService
from tracker_desktop.services.rollups import RollupService

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
DAY = date(2026, 1, 5)


def at(day: date, hhmm: str, tz=BERLIN) -> datetime:
    parts = [int(p) for p in hhmm.split(":")]
    return datetime(day.year, day.month, day.day, *parts, tzinfo=tz).astimezone(UTC)


def ev(source, a, b, counts=None, day=DAY, tz=BERLIN, **data):
    start, end = at(day, a, tz), at(day, b, tz)
    return Event(source, start, end - start, data, counts or {})


def hand_built_day(day=DAY):
    """Coding 2 h + 1 h, video 30 min, chat 30 min, a meeting while away; AFK 5 min and 45 min."""
    code = {"app": "code", "title": "main.py — tracker"}
    return [
        ev("window", "09:00", "11:05", {"keys": 1200, "clicks": 30}, day=day, **code),
        ev("editor", "09:00", "10:00", day=day, project="tracker", language="Python", file="main.py",
           editor="vscode"),
        ev("window", "11:05", "11:35", day=day, app="firefox", title="Mozilla Firefox"),
        ev("browser", "11:05", "11:35", day=day, url="https://www.youtube.com/watch?v=x", title="cats",
           browser="firefox"),
        ev("window", "11:35", "12:50", {"keys": 200}, day=day, app="slack", title="general"),
        ev("window", "12:50", "13:50", {"keys": 600}, day=day, **code),
        ev("afk", "09:00", "11:00", day=day, status="not-afk"),
        ev("afk", "11:00", "11:05", day=day, status="afk"),
        ev("afk", "11:05", "12:05", day=day, status="not-afk"),
        ev("afk", "12:05", "12:50", day=day, status="afk"),
        ev("afk", "12:50", "13:50", day=day, status="not-afk"),
        ev("afk", "13:50", "16:00", day=day, status="afk"),
        ev("manual", "15:00", "15:30", day=day, title="Standup", category="Comms > Meetings"),
    ]


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    engine = open_database(tmp_path / "data" / "tracker.sqlite3")
    yield engine, SqlUnitOfWorkFactory(engine)
    engine.dispose()


def add(uow_factory, events):
    with uow_factory(write=True) as uow:
        uow.events.add_many(list(events))
        uow.commit()


def service(uow_factory, now=datetime(2026, 2, 20, 12, tzinfo=UTC), settings=None):
    return RollupService(uow_factory, build_setup(settings or AnalysisSettings()), FakeClock(now))


# -- the CLI --------------------------------------------------------------------------------
def test_report_json_for_the_hand_built_day(cli, data_dir, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    engine = open_database(data_dir / "tracker.sqlite3")
    add(SqlUnitOfWorkFactory(engine), hand_built_day())
    engine.dispose()
    code, out, err = cli("report", "--date", "2026-01-05", "--json",
                         clock=FakeClock(datetime(2026, 1, 9, tzinfo=UTC)))
    assert code == 0, err
    r = json.loads(out)
    assert r["start"] == "2026-01-05T00:00:00+01:00" and r["end"] == "2026-01-06T00:00:00+01:00"
    assert r["timezone"] == "Europe/Berlin"
    assert r["active_seconds"] == 16200.0
    assert r["idle_seconds"] == 300.0
    assert r["break_seconds"] == 6900.0
    assert r["idle_percent"] == round(300 / 16500 * 100, 2)
    assert r["productivity_score"] == round((10800 * 4 + 1800 * 2 + 1800 * 3) / (16200 * 4) * 100, 1)
    assert r["categories"] == [
        {"name": "Work > Programming", "seconds": 10800.0, "score": 100.0},
        {"name": "Comms > Chat", "seconds": 1800.0, "score": 50.0},
        {"name": "Comms > Meetings", "seconds": 1800.0, "score": 75.0},
        {"name": "Media > Video", "seconds": 1800.0, "score": 0.0},
    ]
    assert [{k: a[k] for k in ("name", "seconds")} for a in r["apps"]] == [
        {"name": "code", "seconds": 10800.0}, {"name": "firefox", "seconds": 1800.0},
        {"name": "slack", "seconds": 1800.0}]
    # Each app with its top window titles (a browser's refined by its tab's title).
    assert [a["titles"] for a in r["apps"]] == [
        [{"name": "main.py — tracker", "seconds": 10800.0}], [{"name": "cats", "seconds": 1800.0}],
        [{"name": "general", "seconds": 1800.0}]]
    assert r["domains"] == [{"name": "youtube.com", "seconds": 1800.0}]
    assert r["projects"] == [{"name": "tracker", "seconds": 3600.0}]
    assert r["languages"] == [{"name": "Python", "seconds": 3600.0}]
    assert [(b["kind"], b["start"][11:16], b["end"][11:16]) for b in r["blocks"]] == [
        ("active", "09:00", "11:00"), ("idle", "11:00", "11:05"), ("active", "11:05", "12:05"),
        ("break", "12:05", "12:50"), ("active", "12:50", "13:50"), ("break", "13:50", "15:00"),
        ("active", "15:00", "15:30")]
    assert r["keystrokes"] == 2000 and r["clicks"] == 30
    assert r["context_switches"] == 2
    assert r["longest_focus"]["seconds"] == 7200.0
    assert [h["hour"] for h in r["best_hours"]] == [9, 10, 11]
    assert r["streak_days"] == 1  # 4.5 h active meets the default 4 h daily goal
    goals = {g["name"]: g for g in r["goals"]}
    assert goals["Daily active time"]["seconds"] == 16200.0 and goals["Daily active time"]["met"]
    assert goals["Media at most 1 h a day"]["met"] and goals["Media at most 1 h a day"]["seconds"] == 1800
    for key in ("start", "end", "active_seconds", "idle_seconds", "idle_percent", "productivity_score",
                "categories", "apps", "domains", "projects", "languages", "blocks", "best_hours",
                "streak_days", "goals"):
        assert key in r


def test_the_report_is_typed_and_json_only_at_the_edge(db):
    _, uow = db
    add(uow, hand_built_day())
    r = ReportService(service(uow)).report(day_period(DAY))
    assert r.start == datetime(2026, 1, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    assert r.first_day == DAY and r.apps[0].name == "code" and r.apps[0].seconds == 10800
    assert r.longest_focus is not None and isinstance(r.longest_focus.start, datetime)
    assert [(b.kind, b.start.strftime("%H:%M")) for b in r.blocks][:2] == [("active", "09:00"), ("idle", "11:00")]
    assert r.blocks[0].active_seconds == 7200 and r.blocks_included
    doc = r.to_json()
    assert json.loads(json.dumps(doc)) == doc  # plain JSON types only
    assert doc["start"] == "2026-01-05T00:00:00+01:00" and doc["blocks"][0]["active_seconds"] == 7200


def test_blocks_are_listed_for_a_day_or_a_week_and_on_request_for_longer_ranges(db):
    _, uow = db
    add(uow, _month_of_days())
    reports = ReportService(service(uow))
    week = reports.report(week_period("2026-W02"))
    assert week.blocks_included and len(week.blocks) == 6 * 7  # six days of seven blocks
    month = reports.report(month_period("2026-01"))
    assert not month.blocks_included and month.blocks == ()
    assert len(month.daily) == 31 and month.daily[0].active_seconds == 16200  # the per-day series
    asked = reports.report(month_period("2026-01"), blocks=True)
    assert asked.blocks_included and len(asked.blocks) == 27 * 7
    assert asked.active_seconds == month.active_seconds
    assert sum(b.active_seconds for b in asked.blocks) == month.active_seconds


def test_report_blocks_option(cli, data_dir, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    engine = open_database(data_dir / "tracker.sqlite3")
    add(SqlUnitOfWorkFactory(engine), _month_of_days())
    engine.dispose()
    clock = FakeClock(datetime(2026, 2, 20, tzinfo=UTC))
    code, out, err = cli("report", "--month", "2026-01", "--json", clock=clock)
    assert code == 0, err
    assert json.loads(out)["blocks"] == [] and not json.loads(out)["blocks_included"]
    code, out, err = cli("report", "--month", "2026-01", "--json", "--blocks", clock=clock)
    assert code == 0, err
    assert len(json.loads(out)["blocks"]) == 27 * 7
    code, out, err = cli("report", "--month", "2026-01", "--blocks", clock=clock)
    assert code == 0, err
    assert "Timeline" in out and "Mon 05 09:00–11:00  active" in out


def test_report_table_and_periods(cli, data_dir, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    engine = open_database(data_dir / "tracker.sqlite3")
    add(SqlUnitOfWorkFactory(engine), hand_built_day())
    engine.dispose()
    clock = FakeClock(datetime(2026, 1, 5, 18, tzinfo=UTC))
    code, out, _ = cli("report", clock=clock)  # today by default
    assert code == 0
    assert "Active    4h 30m" in out and "Work > Programming" in out and "Timeline" in out
    assert "09:00–11:00  active" in out
    code, out, _ = cli("report", "--week", "2026-W02", "--json", clock=clock)
    r = json.loads(out)
    assert (r["first_day"], r["last_day"], r["days"], r["active_seconds"]) == ("2026-01-05", "2026-01-11", 7, 16200.0)
    code, out, _ = cli("report", "--month", "2026-01", "--json", clock=clock)
    assert json.loads(out)["days"] == 31
    code, out, _ = cli("report", "--start", "2026-01-04", "--end", "2026-01-05", "--json", clock=clock)
    assert [d["active_seconds"] for d in json.loads(out)["daily"]] == [0.0, 16200.0]
    code, out, _ = cli("report", "--week", "2026-W02", clock=clock)
    assert "Day         active" in out


def test_the_table_reads_well(cli, data_dir, monkeypatch):
    # Issue 7, item 10: seconds under a minute, "today" only for today, window switches.
    monkeypatch.setenv("TZ", "Europe/Berlin")
    engine = open_database(data_dir / "tracker.sqlite3")
    add(SqlUnitOfWorkFactory(engine), [
        *hand_built_day(),
        ev("window", "09:00:00", "09:00:40", day=date(2026, 1, 6), app="code", title="a.py"),
        ev("window", "09:00:40", "09:01:00", day=date(2026, 1, 6), app="code", title="b.py")])
    engine.dispose()
    clock = FakeClock(datetime(2026, 1, 6, 18, tzinfo=UTC))
    code, out, _ = cli("report", clock=clock)
    assert code == 0
    assert "Active        1m" in out and "Daily active time: 1m ≥ 4h 00m today" in out
    assert "code      1m" not in out and "Context switches 1 (apps 0)" in out
    assert "09:00–09:01  active      1m  100" in out
    code, out, _ = cli("report", "--date", "2026-01-05", clock=clock)
    assert "today" not in out and "Daily active time: 4h 30m ≥ 4h 00m that day" in out
    assert "Context switches 2 (apps 2)" in out
    r = json.loads(cli("report", "--date", "2026-01-05", "--json", clock=clock)[1])
    assert r["context_switches"] == 2 and r["app_switches"] == 2 and r["today"] == "2026-01-06"


def test_durations_under_a_minute_are_seconds():
    from tracker_desktop.commands.report import hm

    assert [hm(s) for s in (0, 0.4, 20, 59.4, 59.6, 90, 3600, 7530)] == [
        "0s", "0s", "20s", "59s", "1m", "2m", "1h 00m", "2h 06m"]


@pytest.mark.parametrize("args", [["--week", "2026-W60"], ["--month", "2026-00"], ["--date", "5.1.2026"],
                                  ["--end", "2026-01-01"], ["--start", "2026-02-01", "--end", "2026-01-01"],
                                  # The ends of the calendar used to overflow (exit 1, a traceback).
                                  ["--date", "0001-01-01"], ["--date", "9999-12-31"],
                                  ["--week", "9999-W52"], ["--start", "0001-01-01", "--end", "0001-01-03"]])
def test_report_rejects_bad_periods(cli, args):
    code, out, err = cli("report", *args)
    assert code == 2 and out == "" and "tracker-desktop:" in err


def test_rebuild_cli(cli, data_dir, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    engine = open_database(data_dir / "tracker.sqlite3")
    add(SqlUnitOfWorkFactory(engine), [*hand_built_day(date(2026, 1, 5)), *hand_built_day(date(2026, 1, 7))])
    engine.dispose()
    code, out, _ = cli("rebuild", "--json")
    assert code == 0
    assert json.loads(out) == {"days": 3, "stored": 3, "first": "2026-01-05", "last": "2026-01-07",
                               "seconds": json.loads(out)["seconds"]}
    code, out, _ = cli("rebuild", "--start", "2026-01-07")
    assert code == 0 and out.startswith("Rebuilt 1 day(s), 2026-01-07 to 2026-01-07")
    code, out, err = cli("rebuild", "--start", "2026-01-07", "--end", "2026-01-01")
    assert code == 2


def test_stray_timestamps_far_from_the_rest_do_not_break_rebuild_or_report(cli, data_dir, monkeypatch):
    # A clock reset to 1601 or a junk year-9999 timestamp: marking every hour between them and
    # real data ran out of memory, and the local day of 9999-12-31 23:00 UTC overflowed. Import
    # refuses such lines now (issue 7, limits), but older databases can hold them: they are
    # written here with plain SQL.
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14
    line = {"source": "window", "timestamp": "2026-01-05T09:00:00+00:00", "duration": 60,
            "data": {"app": "code", "title": "x"}}
    code, out, err = cli("import", "-", stdin=json.dumps(line))
    assert code == 0, err
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    with sqlite3.connect(data_dir / "tracker.sqlite3") as conn:
        for when in (datetime(9999, 12, 31, 23, tzinfo=UTC), datetime(1601, 1, 1, 9, tzinfo=UTC)):
            conn.execute("INSERT INTO events (source, start_us, duration_us, data, counts) "
                         "VALUES ('window', ?, 60000000, '{\"app\":\"code\",\"title\":\"x\"}', '{}')",
                         ((when - epoch) // timedelta(microseconds=1),))
    clock = FakeClock(datetime(2026, 1, 10, tzinfo=UTC))
    code, out, err = cli("report", "--date", "2026-01-05", "--json", clock=clock)
    assert code == 0, err
    assert json.loads(out)["active_seconds"] == 60
    code, out, err = cli("rebuild", "--json", clock=clock)
    assert code == 0, err
    assert json.loads(out)["first"] == json.loads(out)["last"] == "2026-01-05"


def test_rebuild_of_an_empty_store(cli):
    assert cli("resume")[0] == 0  # creates the database; rebuild itself never does (issue 7, item 8)
    code, out, _ = cli("rebuild")
    assert code == 0 and "Nothing to rebuild" in out


# -- rollups ---------------------------------------------------------------------------------
def _month_of_days():
    out = []
    for i in range(40):
        d = date(2026, 1, 1) + timedelta(days=i)
        out += hand_built_day(d) if i % 7 != 6 else []
    return out


def test_month_reports_read_rollups_not_raw_events(db):
    engine, uow = db
    add(uow, _month_of_days())
    rollups = service(uow)
    reports = ReportService(rollups)
    first = reports.report(month_period("2026-01"))
    assert first.active_seconds == 27 * 16200
    assert rollups.computed_days > 0

    statements = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, stmt, *a: statements.append(stmt))
    again = ReportService(service(uow)).report(month_period("2026-01"))
    reads_rows = [s for s in statements if "FROM events" in s and "data" in s]
    assert reads_rows == []  # no raw event row was read
    assert again == first

    # Deleting raw events is a change like any other (the triggers mark it): the days recompute.
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM events"))
    fresh = service(uow)
    assert ReportService(fresh).report(month_period("2026-01")).active_seconds == 0
    assert fresh.computed_days > 0


def test_today_stays_current_as_heartbeats_arrive(db):
    engine, uow = db
    t = datetime(2026, 1, 5, 9, tzinfo=UTC)
    clock = FakeClock(t)
    hb = HeartbeatEngine(uow, clock)
    add(uow, hand_built_day(date(2026, 1, 4)))
    rollups = RollupService(uow, build_setup(), clock)
    reports = ReportService(rollups)
    assert reports.report(day_period(date(2026, 1, 4))).active_seconds == 16200

    for i in range(0, 601):  # ten minutes of coding, a heartbeat a second
        hb.heartbeat(Heartbeat("window", t + timedelta(seconds=i), data={"app": "code", "title": "a"}))
    hb.flush()
    clock.set(t + timedelta(minutes=10))
    before = rollups.computed_days
    assert reports.report(day_period(date(2026, 1, 5))).active_seconds == 600
    assert rollups.computed_days - before == 1  # only today; yesterday came from its rollup

    for i in range(601, 1201):
        hb.heartbeat(Heartbeat("window", t + timedelta(seconds=i), data={"app": "code", "title": "a"}))
    hb.flush()
    with uow() as u:
        assert u.rollups.dirty()  # the flush marked the hours it wrote, in its own transaction
    r = reports.report(day_period(date(2026, 1, 5))).to_json()
    assert r["active_seconds"] == 1200
    assert r["categories"][0]["name"] == "Work > Programming"
    # Reading again computes nothing: the day was stored.
    before = rollups.computed_days
    assert reports.report(day_period(date(2026, 1, 5))).active_seconds == 1200
    assert rollups.computed_days == before


def test_rows_added_without_an_explicit_mark_are_marked_by_the_triggers(db):
    _, uow = db
    rollups = service(uow)
    add(uow, hand_built_day())
    assert ReportService(rollups).report(day_period(DAY)).active_seconds == 16200
    # Another writer adds a row without calling mark_dirty: the insert trigger marks it.
    add(uow, [ev("window", "18:00", "18:30", app="code", title="late")])
    assert ReportService(rollups).report(day_period(DAY)).active_seconds == 16200 + 1800


def test_a_change_racing_the_computation_is_used_once_but_never_stored(db):
    _, uow = db
    add(uow, hand_built_day())
    clock = FakeClock(datetime(2026, 1, 9, tzinfo=UTC))
    engine_hb = HeartbeatEngine(uow, clock)

    class Racing(RollupService):
        def _analyze(self, u, run):
            result = super()._analyze(u, run)
            # A heartbeat lands after the events were read, before the day is stored.
            engine_hb.heartbeat(Heartbeat("window", at(DAY, "20:00"), timedelta(minutes=10),
                                          {"app": "code", "title": "x"}))
            engine_hb.flush()
            return result

    racing = Racing(uow, build_setup(), clock)
    assert racing.summaries(DAY, DAY)[DAY].active == 16200
    with uow() as u:
        assert u.rollups.get(DAY, DAY, racing.setup.fingerprint) == {}
    plain = RollupService(uow, build_setup(), clock)
    assert plain.summaries(DAY, DAY)[DAY].active == 16200 + 600


def test_changing_the_settings_recomputes_with_the_new_rules(db):
    _, uow = db
    add(uow, hand_built_day())
    assert ReportService(service(uow)).report(day_period(DAY)).to_json()["categories"][0]["name"] == "Work > Programming"
    custom = AnalysisSettings.model_validate({
        "rules": [{"category": "Clients > Acme", "title": "tracker"}],
        "levels": {"Clients": 1}})
    s = service(uow, settings=custom)
    r = ReportService(s).report(day_period(DAY)).to_json()
    assert s.computed_days >= 1
    assert {c["name"]: c["seconds"] for c in r["categories"]}["Clients > Acme"] == 10800


def test_streak_and_weekly_goals(db):
    _, uow = db
    add(uow, _month_of_days())  # every day but each 7th (Jan 7, 14, 21, 28...) has 4.5 h
    settings = AnalysisSettings.model_validate({"goals": [
        {"name": "Coding 10 h a week", "metric": "coding", "period": "week", "min_minutes": 600}]})
    reports = ReportService(service(uow, settings=settings))
    r = reports.report(day_period(date(2026, 1, 13))).to_json()
    assert r["streak_days"] == 4  # Thu 8, Fri 9, Mon 12, Tue 13: the weekend neither breaks nor counts
    r = reports.report(day_period(date(2026, 1, 14))).to_json()
    assert r["streak_days"] == 0
    week = reports.report(month_period("2026-01"))
    goal = {g.goal.name: g for g in week.goals}["Coding 10 h a week"]
    assert goal.periods == 5 and goal.periods_met == 5  # ISO weeks touching January


def test_streak_while_today_is_in_progress(db):
    _, uow = db
    add(uow, [*hand_built_day(date(2026, 1, 3)), *hand_built_day(date(2026, 1, 4))])
    add(uow, [ev("window", "09:00", "09:30", day=date(2026, 1, 5), app="code", title="a")])
    every_day = AnalysisSettings.model_validate(
        {"work_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]})
    rollups = service(uow, now=at(date(2026, 1, 5), "10:00"), settings=every_day)
    assert ReportService(rollups).report(day_period(date(2026, 1, 5))).streak_days == 2
    # With the default Monday–Friday, the weekend's work is not a streak (and breaks none).
    rollups = service(uow, now=at(date(2026, 1, 5), "10:00"))
    assert ReportService(rollups).report(day_period(date(2026, 1, 5))).streak_days == 0


def test_a_weekend_does_not_break_the_streak_and_daily_goals_skip_days_off(cli, data_dir, monkeypatch):
    # Issue 7, item 12: Mon 5 .. Fri 9 and Mon 12 met the goal; the weekend had no activity.
    monkeypatch.setenv("TZ", "Europe/Berlin")
    engine = open_database(data_dir / "tracker.sqlite3")
    add(SqlUnitOfWorkFactory(engine), [e for d in (5, 6, 7, 8, 9, 12) for e in hand_built_day(date(2026, 1, d))])
    engine.dispose()
    clock = FakeClock(datetime(2026, 1, 12, 18, tzinfo=UTC))
    r = json.loads(cli("report", "--json", clock=clock)[1])
    assert r["streak_days"] == 6
    week = json.loads(cli("report", "--week", "2026-W02", "--json", clock=clock)[1])
    daily = {g["name"]: g for g in week["goals"]}["Daily active time"]
    assert (daily["periods"], daily["periods_met"]) == (5, 5)
    code, out, _ = cli("report", "--date", "2026-01-10", clock=clock)
    assert "Daily active time: 0s (day off)" in out


# -- time zones ------------------------------------------------------------------------------
def test_days_follow_tz(db, monkeypatch):
    _, uow = db
    late = Event("window", datetime(2026, 1, 6, 3, tzinfo=UTC), timedelta(hours=1), {"app": "code", "title": "a"})
    add(uow, [late])
    monkeypatch.setenv("TZ", "America/New_York")  # 22:00 on the 5th there
    ny = service(uow)
    assert ny.setup.tz_name == "America/New_York"
    assert ReportService(ny).report(day_period(date(2026, 1, 5))).active_seconds == 3600
    monkeypatch.setenv("TZ", "UTC")
    utc = service(uow)
    assert utc.setup.fingerprint != ny.setup.fingerprint
    assert ReportService(utc).report(day_period(date(2026, 1, 5))).active_seconds == 0
    assert ReportService(utc).report(day_period(date(2026, 1, 6))).active_seconds == 3600


def test_dst_transition_day_in_a_report(db, monkeypatch):
    _, uow = db
    monkeypatch.setenv("TZ", "America/New_York")
    day = date(2026, 3, 8)  # 02:00 EST -> 03:00 EDT
    tz = ZoneInfo("America/New_York")
    start = datetime(2026, 3, 8, 1, 0, tzinfo=tz).astimezone(UTC)
    add(uow, [Event("window", start, timedelta(hours=3), {"app": "code", "title": "a"}),
              Event("window", datetime(2026, 3, 8, 23, 30, tzinfo=tz).astimezone(UTC),
                    timedelta(hours=1), {"app": "code", "title": "b"})])
    r = ReportService(service(uow)).report(day_period(day)).to_json()
    assert r["start"] == "2026-03-08T00:00:00-05:00" and r["end"] == "2026-03-09T00:00:00-04:00"
    assert r["active_seconds"] == 3 * 3600 + 1800  # the last half hour belongs to the 9th
    assert {h: s for h, s in enumerate(r["hourly"]) if s} == {1: 3600.0, 3: 3600.0, 4: 3600.0, 23: 1800.0}


def test_day_start_hour_from_the_config_file(cli, data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    cfg = tmp_path / "config.toml"
    cfg.write_text("[analysis]\nday_start_hour = 4\nbreak_minutes = 10\n")
    engine = open_database(data_dir / "tracker.sqlite3")
    add(SqlUnitOfWorkFactory(engine), [
        Event("window", datetime(2026, 1, 5, 22, tzinfo=UTC), timedelta(hours=1), {"app": "code", "title": "a"}),
        Event("window", datetime(2026, 1, 6, 1, tzinfo=UTC), timedelta(hours=1), {"app": "code", "title": "a"})])
    engine.dispose()
    code, out, err = cli("--config", str(cfg), "report", "--date", "2026-01-05", "--json")
    assert code == 0, err
    r = json.loads(out)
    assert r["start"] == "2026-01-05T04:00:00+00:00" and r["day_start_hour"] == 4
    assert r["active_seconds"] == 7200 and r["break_seconds"] == 7200


def test_bad_analysis_settings_are_reported(cli, tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[analysis]\nlevels = {"Work" = 5}\n')
    code, _, err = cli("--config", str(cfg), "report")
    assert code == 2 and "outside -2" in err


def test_migration_creates_the_rollup_tables(tmp_path: Path):
    engine = open_database(tmp_path / "x.sqlite3")
    with engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert {"rollup_days", "rollup_dirty", "rollup_meta"} <= names
    assert version == script_head()


def test_background_tick_keeps_today_and_yesterday_rolled_up(db):
    _, uow = db
    add(uow, [*hand_built_day(date(2026, 1, 4)), *hand_built_day(date(2026, 1, 5))])
    rollups = service(uow, now=at(date(2026, 1, 5), "18:00"))
    rollups.tick()
    with uow() as u:
        stored = u.rollups.get(date(2026, 1, 1), date(2026, 1, 9), rollups.setup.fingerprint)
    assert sorted(stored) == [date(2026, 1, 4), date(2026, 1, 5)]
    assert stored[date(2026, 1, 5)].active_seconds == 16200
