"""A realistic seeded week in a real database (bench/year_data.py's generator), for the
dashboard's widget and screenshot tests."""

import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import msgspec

ROOT = Path(__file__).resolve().parents[2]
LAST = date(2026, 1, 9)  # a Friday ("today" in these tests)
FIRST = LAST - timedelta(days=6)
NOW = datetime.combine(LAST, datetime.min.time(), tzinfo=timezone.utc).replace(hour=23)


def settings_for(data_dir: Path):
    from tracker_desktop.config import AnalysisSettings, Settings

    return msgspec.structs.replace(Settings(analysis=AnalysisSettings(timezone="UTC")),
                                   data_dir=data_dir)


def seed_week(data_dir: Path, *, days: int = 7, focus_sessions: bool = True) -> None:
    """A week of window, browser, editor and AFK events ending on LAST, and a few finished
    focus sessions on its last day."""
    from tracker_desktop.app import build_app
    from tracker_desktop.domain.clock import FakeClock

    sys.path.insert(0, str(ROOT / "bench"))
    import year_data

    settings = settings_for(data_dir)
    app = build_app(settings, FakeClock(NOW))  # creates and migrates the database
    app.close()
    year_data.generate(settings.db_path, days=days, start=LAST - timedelta(days=days - 1))
    if focus_sessions:
        clock = FakeClock(NOW.replace(hour=9, minute=5))
        app = build_app(settings, clock)
        for minutes, context in ((50, "tracker: dashboard"), (30, "review"), (55, "write docs")):
            app.focus.start(context=context)
            clock.advance(minutes * 60)
            app.focus.stop(score=4)
            clock.advance(60 * 60)
        app.close()
