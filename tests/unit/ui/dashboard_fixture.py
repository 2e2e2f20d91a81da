"""A small day in memory for the dashboard's unit tests: a DashboardService over the memory
unit of work (no files, no Qt), with a known timeline."""

from datetime import datetime, timedelta, timezone

from storage.uow import MemoryUnitOfWork
from tracker_desktop.config import AnalysisSettings, FocusSettings
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.events import Event
from tracker_desktop.services.analysis_setup import build_setup
from tracker_desktop.services.dashboard import DashboardService
from tracker_desktop.services.focus import FocusService
from tracker_desktop.services.reports import ReportService
from tracker_desktop.services.rollups import RollupService

DAY = datetime(2026, 1, 7, tzinfo=timezone.utc)  # a Wednesday


def at(h: float) -> datetime:
    return DAY + timedelta(hours=h)


def window(h0: float, h1: float, app: str, title: str) -> Event:
    return Event("window", at(h0), at(h1) - at(h0), {"app": app, "title": title})


def make(events=(), now: datetime | None = None):
    uow = MemoryUnitOfWork()
    with uow:
        uow.events.add_many(list(events))
        uow.commit()
    clock = FakeClock(now or at(18))
    setup = build_setup(AnalysisSettings(), tz_name="UTC")
    rollups = RollupService(uow, setup, clock, read_mostly=True)
    focus = FocusService(uow, FocusSettings(), clock, timezone.utc)
    service = DashboardService(ReportService(rollups), focus, uow, clock, lambda: uow.commits)
    return service, uow, clock, focus


def a_day() -> list[Event]:
    """09–11 coding with a browser tab on docs at 10:00–10:30, away 11:00–11:30, 11:30–12:00 on
    YouTube in Firefox; the day before: one hour of coding."""
    return [
        window(9, 10, "code", "main.py - tracker - Visual Studio Code"),
        window(10, 10.5, "Firefox", "Python docs — Mozilla Firefox"),
        window(10.5, 11, "code", "views.py - tracker - Visual Studio Code"),
        window(11, 11.5, "code", "views.py - tracker - Visual Studio Code"),
        window(11.5, 12, "Firefox", "cats - YouTube — Mozilla Firefox"),
        Event("browser", at(10), timedelta(minutes=30),
              {"url": "https://docs.python.org/3/", "domain": "docs.python.org",
               "title": "Python docs", "browser": "firefox", "audible": False, "incognito": False}),
        Event("browser", at(11.5), timedelta(minutes=30),
              {"url": "https://www.youtube.com/watch?v=1", "domain": "youtube.com",
               "title": "cats - YouTube", "browser": "firefox", "audible": False, "incognito": False}),
        Event("editor", at(9), timedelta(hours=1),
              {"project": "tracker", "language": "Python", "file": "/src/tracker/main.py"}),
        Event("afk", at(9), timedelta(hours=2), {"status": "not-afk"}),
        Event("afk", at(11), timedelta(minutes=30), {"status": "afk"}),
        Event("afk", at(11.5), timedelta(minutes=30), {"status": "not-afk"}),
        window(-15, -14, "code", "old.py - tracker - Visual Studio Code"),
        Event("afk", at(-15), timedelta(hours=1), {"status": "not-afk"}),
    ]
