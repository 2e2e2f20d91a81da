"""The dashboard window: `open_dashboard` (the tray and the `dashboard` verb) and
`render_screenshot` (`dashboard --screenshot`, the docs' pictures and the tests' look).

The window gets its own `App` over the same database (its own connections) and one worker
thread: every query runs there, in order, never on the GUI thread.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker_desktop.domain.days import day_of

from .model import Nav

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from tracker_desktop.domain.clock import Clock

    from .window import DashboardWindow

__all__ = ["open_dashboard", "build_dashboard", "render_screenshot", "preload"]


def preload() -> None:
    """Import the window and its charts (pyqtgraph, numpy: most of a first open's time) ahead
    of time, e.g. from the tray a few seconds after start-up, so the first open is quick."""
    from . import window  # noqa: F401


def _qapp() -> "QApplication":
    # Qt is imported when a window is made: the view-model logic (.model) is used without it.
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    return existing if isinstance(existing, QApplication) else QApplication([])


def build_dashboard(app: Any, clock: "Clock", *, period: str = "day", day: date | None = None,
                    theme: str | None = None) -> "DashboardWindow":
    """A dashboard window (not shown yet) over `app` (tracker_desktop.app.App, which ui may not
    import) on `period` ("day", "week", "month") around `day`
    (default today); `theme` overrides `[ui] theme`."""
    from PySide6.QtCore import QThreadPool

    from ui import theme as themes
    from ui.worker import Worker

    from .tabs import TabContext
    from .viewmodel import DashboardViewModel
    from .window import DashboardWindow

    qapp = _qapp()
    settings = app.settings
    chosen = themes.resolve(theme or settings.ui.theme)
    themes.apply(qapp, chosen)
    # Its own store: the lean read connection is not shared with the tray's threads.
    own = app.for_another_thread()
    analysis = own.analysis  # settings only: no database on the GUI thread

    def today() -> date:
        return day_of(clock.now(), analysis.tz, analysis.day_start_hour)

    pool = QThreadPool()
    pool.setMaxThreadCount(1)  # one connection, one thread: queries run in order
    pool.setExpiryTimeout(-1)
    worker = Worker(pool)
    vm = DashboardViewModel(lambda: own.dashboard, worker, today, Nav(period, day or today()))
    window = DashboardWindow(vm, chosen, refresh_ms=int(settings.ui.refresh_seconds * 1000))
    worker.setParent(window)
    vm.setParent(window)
    # The leaderboard talks to a server (seconds when it is down): its own thread and its own
    # App (made on that thread), so the other tabs never wait behind it.
    board_pool = QThreadPool()
    board_pool.setMaxThreadCount(1)
    board_pool.setExpiryTimeout(-1)
    board_worker = Worker(board_pool)
    board_worker.setParent(window)
    board_apps: list[Any] = []

    def board_app() -> Any:
        if not board_apps:
            board_apps.append(app.for_another_thread())
        return board_apps[0]

    def message(text: str) -> None:
        window.status.showMessage(text, 10_000)

    window.add_tabs(TabContext(worker, lambda: own, today, message),
                    TabContext(board_worker, board_app, today, message))

    def closed(*_: object) -> None:
        for p in (pool, board_pool):
            try:
                p.waitForDone(5000)
            except RuntimeError:  # the pool went first (interpreter shutdown): nothing runs
                pass
        own.close()
        for a in board_apps:
            a.close()

    window.destroyed.connect(closed)
    window._keep = (own, pool, board_pool)  # type: ignore[attr-defined]  # alive as the window
    window.settings = settings
    if (theme or settings.ui.theme) == "system":
        # Follow the desktop when its scheme changes while the window is open (Qt >= 6.5).
        hints = qapp.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(window.follow_system_theme)
    return window


def open_dashboard(app: Any, clock: "Clock", *, period: str = "day", day: date | None = None,
                   existing: "QWidget | None" = None) -> "QWidget":
    """Show the dashboard (a new window, or `existing` moved to the period) and raise it. If
    `app.settings` changed since `existing` was built (the settings dialog saved), a new window
    on the new settings replaces it."""
    from .window import DashboardWindow

    if isinstance(existing, DashboardWindow) and existing.settings != app.settings:
        # Saved settings (rules, goals, theme...) apply to the open window at once: a window
        # built on the new ones replaces it, on the period asked for.
        existing.close()
        existing.deleteLater()
        existing = None
    if isinstance(existing, DashboardWindow):
        window = existing
        target = Nav(period, day or window.vm._today())
        window.vm.go_to(target.kind, target.anchor)
    else:
        window = build_dashboard(app, clock, period=period, day=day)
        window.vm.load()
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def render_screenshot(app: Any, clock: "Clock", path: Path, *, period: str = "day",
                      day: date | None = None, theme: str | None = None,
                      width: int = 1440, tab: str = "overview") -> tuple[int, int]:
    """Render the dashboard offscreen into a PNG; returns its size. The overview at its full
    height; another `tab` ("tasks", "insights", "leaderboard") at 900 px, once it has read."""
    window = build_dashboard(app, clock, period=period, day=day, theme=theme)
    qapp = _qapp()
    window.refresh_timer.stop()
    window.vm.load()
    window.vm.worker.wait(120_000)
    qapp.processEvents()
    window.resize(width, 900)
    window.show()
    qapp.processEvents()
    if tab == "overview":
        # Full height: the overview's natural height plus the toolbar, so nothing is scrolled
        # away.
        content = window.overview.sizeHint().height()
        chrome = window.height() - window.scroller.viewport().height()
        window.resize(width, content + chrome + 4)
    else:
        shown: Any = {"tasks": window.tasks_tab, "insights": window.insights_tab,
                 "leaderboard": window.board_tab}[tab]
        window.tabs.setCurrentWidget(shown)  # it reads when shown
        shown.ctx.worker.wait(120_000)
        shown.ctx.worker.wait(5_000)  # what its first result asked for
    qapp.processEvents()
    window.vm.worker.wait(5_000)
    qapp.processEvents()
    pixmap = window.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    size = (pixmap.width(), pixmap.height())
    window.close()
    window.deleteLater()
    qapp.processEvents()
    return size
