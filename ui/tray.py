"""The tray app: the icon and its menu render the TrayViewModel; the menu's items call the
TrayController. `run_tray_app` wires them to a running tracker: a Qt timer ticks it on the GUI
thread, every database write goes to its writer thread, queries to a worker pool."""

from __future__ import annotations

import logging
import signal
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QStyle,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from .icons import icon, pixmap
from .tray_controller import TrayController
from .tray_model import IconSpec, TrayView, TrayViewModel

# The composition root's App and Tracker are passed in (ui sits below tracker_desktop.app).
App = Any
Tracker = Any
MIN_TICK_GAP_SECONDS = 0.02

logger = logging.getLogger(__name__)

NO_TRAY_TEXT = ("There is no system tray on this desktop, so tracker-desktop shows its dashboard "
                "instead. Tracking goes on until you close it.")
NO_TRAY_HINT = ("On GNOME, install and enable the \"AppIndicator and KStatusNotifierItem Support\" "
                "extension (Debian/Ubuntu: sudo apt install gnome-shell-extension-appindicator), "
                "then log out and back in to get the tray icon.")
NO_TRAY = f"No system tray. {NO_TRAY_TEXT}\n{NO_TRAY_HINT}"


class _SwitchBridge(QObject):
    """Carries the X11 watcher's "the window changed" from its thread to the GUI thread."""

    switched = Signal()


HEADER_ICON = 32


