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


def seed_tasks_and_insights(data_dir: Path) -> None:
    """A few tasks with time on them (timer entries on the seeded days, one timer running at
    NOW) and the local insights and plan of LAST, for the Tasks and Insights tabs."""
    from tracker_desktop.app import build_app
    from tracker_desktop.domain.clock import FakeClock

    day0 = datetime.combine(FIRST, datetime.min.time(), tzinfo=timezone.utc)
    clock = FakeClock(day0 + timedelta(hours=8))
    app = build_app(settings_for(data_dir), clock)
    try:
        t = app.tasks
        docs = t.add("Write the user guide", priority="high", estimate_hours=6, project="tracker",
                     due=LAST + timedelta(days=3))
        review = t.add("Review the sync PR", priority="urgent", estimate_hours=1.5,
                       project="tracker", due=LAST - timedelta(days=1))
        bug = t.add("Fix the midnight rollover bug", priority="medium", estimate_hours=2,
                    project="tracker")
        t.add("Book the team offsite", priority="low", project="admin")
        done = t.add("Set up CI", priority="high", estimate_hours=3, project="tracker")
        clock.advance((NOW - timedelta(hours=1) - clock.now()).total_seconds())
        for d, (task, h0, hours) in enumerate([(docs, 9, 2.5), (review, 14, 1), (done, 10, 4),
                                               (docs, 9, 1.5), (bug, 13, 2.5), (docs, 10, 1)]):
            start = day0 + timedelta(days=d, hours=h0)
            t.entry_add(start, start + timedelta(hours=hours), task_id=task.id)
        t.done(done.id)
        t.timer_start(bug.id)
        clock.advance(3600)
        app.ai.insights(LAST, local=True)
        app.ai.plan(LAST, local=True)
        app.ai.tick(LAST, 1, True)
    finally:
        app.close()
