"""The task timer in the tray: its view (pure), the menu's start/pause/resume/stop on a real
TaskService (in-memory unit of work, a hand-moved clock, polls fired by hand), the icon and
tooltip, and the idle question offering the running task."""

import sys
from datetime import timedelta, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

pytest.importorskip("PySide6")

from test_tray import Harness, status  # noqa: E402
from tracker_desktop.config import ReminderSettings  # noqa: E402
from tracker_desktop.services.tasks import TaskService  # noqa: E402
from ui.tray import TrayIcon  # noqa: E402
from ui.tray_controller import TrayController  # noqa: E402
from ui.tray_model import FocusSnapshot, IconSpec, TimerSnapshot, describe  # noqa: E402


def test_the_timer_shows_in_the_icon_tooltip_and_menu():
    t = TimerSnapshot(True, 3, "Write docs", 42 * 60 + 10, False, ((3, "Write docs"),))
    view = describe(status(), timer=t)
    assert view.timer_line == "Task: Write docs · 42 min"
    assert view.tooltip.splitlines()[1] == "Task: Write docs · 42 min"
    assert view.icon == IconSpec("task", "42")
    assert view.menu.timer_pause and view.menu.timer_stop and not view.menu.timer_start
    paused = describe(status(), timer=TimerSnapshot(True, 3, "Write docs", 150 * 60, True))
    assert paused.icon == IconSpec("task", "2h", None, True)
    assert paused.timer_line.endswith("2 h 30 min (paused)") and paused.menu.timer_resume
    # A focus session and a tracking pause still win the icon; AFK does not.
    assert describe(status(), timer=t, focus=FocusSnapshot(1, "pomodoro", "work", remaining=60,
                                                          elapsed=60, phases=1)).icon.kind == "focus"
    assert describe(status(paused=True), timer=t).icon.kind == "paused"
    assert describe(status(afk=True), timer=t).icon.kind == "task"
    idle = describe(status(), timer=TimerSnapshot(open_tasks=((1, "a"),)))
    assert idle.menu.timer_start and not idle.menu.timer_stop and idle.timer_line == ""
    assert not describe(status()).menu.timer_start  # no open task: nothing to start on


@pytest.fixture
def h(qapp):
    h = Harness()
    h.backend.tasks = lambda clock: TaskService(h.uow, clock, timezone.utc)
    h.vm.notice.disconnect(h.ctl.notice.emit)  # the harness's own controller steps aside
    h.ctl = TrayController(h.backend, h.vm, h.clock, ReminderSettings())
    h.ctl.notice.connect(h.notices.append)
    h.ctl.ask_idle.connect(lambda since, task: h.idle.append((since, task)))
    h.tasks = TaskService(h.uow, h.clock, timezone.utc)
    return h


def test_start_pause_stop_from_the_menu_are_stored(h):
    a = h.tasks.add("Write docs", priority="high")
    h.tasks.add("Review", priority="low")
    tray = TrayIcon(h.vm, h.ctl)
    h.ctl.start()
    assert [x.text() for x in tray.timer_menu.actions()] == ["Write docs", "Review"]
    assert tray.timer_menu_action.isVisible() and not tray.timer_stop.isVisible()
    tray.timer_menu.actions()[0].trigger()
    entry = h.tasks.timer_status()
    assert entry is not None and entry.task_id == a.id  # stored: `timer status` sees it
    assert tray.header.timer.text() == "Task: Write docs · 0 min"
    h.clock.advance(25 * 60)
    h.ctl.focus_timer.timeout.emit()  # the poll
    assert "Task: Write docs · 25 min" in tray.toolTip()
    assert h.vm.view.icon == IconSpec("task", "25")
    assert tray.timer_pause.isVisible() and not tray.timer_menu_action.isVisible()
    tray.timer_pause.trigger()
    assert h.tasks.timer_status().paused and tray.timer_resume.isVisible()
    h.clock.advance(10 * 60)
    tray.timer_resume.trigger()
    h.clock.advance(5 * 60)
    h.ctl.poll_timer()
    assert h.vm.timer.elapsed == 30 * 60  # the pause left out
    tray.timer_stop.trigger()
    assert h.tasks.timer_status() is None
    (done,) = h.tasks.entries(task_id=a.id)
    assert done.duration(h.clock.now()) == timedelta(minutes=30)
    assert not h.vm.timer.running and tray.timer_menu_action.isVisible()


