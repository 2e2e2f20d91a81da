"""What the tray does: polls the focus session and today's figures off the GUI thread, runs the
menu's verbs on the process's writer, feeds the break reminder and the idle-return question
from the AFK state, and asks for the session's rating. No widgets: the tray and the prompts
render what it says (signals), and tests drive it with a hand-fired clock and timers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal

from tracker_desktop.config import ReminderSettings
from tracker_desktop.domain import breaks, idle_return
from tracker_desktop.domain.clock import Clock
from tracker_desktop.domain.events import Event
from tracker_desktop.domain.focus import FocusError
from tracker_desktop.services.focus import FocusService, NoFocusSession, StoppedSession

from .tray_model import (
    NO_FOCUS,
    FocusSnapshot,
    Notice,
    TimerSnapshot,
    Today,
    TrayViewModel,
    duration_text,
    snapshot,
    timer_snapshot,
    tomorrow_start,
)

logger = logging.getLogger(__name__)

FOCUS_POLL_MS = 2000  # a session started by `focus start` shows within ~2 s
TODAY_REFRESH_MS = 60_000


class _At:
    """A clock stopped at one instant: the session ends when Stop was clicked, not when the
    rating was given."""

    def __init__(self, at: datetime, clock: Clock) -> None:
        self._at, self._clock = at, clock

    def now(self) -> datetime:
        return self._at

    def monotonic(self) -> float:
        return self._clock.monotonic()


@dataclass
class TrayBackend:
    """The services the tray acts through. `write` runs a job on the process's one database
    writer (never the GUI thread); `query` runs a read on the worker pool and hands the result
    back on the GUI thread; `focus(clock)` builds a FocusService for the writer thread."""

    tracking_status: Callable[[], dict[str, Any]]
    pause_tracking: Callable[[float | None], object]
    resume_tracking: Callable[[], object]
    write: Callable[[Callable[[], None], str], None]
    query: Callable[[Callable[[], Any], Callable[[Any], None], str], object]
    focus: Callable[[Clock], FocusService]
    today: Callable[[], Today]
    record: Callable[[Event], None]
    tz: tzinfo
    day_start_hour: int = 0
    afk_timeout: float = 180.0
    # The task running now, if any, besides the task timer the tray polls itself (`tasks`).
    # The idle question asks when one runs and offers it as the work's task.
    running_task: Callable[[], str | None] = field(default=lambda: None)
    # A TaskService for the writer and query threads: the task timer in the menu and icon.
    tasks: Callable[[Clock], Any] | None = None


class _Relay(QObject):
    """Carries a writer job's outcome to the GUI thread (queued across threads)."""

    done = Signal(object, object, object)  # callback, result, exception


