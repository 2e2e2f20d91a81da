"""Notifications: a tray message (and a beep when the settings ask for one)."""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from tracker_desktop.config import ReminderSettings

from .tray_model import Notice

logger = logging.getLogger(__name__)
SHOW_MS = 8000


class MessageSink(Protocol):
    def showMessage(self, title: str, msg: str, icon: QSystemTrayIcon.MessageIcon,  # noqa: N802
                    msecs: int = ...) -> None: ...

    def isVisible(self) -> bool: ...  # noqa: N802


class Notifier:
    """Shows notices through the tray icon; `sent` keeps the latest ones (the menu's and tests'
    record of what was said)."""

    def __init__(self, sink: MessageSink, settings: ReminderSettings) -> None:
        self._sink = sink
        self.settings = settings
        self.sent: list[Notice] = []

    def show(self, notice: Notice) -> None:
        logger.info("notice: %s — %s", notice.title, notice.text)
        if not (self.settings.notifications or notice.important):
            return
        self.sent = [*self.sent[-19:], notice]
        if self._sink.isVisible():
            self._sink.showMessage(notice.title, notice.text,
                                   QSystemTrayIcon.MessageIcon.Information, SHOW_MS)
        if self.settings.sound:
            QApplication.beep()
