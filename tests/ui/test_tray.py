"""The tray: its view-model (pure), its controller on a real FocusService (in-memory unit of
work, a hand-moved clock, timers fired by hand) and the icon's menu, offscreen."""

from datetime import datetime, timedelta, timezone

import pytest

pytest.importorskip("PySide6")

from storage.uow import MemoryUnitOfWork  # noqa: E402
from tracker_desktop.config import FocusSettings, ReminderSettings  # noqa: E402
from tracker_desktop.domain.clock import FakeClock  # noqa: E402
from tracker_desktop.domain.events import MANUAL  # noqa: E402
from tracker_desktop.domain.idle_return import AwayAnswer  # noqa: E402
from tracker_desktop.services.focus import FocusService  # noqa: E402
from ui.tray import TrayIcon  # noqa: E402
from ui.tray_controller import FOCUS_POLL_MS, TrayBackend, TrayController  # noqa: E402
from ui.tray_model import (  # noqa: E402
    NO_FOCUS,
    FocusSnapshot,
    IconSpec,
    Today,
    TrayViewModel,
    describe,
    focus_notice,
    minutes_text,
    snapshot,
    tomorrow_start,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def status(paused=False, afk=False, window=("code", "main.py"), collectors=None, until=None):
    return {"paused": paused, "pause_until": until, "afk": afk,
            "window": {"app": window[0], "title": window[1]} if window else None,
            "collectors": collectors or {"window": True, "afk": True, "input": True}}


# -- the view-model, no Qt widgets -------------------------------------------------------------

def test_describe_tracking_states():
    assert describe(status()).status_line == "Tracking"
    assert describe(status(afk=True)).status_line == "Away (AFK)"
    assert describe(status(afk=True)).icon == IconSpec("afk")
    assert describe(status(paused=True)).status_line == "Paused"
    assert describe(status(paused=True)).icon == IconSpec("paused")
    assert describe(status(paused=True, until="2026-01-05T10:15:00+00:00"),
                    timezone.utc).status_line == "Paused until 10:15"
    assert describe(status(collectors={"window": False, "afk": True, "input": False})).status_line == \
        "Tracking — off: window, input"
    assert describe(status(window=None)).window_line == "No active window"
    assert describe(status()).window_line == "code — main.py"
    long = describe(status(window=("firefox", "x" * 200))).window_line
    assert len(long) == 48 and long.endswith("…")  # the menu keeps its width


def test_tooltip_has_todays_time_and_score():
    view = describe(status(), today=Today(3 * 3600 + 25 * 60 + 10, 71.6))
    assert view.today_line == "Today: 3 h 25 min active · score 72"
    assert view.tooltip == "tracker-desktop: Tracking\nToday: 3 h 25 min active · score 72"
    assert describe(status(), today=Today(0, None)).today_line == "Today: 0 min active"


def test_focus_shows_minutes_left_in_the_icon_and_the_menu_follows():
    work = FocusSnapshot(1, "pomodoro", "work", remaining=12 * 60 + 5, elapsed=12 * 60 + 55,
                         phases=1)
    view = describe(status(), focus=work, today=Today(60, 50))
    assert view.icon.kind == "focus" and view.icon.text == "13"
    assert 0.49 < view.icon.progress < 0.52
    assert view.focus_line == "Focus: 13 min left"
    assert "Focus: 13 min left" in view.tooltip.splitlines()
    assert view.menu.focus_pause and view.menu.focus_stop and not view.menu.focus_start
    paused = describe(status(), focus=FocusSnapshot(1, "pomodoro", "work", paused=True,
                                                    remaining=600, elapsed=900, phases=1))
    assert paused.icon.paused and paused.menu.focus_resume and not paused.menu.focus_pause
    brk = describe(status(), focus=FocusSnapshot(1, "pomodoro", "short_break", remaining=240,
                                                 elapsed=60, phases=2, cycles=1))
    assert brk.icon.kind == "break" and brk.focus_line == "Short break: 4 min left · 1 done"
    waiting = describe(status(), focus=FocusSnapshot(1, "pomodoro", None, waiting="work",
                                                     phases=2, cycles=1))
    assert waiting.icon.kind == "waiting" and waiting.menu.focus_next
    flow = describe(status(), focus=FocusSnapshot(1, "flowtime", "work", elapsed=47 * 60,
                                                  phases=1))
    assert flow.icon.text == "47" and flow.icon.progress is None
    # A focus session shows over AFK and a tracking pause: its timer is what matters now.
    assert describe(status(afk=True), focus=work).icon.kind == "focus"
    assert describe(status()).menu.focus_start


def test_minutes_round_up_while_a_timer_runs():
    assert minutes_text(25 * 60) == "25"
    assert minutes_text(24 * 60 + 1) == "25"
    assert minutes_text(0.5) == "1"
    assert minutes_text(0) == "0"


def test_notices_at_phase_changes():
    work = FocusSnapshot(1, "pomodoro", "work", remaining=1500, phases=1)
    assert focus_notice(NO_FOCUS, work).title == "Focus session started"
    assert focus_notice(work, work) is None
    brk = FocusSnapshot(1, "pomodoro", "short_break", remaining=300, phases=2, cycles=1)
    assert focus_notice(work, brk).title == "Short break time"
    back = FocusSnapshot(1, "pomodoro", "work", remaining=1500, phases=3, cycles=1)
    assert focus_notice(brk, back).title == "Back to focus"
    waiting = FocusSnapshot(1, "pomodoro", None, waiting="work", phases=2, cycles=1)
    assert focus_notice(brk, waiting).title == "Break is over"
    done = FocusSnapshot(1, "countdown", None, done=True, phases=1, cycles=1)
    assert focus_notice(work, done).title == "Time's up"
    assert focus_notice(work, NO_FOCUS).title == "Focus session ended"


def test_until_tomorrow_is_the_next_days_start():
    now = datetime(2026, 1, 5, 23, 30, tzinfo=timezone.utc)
    assert tomorrow_start(now, timezone.utc) == datetime(2026, 1, 6, tzinfo=timezone.utc)
    assert tomorrow_start(now, timezone.utc, 4) == datetime(2026, 1, 6, 4, tzinfo=timezone.utc)
    early = datetime(2026, 1, 6, 2, 0, tzinfo=timezone.utc)  # still the 5th's tracking day
    assert tomorrow_start(early, timezone.utc, 4) == datetime(2026, 1, 6, 4, tzinfo=timezone.utc)


def test_snapshot_of_a_real_session():
    clock = FakeClock(T0)
    focus = FocusService(MemoryUnitOfWork(), FocusSettings(work_minutes=25), clock, timezone.utc)
    assert snapshot(focus.status()) == NO_FOCUS
    focus.start(context="Chapter 5")
    clock.advance(10 * 60)
    snap = snapshot(focus.status())
    assert (snap.phase, snap.remaining, snap.elapsed, snap.context) == ("work", 900.0, 600.0,
                                                                       "Chapter 5")


# -- the controller on real services ------------------------------------------------------------

class Harness:
    """A tray controller over a real FocusService (in-memory unit of work): writes and queries
    run at once on the test's thread, as the writer and the worker would run them in order."""

    def __init__(self, settings=None):
        self.clock = FakeClock(T0)
        self.uow = MemoryUnitOfWork()
        self.tracking = status()
        self.recorded = []
        self.writes = []
        self.paused_for = []
        self.today_calls = 0

        def write(fn, key):
            self.writes.append(key)
            fn()

        def today():
            self.today_calls += 1
            return Today(3600.0, 80.0)

        def pause(minutes):
            self.paused_for.append(minutes)
            self.tracking = status(paused=True)

        def resume():
            self.tracking = status()

        self.backend = TrayBackend(
            tracking_status=lambda: self.tracking, pause_tracking=pause, resume_tracking=resume,
            write=write, query=lambda fn, done, key: done(fn()),
            focus=lambda clock: FocusService(self.uow, FocusSettings(), clock, timezone.utc),
            today=today, record=self.recorded.append, tz=timezone.utc, afk_timeout=180.0)
        self.vm = TrayViewModel(lambda: self.tracking, timezone.utc)
        self.ctl = TrayController(self.backend, self.vm, self.clock,
                                  settings or ReminderSettings())
        self.notices = []
        self.ctl.notice.connect(self.notices.append)
        self.ratings = []
        self.ctl.ask_rating.connect(lambda summary, at: self.ratings.append((summary, at)))
        self.idle = []
        self.ctl.ask_idle.connect(lambda since, task: self.idle.append((since, task)))
        self.cli = FocusService(self.uow, FocusSettings(), self.clock, timezone.utc)

    def tick(self, seconds=0.0):
        self.clock.advance(seconds)
        self.ctl.on_tick()


@pytest.fixture
def h(qapp):
    return Harness()


def test_start_from_the_menu_is_stored_and_shown(h, qtbot):
    tray = TrayIcon(h.vm, h.ctl)
    h.ctl.start()
    assert h.vm.focus == NO_FOCUS and h.vm.today == Today(3600.0, 80.0)
    assert tray.focus_start.isVisible() and not tray.focus_stop.isVisible()
    tray.focus_start.trigger()
    assert h.cli.status().running  # stored: the CLI sees it
    assert tray.header.focus.text() == "Focus: 25 min left"
    assert tray.focus_stop.isVisible() and not tray.focus_start.isVisible()
    assert "Focus: 25 min left" in tray.toolTip()
    assert [n.title for n in h.notices] == ["Focus session started"]
    assert h.writes == ["tray-focus", "tray-focus-start a focus session"]


def test_a_session_started_by_the_cli_shows_at_the_next_poll(h):
    h.ctl.start()
    assert h.ctl.focus_timer.interval() == FOCUS_POLL_MS
    h.cli.start(minutes=10)
    h.ctl.focus_timer.timeout.emit()
    assert h.vm.view.icon.kind == "focus" and h.vm.view.icon.text == "10"
    # The timer runs out: the tray's poll stores the break (every process agrees on it).
    h.clock.advance(10 * 60 + 1)
    h.ctl.focus_timer.timeout.emit()
    assert h.vm.focus.phase == "short_break"
    assert h.cli.status().changes == ()  # already stored by the tray
    assert [n.title for n in h.notices] == ["Focus session started", "Short break time"]
    h.cli.stop()
    h.ctl.focus_timer.timeout.emit()
    assert h.vm.focus == NO_FOCUS and h.notices[-1].title == "Focus session ended"


def test_pause_resume_skip_from_the_menu(h):
    tray = TrayIcon(h.vm, h.ctl)
    h.ctl.start()
    tray.focus_start.trigger()
    tray.focus_pause.trigger()
    assert h.cli.status().state.paused and tray.focus_resume.isVisible()
    tray.focus_resume.trigger()
    assert not h.cli.status().state.paused
    tray.focus_skip.trigger()
    assert h.vm.focus.phase == "short_break"
    # Pausing twice (a race with the CLI) is told, not crashed on.
    h.cli.pause()
    h.ctl.focus_pause()
    assert h.notices[-1].title == "Cannot pause" and "already paused" in h.notices[-1].text


def test_stop_asks_for_a_rating_and_saves_it_as_of_the_click(h):
    h.ctl.start()
    h.ctl.focus_start()
    h.clock.advance(25 * 60 + 1)
    h.ctl.poll_focus()
    h.ctl.focus_stop()
    (summary, at), = h.ratings
    assert "1 focus phase done" in summary and at == h.clock.now()
    h.ctl.focus_stop()  # the prompt is open: not asked twice
    assert len(h.ratings) == 1
    h.clock.advance(120)  # answering takes two minutes; the session ended at the click
    h.ctl.finish_session(at, 4, "good one")
    with h.uow() as u:
        (s,) = u.focus.finished()
    assert (s.score, s.notes, s.ended) == (4, "good one", at)
    assert h.notices[-1].title == "Session saved"
    assert h.vm.focus == NO_FOCUS


def test_a_countdown_that_ran_out_asks_for_the_rating(h):
    h.ctl.start()
    h.cli.start(mode="countdown", minutes=5)
    h.ctl.poll_focus()
    h.clock.advance(5 * 60 + 1)
    h.ctl.poll_focus()
    assert h.vm.view.icon.kind == "waiting" and len(h.ratings) == 1


def test_pause_tracking_from_the_menu(h):
    tray = TrayIcon(h.vm, h.ctl)
    tray.pause_15.trigger()
    assert h.paused_for == [15] and tray.resume_tracking.isVisible()
    assert h.vm.view.icon == IconSpec("paused")
    tray.resume_tracking.trigger()
    assert not h.vm.view.paused and not tray.resume_tracking.isVisible()
    h.clock.set(datetime(2026, 1, 5, 22, 0, tzinfo=timezone.utc))
    tray.pause_tomorrow.trigger()
    assert h.paused_for[-1] == 120


def test_break_reminder_after_continuous_activity(qapp):
    h = Harness(ReminderSettings(break_after_minutes=50, break_repeat_minutes=10))
    for _ in range(50):  # the first tick starts the stretch
        h.tick(60)
    assert h.notices == []
    h.tick(60)
    assert [n.title for n in h.notices] == ["Time for a break"]
    assert "50 min" in h.notices[0].text
    h.ctl.take_break()
    for _ in range(30):
        h.tick(60)
    assert [n.title for n in h.notices] == ["Time for a break", "Enjoy your break"]


def test_idle_return_asks_during_focus_and_records_work(h):
    h.ctl.start()
    h.ctl.focus_start()
    h.tick(60)
    h.tracking = status(afk=True)  # the AFK state turns on 3 min after the last input
    h.tick(0)
    away_since = h.clock.now() - timedelta(minutes=3)
    h.tick(20 * 60)
    h.tracking = status()
    h.tick(1)
    assert h.idle == [(away_since, "")]
    end = h.clock.now() + timedelta(seconds=30)
    h.ctl.answer_idle(AwayAnswer("split", task="T-12", work_minutes=15), away_since, end)
    (e,) = h.recorded
    assert e.source == MANUAL and e.start == away_since and e.duration == timedelta(minutes=15)
    assert e.data["task"] == "T-12"
    assert h.notices[-1].text == "15 min of work on T-12 while away."


def test_idle_return_is_silent_without_a_timer_or_when_configured(qapp):
    h = Harness(ReminderSettings(idle_prompt_during_focus=False))
    h.ctl.start()
    h.ctl.focus_start()
    h.tracking = status(afk=True)
    h.tick(0)
    h.tick(30 * 60)
    h.tracking = status()
    h.tick(1)
    assert h.idle == []
    h2 = Harness()
    h2.tracking = status(afk=True)
    h2.tick(0)
    h2.tick(30 * 60)
    h2.tracking = status()
    h2.tick(1)
    assert h2.idle == []  # no focus session, no task timer


def test_quit_and_windows_are_asked_for(h):
    tray = TrayIcon(h.vm, h.ctl)
    asked = []
    h.ctl.quit_requested.connect(lambda: asked.append("quit"))
    h.ctl.open_dashboard.connect(lambda m: asked.append(m))
    h.ctl.open_settings.connect(lambda: asked.append("settings"))
    tray.dashboard_action.trigger()
    tray.settings_action.trigger()
    tray.quit_action.trigger()
    assert asked == [{"open": "dashboard", "period": "day"}, "settings", "quit"]


def test_a_tracking_pause_long_enough_is_a_break(qapp):
    h = Harness(ReminderSettings(break_after_minutes=50, break_min_minutes=5))
    for _ in range(40):
        h.tick(60)
    h.tracking = status(paused=True)
    for _ in range(6):
        h.tick(60)
    h.tracking = status()
    for _ in range(45):
        h.tick(60)
    assert h.notices == []  # the stretch restarted after the pause
    for _ in range(6):
        h.tick(60)
    assert [n.title for n in h.notices] == ["Time for a break"]


def test_a_running_task_timer_is_asked_about_and_offered(qapp):
    h = Harness()
    h.backend.running_task = lambda: "T-7"
    h.tracking = status(afk=True)
    h.tick(0)
    since = h.clock.now() - timedelta(minutes=3)
    h.tick(10 * 60)
    h.tracking = status()
    h.tick(1)
    assert h.idle == [(since, "T-7")]  # no focus session, but a task timer ran


def test_a_phase_that_began_while_the_rating_was_open_ends_the_session_at_the_answer(h):
    h.ctl.start()
    h.ctl.focus_start()
    h.clock.advance(24 * 60)
    h.ctl.focus_stop()
    (_, at), = h.ratings
    h.clock.advance(3 * 60)  # the work phase ends while the prompt is open; the poll stores it
    h.ctl.poll_focus()
    assert h.vm.focus.phase == "short_break"
    h.ctl.finish_session(at, 3, "")
    with h.uow() as u:
        (s,) = u.focus.finished()
    assert s.ended == h.clock.now() and s.cycles == 1 and s.score == 3