class _IconView(QWidget):
    """Paints the state icon as it is (a disabled QLabel would draw it greyed)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFixedSize(HEADER_ICON, HEADER_ICON)
        self._pixmap = QPixmap()

    def setPixmap(self, pix: QPixmap) -> None:  # noqa: N802 - QLabel's name
        self._pixmap = pix
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        QPainter(self).drawPixmap(0, 0, self._pixmap)


class _Header(QWidget):
    """The menu's first rows: the state (bold, with the icon), the focus timer, today, the
    window being tracked. Lines with nothing to say are hidden."""

    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 16, 6)
        row.setSpacing(10)
        self.icon = _IconView()
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        lines = QVBoxLayout()
        lines.setSpacing(1)
        self.status = QLabel()
        font = self.status.font()
        font.setBold(True)
        self.status.setFont(font)
        self.focus = QLabel()
        self.timer = QLabel()
        self.today = QLabel()
        self.window_line = QLabel()
        for label in (self.focus, self.timer, self.today, self.window_line):
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for label in (self.status, self.focus, self.timer, self.today, self.window_line):
            lines.addWidget(label)
        row.addLayout(lines, 1)
        # Its menu action is disabled (not a menu item: keyboard and clicks pass it by); the
        # text keeps the enabled colours so it reads as a header, not as a greyed-out item.
        palette = self.palette()
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                     QPalette.ColorRole.PlaceholderText):
            palette.setColor(QPalette.ColorGroup.Disabled, role,
                             palette.color(QPalette.ColorGroup.Active, role))
        self.setPalette(palette)

    def show_view(self, view: TrayView) -> None:
        self.status.setText(view.status_line)
        self.focus.setText(view.focus_line)
        self.today.setText(view.today_line)
        self.window_line.setText(view.window_line)
        self.focus.setVisible(view.focus_line != "No focus session")
        self.timer.setText(view.timer_line)
        self.timer.setVisible(bool(view.timer_line))
        self.window_line.setVisible(view.window_line != "No active window")


class TrayIcon(QSystemTrayIcon):
    """Renders the view-model; every menu item calls the controller."""

    def __init__(self, vm: TrayViewModel, ctl: TrayController) -> None:
        super().__init__()
        self._vm = vm
        self._icons: dict[IconSpec, QIcon] = {}
        style = QApplication.style()
        std = QStyle.StandardPixmap
        self.menu = QMenu()
        self.menu.setToolTipsVisible(True)

        def item(text: str, slot: Callable[[], None], pixmap: QStyle.StandardPixmap | None = None,
                 menu: QMenu | None = None) -> QAction:
            a = QAction(text, menu or self.menu)
            if pixmap is not None:
                a.setIcon(style.standardIcon(pixmap))
            a.triggered.connect(lambda _=False: slot())
            (menu or self.menu).addAction(a)
            return a

        # A header, not menu items: the state with its icon, the focus timer, today's figures.
        self.header = _Header()
        header_action = QWidgetAction(self.menu)
        header_action.setDefaultWidget(self.header)
        header_action.setEnabled(False)
        self.menu.addAction(header_action)
        self.menu.addSeparator()
        self.focus_start = item("Start focus session", ctl.focus_start, std.SP_MediaPlay)
        self.focus_pause = item("Pause focus", ctl.focus_pause, std.SP_MediaPause)
        self.focus_resume = item("Resume focus", ctl.focus_resume, std.SP_MediaPlay)
        self.focus_next = item("Start next phase", ctl.focus_next, std.SP_MediaSeekForward)
        self.focus_skip = item("Skip phase", ctl.focus_skip, std.SP_MediaSkipForward)
        self.focus_stop = item("Stop and rate…", ctl.focus_stop, std.SP_MediaStop)
        self.take_break = item("Take a break", ctl.take_break)
        self.menu.addSeparator()
        # The task timer: start on an open task (a submenu), pause/resume, stop.
        self.timer_menu = QMenu("Start task timer", self.menu)
        self.timer_menu_action = self.menu.addMenu(self.timer_menu)
        self._timer_tasks: tuple[tuple[int, str], ...] | None = None
        self._start_timer = ctl.timer_start
        self.timer_pause = item("Pause task timer", ctl.timer_pause, std.SP_MediaPause)
        self.timer_resume = item("Resume task timer", ctl.timer_resume, std.SP_MediaPlay)
        self.timer_stop = item("Stop task timer", ctl.timer_stop, std.SP_MediaStop)
        self.menu.addSeparator()
        self.pause_menu = QMenu("Pause tracking", self.menu)
        self.pause_15 = item("For 15 minutes", lambda: ctl.pause_tracking(15), menu=self.pause_menu)
        self.pause_60 = item("For 1 hour", lambda: ctl.pause_tracking(60), menu=self.pause_menu)
        self.pause_tomorrow = item("Until tomorrow", ctl.pause_until_tomorrow, menu=self.pause_menu)
        self.pause_menu_action = self.menu.addMenu(self.pause_menu)
        self.resume_tracking = item("Resume tracking", ctl.resume_tracking)
        self.menu.addSeparator()
        self.dashboard_action = item("Open dashboard", ctl.show_dashboard)
        self.settings_action = item("Settings…", ctl.show_settings)
        self.menu.addSeparator()
        self.quit_action = item("Quit", ctl.quit)
        self.setContextMenu(self.menu)
        self.activated.connect(self._on_activated)
        self._dashboard = ctl.show_dashboard
        vm.changed.connect(self.render)
        self.render(vm.view)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        # A left click opens the dashboard, as most tray apps do; the right click the menu.
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self._dashboard()

    def render(self, view: TrayView) -> None:
        spec = view.icon
        if spec not in self._icons:
            if len(self._icons) > 64:
                self._icons.clear()
            self._icons[spec] = icon(spec)
        self.setIcon(self._icons[spec])
        # Drawn straight from the spec: a disabled label would grey an icon set on it.
        self.header.icon.setPixmap(pixmap(spec, HEADER_ICON))
        self.setToolTip(view.tooltip)
        self.header.show_view(view)
        m = view.menu
        for action, visible in ((self.focus_start, m.focus_start), (self.focus_pause, m.focus_pause),
                                (self.focus_resume, m.focus_resume), (self.focus_next, m.focus_next),
                                (self.focus_skip, m.focus_skip), (self.focus_stop, m.focus_stop),
                                (self.timer_menu_action, m.timer_start),
                                (self.timer_pause, m.timer_pause),
                                (self.timer_resume, m.timer_resume),
                                (self.timer_stop, m.timer_stop)):
            action.setVisible(visible)
        if view.open_tasks != self._timer_tasks:
            self._timer_tasks = view.open_tasks
            self.timer_menu.clear()
            for task_id, title in view.open_tasks:
                a = QAction(title if len(title) <= 48 else title[:47] + "…", self.timer_menu)
                a.triggered.connect(lambda _=False, i=task_id: self._start_timer(i))
                self.timer_menu.addAction(a)
        self.pause_menu_action.setVisible(not view.paused)
        self.resume_tracking.setVisible(view.paused)


class TrayApp(QObject):
    """The pieces of a running tray app and the windows it opens (dashboard, settings,
    prompts)."""

    def __init__(self, app: App, tracker: Tracker, qapp: QApplication, *,
                 settings_path: Path | None = None, tray_available: bool | None = None) -> None:
        super().__init__()
        from tracker_desktop.services.focus import FocusService
        from tracker_desktop.services.rollups import RollupService
        from tracker_desktop.services.tasks import TaskService

        from .tray_controller import TrayBackend
        from .tray_model import Today
        from .worker import Worker

        self.app, self.tracker, self.qapp = app, tracker, qapp
        self.settings_path = settings_path
        service, writer, store = tracker.service, tracker.writer, tracker.store
        assert writer is not None
        settings = tracker.settings
        # Worker threads read on their own connections (`uow`), never the main thread's.
        rollups = RollupService(store.uow, app.analysis, app.clock, read_mostly=True)

        def today() -> Today:
            d = rollups.day_of(app.clock.now())
            s = rollups.summaries(d, d)[d]
            return Today(s.active, s.score)

        # One query thread: the rollup service it reads through is not for sharing.
        pool = QThreadPool(self)
        pool.setMaxThreadCount(1)
        self.worker = Worker(pool, parent=self)
        backend = TrayBackend(
            tracking_status=service.status,
            pause_tracking=lambda minutes: service.pause(minutes),
            resume_tracking=service.resume,
            write=lambda fn, key: writer.submit(fn, name=key, key=key, retry=False),
            query=lambda fn, done, key: self.worker.submit(
                fn, done, lambda exc: logger.warning("tray query failed: %s", exc), key=key),
            focus=lambda clock: FocusService(store.uow, settings.focus, clock, app.analysis.tz),
            today=today,
            record=writer.insert,
            tz=app.analysis.tz,
            day_start_hour=app.analysis.day_start_hour,
            afk_timeout=settings.tracking.afk_timeout,
            tasks=lambda clock: TaskService(store.uow, clock, app.analysis.tz),
        )
        self.vm = TrayViewModel(service.status, tracker.tz)
        self.ctl = TrayController(backend, self.vm, app.clock, settings.reminders)
        self.tray = TrayIcon(self.vm, self.ctl)
        from .notify import Notifier

        self.notifier = Notifier(self.tray, settings.reminders)
        self.ctl.notice.connect(self.notifier.show)
        self.ctl.ask_rating.connect(self._ask_rating)
        self.ctl.ask_idle.connect(self._ask_idle)
        self.ctl.open_dashboard.connect(self.handle_message)
        self.ctl.open_settings.connect(lambda: self.handle_message({"open": "settings"}))
        self.ctl.quit_requested.connect(qapp.quit)
        self.windows: dict[str, QWidget] = {}
        self.prompts: list[QWidget] = []
        available = (QSystemTrayIcon.isSystemTrayAvailable() if tray_available is None
                     else tray_available)
        self.has_tray = available
        if available:
            self.tray.show()

    # -- messages (the menu, a second launch) ---------------------------------------------------
    def handle_message(self, message: dict[str, Any]) -> None:
        what = message.get("open")
        if what == "dashboard":
            self.open_dashboard(str(message.get("period") or "day"), message.get("date"))
        elif what == "settings":
            self.open_settings()
        else:
            logger.warning("ignored a message from another launch: %r", message)

    def open_dashboard(self, period: str = "day", day: str | None = None) -> None:
        from ui.dashboard import open_dashboard

        try:
            chosen = date.fromisoformat(day) if day else None
        except ValueError:
            chosen = None
        if period not in ("day", "week", "month"):
            period = "day"
        self.windows["dashboard"] = open_dashboard(
            self.app, self.app.clock, period=period, day=chosen,
            existing=self.windows.get("dashboard"))

    def open_settings(self) -> None:
        existing = self.windows.get("settings")
        if existing is not None and existing.isVisible():
            existing.raise_()
            existing.activateWindow()
            return
        from ui.settings_dialog import SettingsDialog

        path = self.settings_path
        if path is None:
            from tracker_desktop.config import default_config_path

            path = default_config_path()
        dialog = SettingsDialog(path, self.tracker.settings)
        dialog.saved.connect(self.apply_settings)
        self.windows["settings"] = dialog
        dialog.show()
        dialog.raise_()

    def apply_settings(self, settings: Any) -> None:
        """What applies without a restart: reminders and notifications."""
        self.ctl.apply_settings(settings.reminders)
        self.notifier.settings = settings.reminders

    # -- prompts --------------------------------------------------------------------------------
    def _keep(self, prompt: QWidget) -> None:
        self.prompts.append(prompt)
        prompt.destroyed.connect(lambda *_: self.prompts.remove(prompt)
                                 if prompt in self.prompts else None)
        prompt.show()
        prompt.raise_()
        prompt.activateWindow()

    def _ask_rating(self, summary: str, at: datetime) -> None:
        from .session_prompt import SessionPrompt

        prompt = SessionPrompt(summary)
        prompt.answered.connect(lambda score, notes: self.ctl.finish_session(at, score, notes))
        self._keep(prompt)

    def _ask_idle(self, since: datetime, task: str) -> None:
        from .idle_prompt import IdlePrompt

        prompt = IdlePrompt(since, self.app.clock.now, task=task,
                            what_ran="a task timer" if task else "a focus session",
                            tasks=[title for _, title in self.vm.timer.open_tasks])
        prompt.answered.connect(lambda answer, end: self.ctl.answer_idle(answer, since, end))
        self._keep(prompt)


def run_tray_app(app: App, tracker: Tracker, *, settings_path: Path | None = None) -> int:
    """Run the tray app until Quit (or SIGTERM/SIGINT); the tracker's exit code."""
    from .single_instance import InstanceServer

    existing = QApplication.instance()
    qapp = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    qapp.setApplicationName("tracker-desktop")
    qapp.setApplicationDisplayName("Tracker")
    qapp.setQuitOnLastWindowClosed(False)
    # Python signal handlers run between Qt events; the tick timer keeps those coming. The quit
    # is posted, not called: a signal that lands before the event loop runs would otherwise be
    # lost (QApplication.quit() before exec() does nothing) and the app would never stop.
    def on_signal(signum: int, _frame: object) -> None:
        logger.info("signal %s: stopping", signum)
        QTimer.singleShot(0, qapp.quit)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    tray_app = TrayApp(app, tracker, qapp, settings_path=settings_path)
    assert tracker.settings.data_dir is not None
    server = InstanceServer(tracker.settings.data_dir)
    server.message.connect(tray_app.handle_message)
    if not server.listen():
        logger.warning("a second launch cannot reach this one (single-instance socket)")
    if not tray_app.has_tray:
        print("tracker-desktop: " + NO_TRAY, file=sys.stderr)
        logger.warning("no system tray available: showing the dashboard instead")
        # No icon to come back to: closing the last window ends the app (and tracking).
        qapp.setQuitOnLastWindowClosed(True)
        tray_app.open_dashboard()
        # A child of the dashboard, so the window manager keeps it above it.
        box = QMessageBox(QMessageBox.Icon.Information, "No system tray", NO_TRAY_TEXT,
                          QMessageBox.StandardButton.Ok, tray_app.windows.get("dashboard"))
        box.setInformativeText(NO_TRAY_HINT)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.show()
        tray_app.windows["no-tray"] = box
    service = tracker.service

    def tick() -> None:
        try:
            service.tick()
        except Exception:
            logger.exception("tracking tick failed")
        tray_app.ctl.on_tick()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(int(tracker.settings.tracking.poll_seconds * 1000))
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
    tray_app.ctl.start()
    written = False
    try:
        qapp.exec()
    finally:
        timer.stop()
        tray_app.ctl.stop()
        server.close()
        tray_app.tray.hide()
        # Windows close while the application still exists, so their own clean-up runs.
        for window in [*tray_app.windows.values(), *tray_app.prompts]:
            window.close()
        qapp.processEvents()
        tray_app.worker.wait(5000)  # its queries read the store the shutdown closes
        written = tracker.shutdown()
    return 0 if written else 1
