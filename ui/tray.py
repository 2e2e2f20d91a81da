"""The tray icon: renders a TrayViewModel; the tracker is ticked by a Qt timer on the GUI thread."""

from __future__ import annotations

import logging
import signal
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from .tray_model import TrayView, TrayViewModel

MIN_TICK_GAP_SECONDS = 0.02

logger = logging.getLogger(__name__)


def _icon(paused: bool) -> QIcon:
    pix = QPixmap(64, 64)
    pix.fill(QColor(0, 0, 0, 0))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor("#9e9e9e") if paused else QColor("#2e7d32"))
    p.setPen(QColor("#1b1b1b"))
    p.drawEllipse(4, 4, 56, 56)
    p.end()
    return QIcon(pix)


class _SwitchBridge(QObject):
    """Carries the X11 watcher's "the window changed" from its thread to the GUI thread."""

    switched = Signal()


class TrayIcon(QSystemTrayIcon):
    def __init__(self, vm: TrayViewModel) -> None:
        super().__init__()
        self._vm = vm
        self.menu = QMenu()
        self.status_action = self.menu.addAction("")
        self.status_action.setEnabled(False)
        self.window_action = self.menu.addAction("")
        self.window_action.setEnabled(False)
        self.menu.addSeparator()
        self.pause_action = QAction("Pause tracking", self.menu)
        self.pause_action.triggered.connect(vm.toggle_pause)
        self.menu.addAction(self.pause_action)
        self.quit_action = QAction("Quit", self.menu)
        self.quit_action.triggered.connect(vm.quit)
        self.menu.addAction(self.quit_action)
        self.setContextMenu(self.menu)
        vm.changed.connect(self.render)
        self.render(vm.view)

    def render(self, view: TrayView) -> None:
        self.setIcon(_icon(view.paused))
        self.setToolTip(view.tooltip)
        self.status_action.setText(view.status_line)
        self.window_action.setText(view.window_line)
        self.pause_action.setText("Resume tracking" if view.paused else "Pause tracking")


def run_tray_app(tracker: Any) -> int:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([])
    app.setQuitOnLastWindowClosed(False)
    service = tracker.service
    # Pausing is written by the tracker's writer thread: the GUI never waits on the database.
    vm = TrayViewModel(
        status=service.status,
        pause=lambda: service.pause(),
        resume=lambda: service.resume(),
        quit_=app.quit,
        tz=tracker.tz,
    )
    tray = TrayIcon(vm)
    if QSystemTrayIcon.isSystemTrayAvailable():
        tray.show()
    else:
        logger.warning("no system tray on this desktop: tracking runs without an icon "
                       "(use `tracker-desktop pause`/`status`, Ctrl+C to stop)")

    def tick() -> None:
        try:
            service.tick()
        except Exception:
            logger.exception("tracking tick failed")
        vm.refresh()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(int(tracker.settings.tracking.poll_seconds * 1000))
    # Python signal handlers run between Qt events; the tick timer keeps those coming.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: app.quit())
    # A switch ticks at once, but a burst of title changes (a progress bar in a title) is
    # coalesced into one tick, as the headless loop's minimum gap does.
    soon = QTimer()
    soon.setSingleShot(True)
    soon.setInterval(int(MIN_TICK_GAP_SECONDS * 1000))
    soon.timeout.connect(tick)
    bridge = _SwitchBridge()
    # Queued across threads: the tick runs on the GUI thread, like the timer's.
    bridge.switched.connect(lambda: None if soon.isActive() else soon.start())
    tracker.start(bridge.switched.emit)
    written = False
    try:
        app.exec()
    finally:
        timer.stop()
        written = tracker.shutdown()
    return 0 if written else 1
