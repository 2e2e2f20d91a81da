"""The end-of-session question: how focused were you (1-5), and notes. A small window that
never blocks: the tray keeps running while it is open, and closing it saves no score."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

SCORES = {1: "Distracted", 2: "Scattered", 3: "Okay", 4: "Focused", 5: "In the zone"}
MAX_NOTES = 2000


class SessionPrompt(QWidget):
    """`answered(score, notes)`: score None when the person skipped or closed it."""

    answered = Signal(object, str)

    def __init__(self, summary: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle("Rate your focus session")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._done = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(10)
        title = QLabel("How focused were you?")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        self.summary.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[int, QPushButton] = {}
        for score, name in SCORES.items():
            b = QPushButton(f"{score}\n{name}")
            b.setCheckable(True)
            # The chosen score must stand out, in the theme's own highlight colours.
            b.setStyleSheet("QPushButton:checked { background: palette(highlight); "
                            "color: palette(highlighted-text); border-radius: 4px; "
                            "border: 1px solid palette(highlight); }")
            b.setMinimumSize(76, 52)
            b.setToolTip(f"{score}: {name} (key {score})")
            self.group.addButton(b, score)
            self.buttons[score] = b
            row.addWidget(b)
        layout.addLayout(row)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Notes (optional): what helped, what got in the way")
        self.notes.setFixedHeight(72)
        layout.addWidget(self.notes)
        box = QDialogButtonBox()
        self.save_button = box.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.skip_button = box.addButton("Skip", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.save_button.setEnabled(False)
        self.group.idToggled.connect(lambda *_: self.save_button.setEnabled(
            self.group.checkedId() > 0))
        self.save_button.clicked.connect(self._save)
        self.skip_button.clicked.connect(self._skip)
        layout.addWidget(box)

    @property
    def score(self) -> int | None:
        checked = self.group.checkedId()
        return checked if checked > 0 else None

    def _finish(self, score: int | None) -> None:
        if self._done:
            return
        self._done = True
        self.answered.emit(score, self.notes.toPlainText().strip()[:MAX_NOTES])
        self.close()

    def _save(self) -> None:
        self._finish(self.score)

    def _skip(self) -> None:
        self._finish(None)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        # Digits 1-5 pick the score (when the notes field does not take them).
        score = int(event.text()) if event.text() in ("1", "2", "3", "4", "5") else None
        if score is not None:
            self.buttons[score].click()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.score is not None:
            self._save()
        elif event.key() == Qt.Key.Key_Escape:
            self._skip()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._finish(None)
        super().closeEvent(event)
