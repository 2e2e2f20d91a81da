"""The tray app's wiring on a real database: menu verbs run on the tracker's writer thread,
results come back to the GUI thread, the rating prompt saves through FocusService, and a
second launch's message opens a window. Offscreen, no tray; waits are for positive signals."""

from datetime import datetime, timezone

import msgspec
import pytest

pytest.importorskip("PySide6")

from tracker_desktop.app import build_app, build_tracker  # noqa: E402
from tracker_desktop.config import FocusSettings, Settings  # noqa: E402
from tracker_desktop.domain.clock import FakeClock  # noqa: E402
from ui.session_prompt import SessionPrompt  # noqa: E402
from ui.tray import TrayApp  # noqa: E402

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def tray_app(data_dir, monkeypatch, qapp):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    settings = msgspec.structs.replace(Settings(), data_dir=data_dir,
                                       focus=FocusSettings(work_minutes=25))
    clock = FakeClock(T0)
    app = build_app(settings, clock)
    tracker = build_tracker(app, headless=False)
    tracker.start()
    tray = TrayApp(app, tracker, qapp, tray_available=False)
    try:
        yield tray, app, clock
    finally:
        tray.ctl.stop()
        tray.worker.wait(5000)
        for prompt in list(tray.prompts):
            prompt.deleteLater()
        assert tracker.shutdown()
        app.close()


def test_a_pomodoro_from_the_menu_rated_in_the_prompt(tray_app, qtbot):
    tray, app, clock = tray_app
    tray.ctl.start()
    qtbot.waitUntil(lambda: tray.vm.today is not None, timeout=10000)
    tray.tray.focus_start.trigger()
    qtbot.waitUntil(lambda: tray.vm.focus.running, timeout=10000)
    assert app.focus.status().running  # stored in the database
    assert tray.tray.header.focus.text() == "Focus: 25 min left"
    # The work phase ends; the tray's poll stores the break and says so.
    clock.advance(25 * 60 + 1)
    tray.ctl.focus_timer.timeout.emit()
    qtbot.waitUntil(lambda: tray.vm.focus.phase == "short_break", timeout=10000)
    assert tray.vm.view.icon.kind == "break"
    assert [n.title for n in tray.notifier.sent][-1] == "Short break time"
    tray.tray.focus_stop.trigger()
    (prompt,) = [p for p in tray.prompts if isinstance(p, SessionPrompt)]
    assert prompt.isVisible() and not prompt.isModal()
    prompt.buttons[4].click()
    prompt.notes.setPlainText("deep work")
    prompt.save_button.click()
    qtbot.waitUntil(lambda: not app.focus.status().running, timeout=10000)
    with app.store.uow() as u:
        (session,) = u.focus.finished()
    assert (session.score, session.notes, session.cycles, session.completed) == (4, "deep work",
                                                                                  1, True)
    qtbot.waitUntil(lambda: not tray.vm.focus.running, timeout=10000)
    assert tray.notifier.sent[-1].title == "Session saved"


def test_messages_from_a_second_launch(tray_app, qtbot):
    tray, _, _ = tray_app
    tray.handle_message({"open": "nonsense"})  # ignored, logged
    assert "dashboard" not in tray.windows
    tray.handle_message({"open": "dashboard", "period": "week", "date": "2026-01-05"})
    window = tray.windows["dashboard"]
    assert window.isVisible()
    tray.handle_message({"open": "dashboard", "period": "day"})
    assert tray.windows["dashboard"] is window  # raised, not opened twice
    window.close()


def test_settings_saved_apply_to_the_reminders_at_once(tray_app, qtbot):
    from tracker_desktop.config import ReminderSettings

    tray, app, _ = tray_app
    tray.handle_message({"open": "settings"})
    dialog = tray.windows["settings"]
    assert dialog.isVisible()
    tray.handle_message({"open": "settings"})
    assert tray.windows["settings"] is dialog  # raised, not opened twice
    changed = msgspec.structs.replace(app.settings, reminders=ReminderSettings(
        break_after_minutes=30, notifications=False))
    dialog.saved.emit(changed)
    assert tray.ctl.break_policy.after.total_seconds() == 30 * 60
    assert tray.notifier.settings.notifications is False
    dialog.close()
