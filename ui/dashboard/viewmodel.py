"""The dashboard's view-model: holds the navigation state, asks the worker for data, and hands
the window a `DashboardView` to render. The window never queries; this never touches widgets.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Signal

from ui.worker import Worker

from .model import DIMENSIONS, DashboardView, Nav, build_view

if TYPE_CHECKING:
    from tracker_desktop.services.dashboard import DashboardData, DashboardService

logger = logging.getLogger(__name__)


class DashboardViewModel(QObject):
    changed = Signal(object)  # DashboardView
    loading = Signal(bool)
    failed = Signal(str)

    def __init__(self, service: "Callable[[], DashboardService]", worker: Worker,
                 today: Callable[[], date], nav: Nav) -> None:
        """`service` makes the DashboardService; it is called (once) inside the first worker
        job, because building it opens the database, which the GUI thread never does."""
        super().__init__()
        self._make_service = service
        self._service: DashboardService | None = None
        self._worker = worker
        self._today = today
        self.nav = nav
        self.dimension = "categories"
        self.drill: str | None = None
        self.data: DashboardData | None = None
        self.view: DashboardView | None = None
        self.loads = 0  # snapshots requested (tests: live refresh re-reads only when needed)
        self.version_checks = 0

    @property
    def worker(self) -> Worker:
        return self._worker

    # -- loading ---------------------------------------------------------------------------
    def _svc(self) -> "DashboardService":
        # Worker thread only (one thread: no race on the first call).
        if self._service is None:
            self._service = self._make_service()
        return self._service

    def load(self) -> None:
        nav = self.nav
        self.loads += 1
        self.loading.emit(True)
        self._worker.submit(lambda: self._svc().snapshot(nav.period, nav.kind, nav.anchor),
                            lambda data: self._loaded(nav, data), self._failed, key="snapshot")

    def _loaded(self, nav: Nav, data: "DashboardData") -> None:
        if nav != self.nav:  # the person moved on meanwhile; their load is on its way
            return
        self.data = data
        self.loading.emit(False)
        self._render()

    def _failed(self, exc: BaseException) -> None:
        logger.error("dashboard: reading failed", exc_info=exc)
        self.loading.emit(False)
        self.failed.emit(f"Could not read the activity record: {exc}")

    def _render(self) -> None:
        if self.data is None:
            return
        self.view = build_view(self.data, self.nav, self._today(), self.dimension, self.drill)
        self.changed.emit(self.view)

    def poll(self) -> None:
        """Live refresh (a timer calls this): only a period that includes today can change, and
        it is re-read only if something was written to the database since the last read."""
        if self.data is None or not self.nav.contains(self._today()):
            return
        seen = self.data.version
        self.version_checks += 1

        def decide(version: int) -> None:
            if version != seen and self.data is not None and self.data.version == seen:
                self.load()

        self._worker.submit(lambda: self._svc().version(), decide, self._failed, key="version")

    # -- navigation --------------------------------------------------------------------------
    def _go(self, nav: Nav) -> None:
        if nav == self.nav:
            return
        self.nav = nav
        self.drill = None
        self.load()

    def step(self, n: int) -> None:
        self._go(self.nav.step(n))

    def today(self) -> None:
        self._go(self.nav.today(self._today()))

    def set_kind(self, kind: str) -> None:
        self._go(self.nav.with_kind(kind))

    def go_to(self, kind: str, day: date) -> None:
        self._go(Nav(kind, day))

    # -- what the bar chart shows (no query: the data is here) -----------------------------
    def set_dimension(self, dimension: str) -> None:
        if dimension not in DIMENSIONS:
            raise ValueError(dimension)
        self.dimension, self.drill = dimension, None
        self._render()

    def drill_into(self, key: str) -> None:
        if key:
            self.drill = key
            self._render()

    def drill_up(self) -> None:
        if self.drill is None:
            return
        if self.dimension == "categories" and " > " in self.drill:
            self.drill = self.drill.rsplit(" > ", 1)[0]
        else:
            self.drill = None
        self._render()
