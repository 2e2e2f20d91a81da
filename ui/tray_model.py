"""The tray's view-model: what the icon, tooltip and menu show, and the notices at focus phase
changes. Pure functions of the tracker's status, the focus session and today's figures; the
QObject only holds the latest of each and says when the view changed. No widgets here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, Literal

from PySide6.QtCore import QObject, Signal

from tracker_desktop.services.focus import FocusStatus

IconKind = Literal["tracking", "paused", "afk", "focus", "break", "waiting", "task"]
PHASE_NAMES = {"work": "Focus", "short_break": "Short break", "long_break": "Long break"}


@dataclass(frozen=True, slots=True)
class FocusSnapshot:
    """The running focus session as the tray needs it (None fields: nothing running)."""

    session_id: int | None = None
    mode: str | None = None
    phase: str | None = None  # the running phase's kind
    paused: bool = False
    waiting: str | None = None  # the phase waiting for "Start next"
    done: bool = False  # the session's timer ran out (countdown): it waits for "Stop"
    remaining: float | None = None  # seconds; None: counts up (Flowtime work) or nothing runs
    elapsed: float = 0.0  # seconds of the running phase
    phases: int = 0  # how many phases began so far (tells a new phase of the same kind)
    cycles: int = 0
    context: str = ""

    @property
    def running(self) -> bool:
        return self.session_id is not None


NO_FOCUS = FocusSnapshot()


def snapshot(status: FocusStatus) -> FocusSnapshot:
    s = status.state
    if s is None:
        return NO_FOCUS
    cur = s.current
    remaining = s.remaining(status.at)
    return FocusSnapshot(
        session_id=status.session_id, mode=s.plan.mode,
        phase=cur.kind if cur is not None else None, paused=s.paused,
        waiting=s.pending.kind if s.pending is not None else None,
        done=cur is None and s.pending is None,
        remaining=None if remaining is None else remaining.total_seconds(),
        elapsed=0.0 if cur is None else cur.active(s.paused_at or status.at).total_seconds(),
        phases=len(s.phases), cycles=s.cycles, context=s.context)


@dataclass(frozen=True, slots=True)
class Today:
    active_seconds: float
    score: float | None  # 0-100; None: nothing active yet


@dataclass(frozen=True, slots=True)
class IconSpec:
    kind: IconKind
    text: str | None = None  # minutes left (or counted up), drawn in the icon
    progress: float | None = None  # part of the phase done, 0..1, drawn as a ring
    paused: bool = False  # the focus timer stands still


@dataclass(frozen=True, slots=True)
class MenuState:
    focus_start: bool = True
    focus_pause: bool = False
    focus_resume: bool = False
    focus_skip: bool = False
    focus_next: bool = False
    focus_stop: bool = False
    timer_start: bool = False  # no task timer runs and there are open tasks to start one on
    timer_pause: bool = False
    timer_resume: bool = False
    timer_stop: bool = False


OPEN_TASKS_IN_MENU = 10


@dataclass(frozen=True, slots=True)
class TimerSnapshot:
    """The task timer (issue 10) as the tray shows it, and the open tasks it can start on."""

    running: bool = False
    task_id: int | None = None
    title: str = ""  # the task's title, or the entry's description
    elapsed: float = 0.0  # seconds, pauses left out
    paused: bool = False
    open_tasks: tuple[tuple[int, str], ...] = ()  # (id, title): in progress first, by priority


NO_TIMER = TimerSnapshot()
_PRIORITY_ORDER = {"urgent": 0, "high": 1, "medium": 2, "low": 3}


def timer_snapshot(tasks: Any) -> TimerSnapshot:
    """Read through a TaskService (a worker or writer thread, never the GUI thread)."""
    candidates = [t for t in tasks.find() if t.status in ("todo", "in_progress")]
    candidates.sort(key=lambda t: (t.status != "in_progress", _PRIORITY_ORDER.get(t.priority, 9),
                                   -(t.id or 0)))
    open_tasks = tuple((t.id, t.title) for t in candidates[:OPEN_TASKS_IN_MENU])
    entry = tasks.timer_status()
    if entry is None:
        return TimerSnapshot(open_tasks=open_tasks)
    title = entry.description or "(no task)"
    if entry.task_id is not None:
        title = next((t for i, t in open_tasks if i == entry.task_id), None) \
            or tasks.get(entry.task_id).title
    return TimerSnapshot(True, entry.task_id, title,
                         entry.duration(tasks.now()).total_seconds(), bool(entry.paused),
                         open_tasks)


def timer_line(t: TimerSnapshot) -> str:
    if not t.running:
        return ""
    return (f"Task: {_elide(t.title, 36)} · {duration_text(t.elapsed)}"
            + (" (paused)" if t.paused else ""))


@dataclass(frozen=True, slots=True)
class TrayView:
    tooltip: str
    status_line: str
    window_line: str
    paused: bool  # tracking paused
    focus_line: str = "No focus session"
    today_line: str = "Today: …"
    icon: IconSpec = IconSpec("tracking")
    menu: MenuState = MenuState()
    timer_line: str = ""  # the running task timer ("" none)
    open_tasks: tuple[tuple[int, str], ...] = ()  # the menu's "Start task timer" submenu


@dataclass(frozen=True, slots=True)
class Notice:
    title: str
    text: str
    # An answer to something the person just did (a verb that failed): shown even with
    # notifications off.
    important: bool = False


def _elide(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def minutes_text(seconds: float) -> str:
    """Whole minutes, rounded up while a timer runs down (so 0 shows only at the end)."""
    return str(max(0, math.ceil(seconds / 60 - 1e-9)))


def duration_text(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _focus_line(f: FocusSnapshot) -> str:
    if not f.running:
        return "No focus session"
    if f.done:
        return "Focus: time's up — stop to rate the session"
    if f.waiting is not None:
        return f"Focus: {PHASE_NAMES[f.waiting].lower()} waits for you"
    name = PHASE_NAMES.get(f.phase or "", "Focus")
    if f.remaining is None:
        line = f"{name}: {duration_text(f.elapsed)} so far"
    else:
        line = f"{name}: {minutes_text(f.remaining)} min left"
    if f.cycles:
        line += f" · {f.cycles} done"
    return line + (" (paused)" if f.paused else "")


def _elapsed_text(seconds: float) -> str:
    """Counted-up minutes in the icon: "42", then "1h", "2h" (the icon has room for three)."""
    minutes = int(seconds // 60)
    return str(minutes) if minutes < 100 else f"{minutes // 60}h"


def _icon(status: dict[str, Any], f: FocusSnapshot, timer: TimerSnapshot = NO_TIMER) -> IconSpec:
    if f.running:
        if f.done or f.waiting is not None or f.phase is None:
            return IconSpec("waiting", "✓" if f.done else "…")
        kind: IconKind = "focus" if f.phase == "work" else "break"
        if f.remaining is None:  # counts up
            return IconSpec(kind, minutes_text(f.elapsed) if f.elapsed >= 60 else "0",
                            None, f.paused)
        total = f.elapsed + f.remaining
        progress = f.elapsed / total if total > 0 else 1.0
        return IconSpec(kind, minutes_text(f.remaining), min(1.0, max(0.0, progress)), f.paused)
    if status.get("paused"):
        return IconSpec("paused")
    if timer.running:
        return IconSpec("task", _elapsed_text(timer.elapsed), None, timer.paused)
    if status.get("afk"):
        return IconSpec("afk")
    return IconSpec("tracking")


def _menu(f: FocusSnapshot, t: TimerSnapshot = NO_TIMER) -> MenuState:
    timer = dict(timer_start=not t.running and bool(t.open_tasks),
                 timer_pause=t.running and not t.paused, timer_resume=t.running and t.paused,
                 timer_stop=t.running)
    if not f.running:
        return MenuState(**timer)
    return MenuState(**timer,
        focus_start=False,
        focus_pause=f.phase is not None and not f.paused,
        focus_resume=f.paused,
        focus_skip=f.phase is not None or f.waiting is not None,
        focus_next=f.waiting is not None,
        focus_stop=True)


def describe(status: dict[str, Any], tz: tzinfo | None = None, *,
             focus: FocusSnapshot = NO_FOCUS, today: Today | None = None,
             timer: TimerSnapshot = NO_TIMER) -> TrayView:
    """What the tray shows, from the tracking service's status (times in `tz`, the analysis
    time zone; default the system's), the focus session and today's figures."""
    if status.get("paused"):
        until = status.get("pause_until")
        line = (f"Paused until {datetime.fromisoformat(until).astimezone(tz):%H:%M}" if until
                else "Paused")
    elif status.get("afk"):
        line = "Away (AFK)"
    else:
        line = "Tracking"
    off = [name for name, on in (status.get("collectors") or {}).items() if not on]
    if off:
        line += f" — off: {', '.join(off)}"
    window = status.get("window")
    window_line = _elide(f"{window['app']} — {window['title']}") if window else "No active window"
    if today is None:
        today_line = "Today: …"
    else:
        today_line = f"Today: {duration_text(today.active_seconds)} active"
        if today.score is not None and today.active_seconds >= 60:
            today_line += f" · score {round(today.score)}"
    focus_line = _focus_line(focus)
    tip = [f"tracker-desktop: {line}", today_line]
    if focus.running:
        tip.insert(1, focus_line)
    task_line = timer_line(timer)
    if task_line:
        tip.insert(1, task_line)
    return TrayView("\n".join(tip), line, window_line, bool(status.get("paused")),
                    focus_line, today_line, _icon(status, focus, timer), _menu(focus, timer),
                    task_line, timer.open_tasks)


def focus_notice(prev: FocusSnapshot, cur: FocusSnapshot) -> Notice | None:
    """The notification for what changed between two looks at the session, if anything worth
    telling did (whichever process, the tray or the CLI, moved it)."""
    if not cur.running:
        if prev.running:
            return Notice("Focus session ended", "The session was stopped.")
        return None
    if prev.session_id != cur.session_id:
        what = PHASE_NAMES.get(cur.phase or "", "Focus")
        if cur.remaining is not None and cur.phase is not None:
            return Notice("Focus session started",
                          f"{what} for {minutes_text(cur.remaining)} min. You will be told when "
                          "it is time for a break.")
        return Notice("Focus session started",
                      f"{what}: the timer counts up. Skip the phase to take a break.")
    if (cur.phases, cur.waiting, cur.done) == (prev.phases, prev.waiting, prev.done):
        return None
    if cur.done:
        return Notice("Time's up", "Stop the session to rate it.")
    if cur.waiting is not None:
        if cur.waiting == "work":
            return Notice("Break is over", "Start the next focus phase when you are ready.")
        return Notice("Focus phase done", f"Take a {PHASE_NAMES[cur.waiting].lower()} when you "
                                          "are ready (Start next).")
    name = PHASE_NAMES.get(cur.phase or "", "Focus")
    length = "" if cur.remaining is None else f": {minutes_text(cur.remaining)} min"
    if cur.phase == "work":
        return Notice("Back to focus", f"{name}{length}.")
    return Notice(f"{name} time", f"Step away from the screen{length}.")


def tomorrow_start(now: datetime, tz: tzinfo, day_start_hour: int = 0) -> datetime:
    """When tomorrow's tracking day starts (the menu's "until tomorrow")."""
    local = now.astimezone(tz)
    day: date = (local - timedelta(hours=day_start_hour)).date() + timedelta(days=1)
    return datetime.combine(day, time(day_start_hour), tzinfo=tz)


class TrayViewModel(QObject):
    """Holds the latest tracker status, focus snapshot and today's figures; `changed(TrayView)`
    when what the tray shows changed, `notice(Notice)` at focus phase changes."""

    changed = Signal(object)  # TrayView
    notice = Signal(object)  # Notice

    def __init__(self, status: Any, tz: tzinfo | None = None) -> None:
        super().__init__()
        self._status = status  # () -> the tracking service's status dict (memory, no database)
        self._tz = tz
        self.focus = NO_FOCUS
        self._focus_seen = False
        self.today: Today | None = None
        self.timer = NO_TIMER
        self.tracking: dict[str, Any] = status()
        self.view = self._describe()

    def _describe(self) -> TrayView:
        return describe(self.tracking, self._tz, focus=self.focus, today=self.today,
                        timer=self.timer)

    def _update(self) -> None:
        view = self._describe()
        if view != self.view:
            self.view = view
            self.changed.emit(view)

    def refresh(self) -> None:
        """Re-read the tracking status (every tick)."""
        self.tracking = self._status()
        self._update()

    def set_focus(self, snap: FocusSnapshot, *, quiet: bool = False) -> None:
        """`quiet`: a change the tray made and told of itself (its own Stop)."""
        prev, self.focus = self.focus, snap
        # The first look at start-up tells of nothing: a session already running is not news.
        notice = focus_notice(prev, snap) if self._focus_seen and not quiet else None
        self._focus_seen = True
        self._update()
        if notice is not None:
            self.notice.emit(notice)

    def set_timer(self, timer: TimerSnapshot) -> None:
        self.timer = timer
        self._update()

    def set_today(self, today: Today) -> None:
        self.today = today
        self._update()
