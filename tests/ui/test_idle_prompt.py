"""The idle-return prompt: the away time counts on while it is open; its answer."""

from datetime import datetime, timedelta, timezone

import pytest

pytest.importorskip("PySide6")

from tracker_desktop.domain.clock import FakeClock  # noqa: E402
from tracker_desktop.domain.idle_return import AwayAnswer  # noqa: E402
from ui.idle_prompt import IdlePrompt, clock_text  # noqa: E402

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def test_clock_text():
    assert clock_text(65) == "1:05"
    assert clock_text(3 * 3600 + 7) == "3:00:07"


def test_away_time_counts_live_and_split_answer(qtbot):
    clock = FakeClock(T0 + timedelta(minutes=20))
    prompt = IdlePrompt(T0, clock.now, task="T-12")
    qtbot.addWidget(prompt)
    assert prompt.away_label.text() == "You were away for 20:00"
    assert prompt.timer.interval() == 1000
    clock.advance(65)
    prompt.timer.timeout.emit()
    assert prompt.away_label.text() == "You were away for 21:05"
    assert prompt.work_minutes.maximum() == 21
    assert not prompt.task.isEnabled()  # "a break" is the default choice
    prompt.choices["split"].setChecked(True)
    assert prompt.task.isEnabled() and prompt.work_minutes.isEnabled()
    prompt.work_minutes.setValue(15)
    assert prompt.rest_label.text() == "then a 6 min break"
    with qtbot.waitSignal(prompt.answered) as got:
        prompt.ok_button.click()
    answer, end = got.args
    assert answer == AwayAnswer("split", "T-12", 15.0) and end == clock.now()


def test_closing_it_is_not_tracked(qtbot):
    clock = FakeClock(T0 + timedelta(minutes=10))
    prompt = IdlePrompt(T0, clock.now)
    qtbot.addWidget(prompt)
    with qtbot.waitSignal(prompt.answered) as got:
        prompt.close()
    assert got.args[0] == AwayAnswer("untracked")


def test_keyboard_enter_records_escape_does_not_track(qtbot):
    from PySide6.QtCore import Qt

    clock = FakeClock(T0 + timedelta(minutes=10))
    prompt = IdlePrompt(T0, clock.now)
    qtbot.addWidget(prompt)
    prompt.choices["work"].setChecked(True)
    with qtbot.waitSignal(prompt.answered) as got:
        qtbot.keyClick(prompt, Qt.Key.Key_Return)
    assert got.args[0] == AwayAnswer("work")
    other = IdlePrompt(T0, clock.now)
    qtbot.addWidget(other)
    with qtbot.waitSignal(other.answered) as got:
        qtbot.keyClick(other, Qt.Key.Key_Escape)
    assert got.args[0] == AwayAnswer("untracked")
