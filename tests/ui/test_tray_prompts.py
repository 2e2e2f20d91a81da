"""The end-of-session rating prompt: non-blocking, 1-5 and notes, closing saves no score."""

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402

from ui.session_prompt import SessionPrompt  # noqa: E402


def test_rating_and_notes(qtbot):
    prompt = SessionPrompt("Chapter 5 · 2 focus phases done")
    qtbot.addWidget(prompt)
    prompt.show()
    assert not prompt.isModal()
    assert not prompt.save_button.isEnabled()
    qtbot.keyClick(prompt, Qt.Key.Key_4)
    assert prompt.score == 4 and prompt.save_button.isEnabled()
    prompt.buttons[5].click()
    prompt.notes.setPlainText("  phone off helped ")
    with qtbot.waitSignal(prompt.answered) as got:
        prompt.save_button.click()
    assert got.args == [5, "phone off helped"]


def test_skip_and_close_save_no_score_once(qtbot):
    prompt = SessionPrompt("")
    qtbot.addWidget(prompt)
    seen = []
    prompt.answered.connect(lambda *a: seen.append(a))
    prompt.skip_button.click()
    prompt.close()
    assert seen == [(None, "")]


def test_keyboard_enter_saves_escape_skips(qtbot):
    prompt = SessionPrompt("")
    qtbot.addWidget(prompt)
    seen = []
    prompt.answered.connect(lambda *a: seen.append(a))
    qtbot.keyClick(prompt, Qt.Key.Key_Return)  # no score chosen yet: nothing to save
    assert seen == []
    qtbot.keyClick(prompt, Qt.Key.Key_3)
    qtbot.keyClick(prompt, Qt.Key.Key_Return)
    assert seen == [(3, "")]
    other = SessionPrompt("")
    qtbot.addWidget(other)
    other.answered.connect(lambda *a: seen.append(a))
    qtbot.keyClick(other, Qt.Key.Key_Escape)
    assert seen[-1] == (None, "")


def test_notifications_off_still_tell_of_failed_verbs(qapp):
    from tracker_desktop.config import ReminderSettings
    from ui.notify import Notifier
    from ui.tray_model import Notice

    class Sink:
        def __init__(self):
            self.shown = []

        def isVisible(self):  # noqa: N802
            return True

        def showMessage(self, title, text, icon, msecs=0):  # noqa: N802
            self.shown.append(title)

    sink = Sink()
    n = Notifier(sink, ReminderSettings(notifications=False))
    n.show(Notice("Short break time", "..."))
    n.show(Notice("Cannot pause", "already paused", important=True))
    assert sink.shown == ["Cannot pause"]
    n.settings = ReminderSettings()
    n.show(Notice("Short break time", "..."))
    assert sink.shown == ["Cannot pause", "Short break time"]