class TrayController(QObject):
    notice = Signal(object)  # Notice
    ask_rating = Signal(str, object)  # summary, the moment Stop was clicked
    ask_idle = Signal(object, str)  # away since (datetime), the running task ("" none)
    open_dashboard = Signal(dict)  # {"period": ..., "date": ...}
    open_settings = Signal()
    quit_requested = Signal()

    def __init__(self, backend: TrayBackend, vm: TrayViewModel, clock: Clock,
                 settings: ReminderSettings) -> None:
        super().__init__()
        self._b, self.vm, self._clock = backend, vm, clock
        self.settings = settings
        self._relay = _Relay(self)
        self._relay.done.connect(self._deliver)
        self._tasks = backend.tasks(clock) if backend.tasks is not None else None
        self._breaks = breaks.BreakState()
        self._away_since: datetime | None = None
        self._paused_since: datetime | None = None
        self.rating_open = False
        self._rating_phases = 0
        self.idle_open = False
        self.focus_timer = QTimer(self)
        self.focus_timer.setInterval(FOCUS_POLL_MS)
        self.focus_timer.timeout.connect(self.poll_focus)
        self.today_timer = QTimer(self)
        self.today_timer.setInterval(TODAY_REFRESH_MS)
        self.today_timer.timeout.connect(self.refresh_today)
        vm.notice.connect(self.notice.emit)

    # -- settings -------------------------------------------------------------------------------
    @property
    def break_policy(self) -> breaks.BreakPolicy:
        s = self.settings
        return breaks.BreakPolicy(timedelta(minutes=s.break_after_minutes),
                                  timedelta(minutes=s.break_repeat_minutes),
                                  timedelta(minutes=s.break_min_minutes))

    @property
    def idle_policy(self) -> idle_return.IdlePolicy:
        s = self.settings
        return idle_return.IdlePolicy(timedelta(minutes=s.idle_prompt_minutes),
                                      s.idle_prompt_during_focus)

    def apply_settings(self, settings: ReminderSettings) -> None:
        self.settings = settings

    # -- polling --------------------------------------------------------------------------------
    def start(self) -> None:
        self.focus_timer.start()
        self.today_timer.start()
        self.poll_focus()
        self.refresh_today()

    def stop(self) -> None:
        self.focus_timer.stop()
        self.today_timer.stop()

    def _on_writer(self, fn: Callable[[], Any], key: str,
                   done: Callable[[Any], None] | None = None,
                   failed: Callable[[BaseException], None] | None = None) -> None:
        relay = self._relay

        def job() -> None:
            try:
                result = fn()
            except Exception as exc:  # handed to the GUI thread, which tells the person
                relay.done.emit(failed, None, exc)
            else:
                relay.done.emit(done, result, None)

        self._b.write(job, key)

    def _deliver(self, callback: Any, result: Any, exc: Any) -> None:
        if exc is not None:
            if callback is None:
                logger.error("tray job failed", exc_info=exc)
                self.notice.emit(Notice("Something went wrong", str(exc), important=True))
            else:
                callback(exc)
        elif callback is not None:
            callback(result)

    def poll_focus(self) -> None:
        """Advance the session through phases whose timers ran out (stored, so every process
        agrees) and show it: on the writer thread, which is where this process writes."""
        focus = self._b.focus(self._clock)
        self._on_writer(lambda: snapshot(focus.tick()), "tray-focus", self._focus_seen,
                        lambda exc: logger.warning("focus poll failed: %s", exc))
        self.poll_timer()

    def _focus_seen(self, snap: FocusSnapshot) -> None:
        prev = self.vm.focus
        self.vm.set_focus(snap)
        if snap.phase in ("short_break", "long_break") and prev.phase != snap.phase:
            # A focus break is a real break: the no-break counter restarts.
            self._breaks = breaks.took_break(self._breaks, self._clock.now())
        if snap.done and not prev.done and not self.rating_open:
            self._ask_rating(snap)
        if (prev.session_id, prev.phases, prev.paused) != (snap.session_id, snap.phases,
                                                           snap.paused):
            self.refresh_today()

    def poll_timer(self) -> None:
        """The task timer (started here, in the dashboard or by `timer start`): a read on the
        query thread, with the focus poll."""
        tasks = self._tasks
        if tasks is not None:
            self._b.query(lambda: timer_snapshot(tasks), self.vm.set_timer, "tray-timer")

    def _timer_verb(self, verb: Callable[[Any], Any], what: str) -> None:
        tasks = self._tasks
        if tasks is None:
            return

        def run() -> TimerSnapshot:
            verb(tasks)
            return timer_snapshot(tasks)

        def failed(exc: BaseException) -> None:
            self.notice.emit(Notice(f"Cannot {what}", str(exc).split(": `")[0], important=True))
            self.poll_timer()

        self._on_writer(run, f"tray-timer-{what}", self.vm.set_timer, failed)

    def timer_start(self, task_id: int | None) -> None:
        self._timer_verb(lambda t: t.timer_start(task_id), "start the task timer")

    def timer_pause(self) -> None:
        self._timer_verb(lambda t: t.timer_pause(), "pause the task timer")

    def timer_resume(self) -> None:
        self._timer_verb(lambda t: t.timer_resume(), "resume the task timer")

    def timer_stop(self) -> None:
        self._timer_verb(lambda t: t.timer_stop(), "stop the task timer")

    def refresh_today(self) -> None:
        self._b.query(self._b.today, self.vm.set_today, "tray-today")

    def on_tick(self) -> None:
        """After every tracking tick (GUI thread, no database): the status, the reminders."""
        self.vm.refresh()
        self.observe(self._clock.now())

    # -- presence: break reminders and the idle-return question ---------------------------------
    def observe(self, now: datetime) -> None:
        status = self.vm.tracking
        afk, paused = bool(status.get("afk")), bool(status.get("paused"))
        if paused:
            self._paused_since = self._paused_since or now
        else:
            self._paused_since = None
        if afk and self._away_since is None:
            # The AFK state turns on `afk_timeout` after the last input: that is when the
            # absence began (as ActivityWatch dates it).
            self._away_since = now - timedelta(seconds=self._b.afk_timeout)
        elif not afk and self._away_since is not None:
            since, self._away_since = self._away_since, None
            timer = self.vm.timer
            task = self._b.running_task() or (timer.title if timer.running else None)
            if (not paused and not self.idle_open and idle_return.should_ask(
                    self.idle_policy, now - since, focus_running=self.vm.focus.running,
                    task_running=task is not None)):
                self.idle_open = True
                self.ask_idle.emit(since, task or "")
        away = self._away_since if afk else self._paused_since
        self._breaks, reminder = breaks.observe(self.break_policy, self._breaks, now,
                                                away_since=away, quiet=self.vm.focus.running)
        if reminder is not None:
            self.notice.emit(Notice("Time for a break",
                                    f"You have been at it for {duration_text(reminder.active_for.total_seconds())}. "
                                    "Stand up, look away from the screen."))

    def take_break(self) -> None:
        """The menu's "Take a break": the no-break counter restarts; no break time is recorded
        (only time really away is)."""
        self._breaks = breaks.took_break(self._breaks, self._clock.now())
        self.notice.emit(Notice("Enjoy your break", "The break reminder starts counting again "
                                                    "when you are back."))

    def answer_idle(self, answer: idle_return.AwayAnswer, since: datetime, end: datetime) -> None:
        self.idle_open = False
        try:
            parts = idle_return.allocate(answer, since, end)
        except idle_return.AwayError as exc:
            self.notice.emit(Notice("Not recorded", str(exc), important=True))
            return
        events = idle_return.manual_events(parts)
        for event in events:
            self._b.record(event)
        worked = sum((e.duration for e in events), timedelta(0))
        if worked:
            task = next((e.data.get("task") for e in events if e.data.get("task")), None)
            self.notice.emit(Notice("Recorded", f"{duration_text(worked.total_seconds())} of work"
                                    + (f" on {task}" if task else "") + " while away."))
        self._book_on_tasks(tuple(p for p in parts if p.kind == "work" and p.task))
        if events:
            self.refresh_today()

    def _book_on_tasks(self, work: tuple[idle_return.Allocation, ...]) -> None:
        """Work while away on a named task is time on that task (a time entry), unless the
        task timer ran on it all along; a name no open task has makes a new task."""
        tasks = self._tasks
        if tasks is None or not work:
            return

        def run() -> TimerSnapshot:
            for part in work:
                open_tasks = [t for t in tasks.find() if t.status in ("todo", "in_progress")]
                match = next((t for t in open_tasks
                              if t.title.casefold() == part.task.casefold()), None)
                running = tasks.timer_status()
                if match is not None and running is not None and running.task_id == match.id:
                    continue  # its timer counted the time already
                made = match is None
                if match is None:
                    match = tasks.add(part.task)
                try:
                    tasks.entry_add(part.start, part.end, task_id=match.id,
                                    description="worked while away")
                except Exception:
                    if made:  # nothing half-done: the new task goes with its refused time
                        tasks.delete(match.id)
                    raise
            return timer_snapshot(tasks)

        def failed(exc: BaseException) -> None:
            self.notice.emit(Notice("Not added to the task", str(exc).split(" (pass")[0],
                                    important=True))
            self.poll_timer()

        self._on_writer(run, "tray-timer-away", self.vm.set_timer, failed)

    # -- focus verbs (the menu) -----------------------------------------------------------------
    def _focus_verb(self, verb: Callable[[FocusService], Any], what: str) -> None:
        focus = self._b.focus(self._clock)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, FocusError):
                self.notice.emit(Notice(f"Cannot {what}", str(exc).split(": `")[0],
                                        important=True))
            else:
                logger.error("focus %s failed", what, exc_info=exc)
                self.notice.emit(Notice(f"Cannot {what}", str(exc), important=True))

        self._on_writer(lambda: snapshot(verb(focus)), f"tray-focus-{what}", self._focus_seen,
                        failed)

    def focus_start(self) -> None:
        self._focus_verb(lambda f: f.start(), "start a focus session")

    def focus_pause(self) -> None:
        self._focus_verb(lambda f: f.pause(), "pause")

    def focus_resume(self) -> None:
        self._focus_verb(lambda f: f.resume(), "resume")

    def focus_skip(self) -> None:
        self._focus_verb(lambda f: f.skip(), "skip")

    def focus_next(self) -> None:
        self._focus_verb(lambda f: f.start_next(), "start the next phase")

    def focus_stop(self) -> None:
        """Ask for the rating; the session ends as of now, when the answer (or a skip) comes."""
        if not self.rating_open and self.vm.focus.running:
            self._ask_rating(self.vm.focus)

    def _ask_rating(self, snap: FocusSnapshot) -> None:
        self.rating_open = True
        self._rating_phases = snap.phases
        parts = [f"{snap.cycles} focus phase{'s' if snap.cycles != 1 else ''} done"]
        if snap.context:
            parts.insert(0, snap.context)
        self.ask_rating.emit(" · ".join(parts), self._clock.now())

    def finish_session(self, at: datetime, score: int | None, notes: str) -> None:
        """Stop the session as of `at` (Stop's click) with the rating; tell its insights."""
        self.rating_open = False
        if self.vm.focus.phases != self._rating_phases:
            # A phase began while the question was open (and was stored): the session cannot
            # end before it began, so it ends now.
            at = self._clock.now()
        focus = self._b.focus(_At(at, self._clock))

        def stopped(result: StoppedSession) -> None:
            s = result.session
            title = "Session saved" if s.completed else "Session ended"
            self.notice.emit(Notice(title, "; ".join(result.insights) or
                                    f"{duration_text(s.actual.total_seconds())} of focus"))
            self.vm.set_focus(NO_FOCUS, quiet=True)
            self.poll_focus()
            self.refresh_today()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, NoFocusSession):
                self.poll_focus()  # stopped elsewhere meanwhile: nothing to save
                return
            self.notice.emit(Notice("Could not save the session", str(exc), important=True))

        self._on_writer(lambda: focus.stop(score=score, notes=notes), "tray-focus-stop",
                        stopped, failed)

    # -- tracking pause -------------------------------------------------------------------------
    def pause_tracking(self, minutes: float | None) -> None:
        self._b.pause_tracking(minutes)
        self.vm.refresh()

    def pause_until_tomorrow(self) -> None:
        now = self._clock.now()
        until = tomorrow_start(now, self._b.tz, self._b.day_start_hour)
        self.pause_tracking(max(1.0, (until - now).total_seconds() / 60))

    def resume_tracking(self) -> None:
        self._b.resume_tracking()
        self.vm.refresh()

    # -- windows --------------------------------------------------------------------------------
    def show_dashboard(self) -> None:
        self.open_dashboard.emit({"open": "dashboard", "period": "day"})

    def show_settings(self) -> None:
        self.open_settings.emit()

    def quit(self) -> None:
        self.quit_requested.emit()
