"""The idle-return question (Super Productivity's idle dialog): you were away for mm:ss while a
timer ran; what was it? The away time counts on while the window is open; it never blocks."""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCompleter,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tracker_desktop.domain.idle_return import MAX_TASK, AwayAnswer, AwayKind

CHOICES: tuple[tuple[AwayKind, str], ...] = (
    ("break", "A break"),
    ("work", "Work"),
    ("split", "Both: work for"),
    ("untracked", "Don't track it"),
)


def clock_text(seconds: float) -> str:
    s = max(0, int(seconds))
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


class IdlePrompt(QWidget):
    """`answered(AwayAnswer, datetime)`: the answer and when it was given (the away span's end).
    Closing the window is "don't track it"."""

    answered = Signal(object, object)

    def __init__(self, away_since: datetime, now: Callable[[], datetime], *,
                 task: str = "", what_ran: str = "a focus session",
                 tasks: Sequence[str] = (), parent: QWidget | None = None) -> None:
        """`tasks`: the open tasks' titles, offered as the work's task (a new name makes a
        new task)."""
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle("You were away")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._since, self._now, self._done = away_since, now, False
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(10)
        self.away_label = QLabel()
        font = self.away_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.away_label.setFont(font)
        layout.addWidget(self.away_label)
        hint = QLabel(f"while {what_ran} was running. What was that time?")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        grid = QGridLayout()
        self.group = QButtonGroup(self)
        self.choices: dict[str, QRadioButton] = {}
        for row, (kind, text) in enumerate(CHOICES):
            b = QRadioButton(text)
            self.group.addButton(b, row)
            self.choices[kind] = b
            grid.addWidget(b, row, 0)
        self.task = QLineEdit(task)
        self.task.setPlaceholderText("task (optional): pick one or name a new one")
        self.task.setMaxLength(MAX_TASK)
        self.task_titles = tuple(tasks)
        if self.task_titles:
            completer = QCompleter(list(self.task_titles), self.task)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.task.setCompleter(completer)
        grid.addWidget(self.task, 1, 1, 1, 2)
        self.work_minutes = QSpinBox()
        self.work_minutes.setSuffix(" min")
        self.work_minutes.setRange(0, 0)
        grid.addWidget(self.work_minutes, 2, 1)
        self.rest_label = QLabel()
        grid.addWidget(self.rest_label, 2, 2)
        layout.addLayout(grid)
        self.choices["break"].setChecked(True)
        box = QDialogButtonBox()
        self.ok_button = box.addButton("Record", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self._record)
        layout.addWidget(box)
        self.group.idToggled.connect(lambda *_: self._enable())
        self.work_minutes.valueChanged.connect(lambda *_: self._show_rest())
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.tick()
        self._enable()
        self.choices["break"].setFocus()

    def away_seconds(self) -> float:
        return (self._now() - self._since).total_seconds()

    def tick(self) -> None:
        """Count the away time on (the timer calls it every second)."""
        seconds = self.away_seconds()
        self.away_label.setText(f"You were away for {clock_text(seconds)}")
        total = int(seconds // 60)
        keep = self.work_minutes.value()
        self.work_minutes.setRange(0, max(0, total))
        if keep == 0 and self.work_minutes.maximum() and not self.work_minutes.hasFocus():
            self.work_minutes.setValue(self.work_minutes.maximum() // 2)
        self._show_rest()

    def _show_rest(self) -> None:
        rest = max(0, int(self.away_seconds() // 60) - self.work_minutes.value())
        self.rest_label.setText(f"then a {rest} min break")

    def _enable(self) -> None:
        kind = self.kind
        self.task.setEnabled(kind in ("work", "split"))
        self.work_minutes.setEnabled(kind == "split")
        self.rest_label.setEnabled(kind == "split")

    @property
    def kind(self) -> AwayKind:
        for kind, button in self.choices.items():
            if button.isChecked():
                return kind  # type: ignore[return-value]
        return "untracked"

    def answer(self) -> AwayAnswer:
        kind = self.kind
        return AwayAnswer(kind, self.task.text().strip() if kind in ("work", "split") else "",
                          float(self.work_minutes.value()) if kind == "split" else 0.0)

    def _finish(self, answer: AwayAnswer) -> None:
        if self._done:
            return
        self._done = True
        self.timer.stop()
        self.answered.emit(answer, self._now())
        self.close()

    def _record(self) -> None:
        self._finish(self.answer())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        # Not a QDialog (that would block): Enter records, Escape is "don't track it".
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._record()
        elif event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._finish(AwayAnswer("untracked"))
        super().closeEvent(event)