def test_a_timer_started_elsewhere_shows_and_a_failed_verb_is_told(h):
    a = h.tasks.add("Write docs")
    h.ctl.start()
    h.tasks.timer_start(a.id)  # the CLI or the dashboard
    h.ctl.focus_timer.timeout.emit()
    assert h.vm.timer.running and h.vm.timer.title == "Write docs"
    h.tasks.timer_stop()
    h.ctl.timer_pause()  # nothing runs any more
    assert h.notices[-1].title == "Cannot pause the task timer" and h.notices[-1].important
    assert not h.vm.timer.running


def test_the_idle_question_offers_the_running_task(h):
    a = h.tasks.add("Write docs")
    h.ctl.start()
    h.ctl.timer_start(a.id)
    h.tracking = status(afk=True)
    h.tick(0)
    since = h.clock.now() - timedelta(minutes=3)
    h.tick(10 * 60)
    h.tracking = status()
    h.tick(1)
    assert h.idle == [(since, "Write docs")]


def away(h, minutes=10):
    h.tracking = status(afk=True)
    h.tick(0)
    since = h.clock.now() - timedelta(minutes=3)
    h.tick(minutes * 60)
    h.tracking = status()
    h.tick(1)
    return since


def test_work_while_away_on_a_task_is_time_on_that_task(h, qtbot):
    from tracker_desktop.domain.idle_return import AwayAnswer
    from ui.idle_prompt import IdlePrompt

    a = h.tasks.add("Write docs")
    h.ctl.start()
    h.ctl.focus_start()  # a focus session runs, so the question is asked
    since = away(h)
    assert h.idle and h.idle[0][1] == ""
    # The prompt offers the open tasks (its completer) and records the name given.
    prompt = IdlePrompt(since, h.clock.now, tasks=[t for _, t in h.vm.timer.open_tasks])
    qtbot.addWidget(prompt)
    assert prompt.task_titles == ("Write docs",)
    assert prompt.task.completer().model().rowCount() == 1
    h.ctl.answer_idle(AwayAnswer("work", "write DOCS"), since, h.clock.now())
    (entry,) = h.tasks.entries(task_id=a.id)
    assert (entry.start, entry.end, entry.source) == (since, h.clock.now(), "manual")
    # Time that overlaps an entry is refused, and no task is left behind.
    h.ctl.answer_idle(AwayAnswer("work", "Other thing"), since, h.clock.now())
    assert h.notices[-1].title == "Not added to the task"
    assert "overlaps time entry" in h.notices[-1].text
    assert [t.title for t in h.tasks.find()] == ["Write docs"]
    # A name no open task has makes a task, with the time on it.
    h.clock.advance(30 * 60)
    since = away(h)
    h.ctl.answer_idle(AwayAnswer("split", "Call the bank", 4), since, h.clock.now())
    new = next(t for t in h.tasks.find() if t.title == "Call the bank")
    (entry,) = h.tasks.entries(task_id=new.id)
    assert entry.end - entry.start == timedelta(minutes=4)
    assert (1, "Call the bank") not in h.vm.timer.open_tasks  # ids differ; the title is there
    assert "Call the bank" in [t for _, t in h.vm.timer.open_tasks]


def test_work_while_away_on_the_timers_task_is_not_counted_twice(h):
    from tracker_desktop.domain.idle_return import AwayAnswer

    a = h.tasks.add("Write docs")
    h.ctl.start()
    h.ctl.timer_start(a.id)
    since = away(h)
    assert h.idle == [(since, "Write docs")]
    h.ctl.answer_idle(AwayAnswer("work", "Write docs"), since, h.clock.now())
    (only,) = h.tasks.entries(task_id=a.id)
    assert only.running  # the timer's entry, nothing added beside it
