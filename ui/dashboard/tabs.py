"""The dashboard's Tasks, Insights and Leaderboard tabs. They only render the views of
.tabs_model; every read and write runs on a worker thread (`TabContext.run`), through the
services of the window's own App (writes are the services' own units of work)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.worker import Worker

from . import tabs_model as m
from .widgets import Card

logger = logging.getLogger(__name__)


class TabContext:
    """What a tab needs: a worker (its jobs run in order), the App its jobs use (called on the
    worker thread only), today's date, and where messages go (the status bar)."""

    def __init__(self, worker: Worker, app: Callable[[], Any], today: Callable[[], date],
                 message: Callable[[str], None]) -> None:
        self.worker, self.app, self.today, self.message = worker, app, today, message

    def run(self, job: Callable[[Any], Any], done: Callable[[Any], None] | None = None,
            failed: Callable[[BaseException], None] | None = None, *, key: str | None = None) -> None:
        def on_error(exc: BaseException) -> None:
            if failed is not None:
                failed(exc)
            else:
                logger.warning("dashboard tab job failed: %s", exc)
                self.message(str(exc) or type(exc).__name__)

        self.worker.submit(lambda: job(self.app()), done, on_error, key=key)


def _muted(text: str = "") -> QLabel:
    lbl = QLabel(text)
    lbl.setObjectName("muted")
    lbl.setWordWrap(True)
    return lbl


def _clear(layout: QGridLayout | QVBoxLayout) -> None:
    while layout.count():
        taken = layout.takeAt(0)
        w = taken.widget() if taken is not None else None
        if w is not None:
            w.deleteLater()


# --- Tasks ------------------------------------------------------------------------------------

COLUMNS = ("Title", "Status", "Priority", "Due", "Estimate", "Time spent", "vs estimate")
EDITABLE = {0: "title", 2: "priority", 3: "due", 4: "estimate"}


class TasksTab(QWidget):
    def __init__(self, ctx: TabContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.view: m.TasksView | None = None
        self.loads = 0
        self._filling = False
        outer = QHBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 16)
        left = QVBoxLayout()
        outer.addLayout(left, 3)

        filters = QHBoxLayout()
        self.status_box = QComboBox()
        self.status_box.addItem("Open (not archived)", None)
        for s in m.STATUS_TITLES:
            self.status_box.addItem(m.STATUS_TITLES[s], s)
        self.priority_box = QComboBox()
        self.priority_box.addItem("Any priority", None)
        for p in ("urgent", "high", "medium", "low"):
            self.priority_box.addItem(p, p)
        self.project_box = QComboBox()
        self.project_box.addItem("Any project", None)
        self.search = QLineEdit(placeholderText="Search titles and descriptions")
        for w in (self.status_box, self.priority_box, self.project_box):
            w.currentIndexChanged.connect(lambda _=0: self.load())
            filters.addWidget(w)
        self.search.returnPressed.connect(self.load)
        filters.addWidget(self.search, 1)
        left.addLayout(filters)

        timer = QHBoxLayout()
        self.timer_label = QLabel("No timer running")
        self.timer_label.setObjectName("periodTitle")
        self.start_button = QPushButton("▶ Start timer")
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("■ Stop")
        self.start_button.clicked.connect(self.start_timer)
        self.pause_button.clicked.connect(self.pause_or_resume)
        self.stop_button.clicked.connect(lambda: self._do(lambda a: a.tasks.timer_stop()))
        timer.addWidget(self.timer_label, 1)
        for b in (self.start_button, self.pause_button, self.stop_button):
            timer.addWidget(b)
        left.addLayout(timer)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(COLUMNS)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._edited)
        left.addWidget(self.table, 1)

        actions = QHBoxLayout()
        self.new_title = QLineEdit(placeholderText="New task title, Enter to add")
        self.new_title.returnPressed.connect(self.add_task)
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add_task)
        self.done_button = QPushButton("✓ Done")
        self.archive_button = QPushButton("Archive")
        self.delete_button = QPushButton("Delete…")
        self.done_button.clicked.connect(lambda: self._on_selected(lambda a, i: a.tasks.done(i)))
        self.archive_button.clicked.connect(
            lambda: self._on_selected(lambda a, i: a.tasks.archive(i)))
        self.delete_button.clicked.connect(self.delete_task)
        actions.addWidget(self.new_title, 1)
        for b in (self.add_button, self.done_button, self.archive_button, self.delete_button):
            actions.addWidget(b)
        left.addLayout(actions)

        self.analytics = Card("Task analytics · all time")
        self.analytics_box = QGridLayout()
        self.analytics.body.addLayout(self.analytics_box)
        self.analytics.body.addStretch(1)
        outer.addWidget(self.analytics, 1)

    # -- reading --------------------------------------------------------------------------
    def filter(self) -> m.TaskFilter:
        return m.TaskFilter(self.status_box.currentData(), self.priority_box.currentData(),
                            self.project_box.currentData(), self.search.text().strip())

    def editing(self) -> bool:
        return self.table.state() == QAbstractItemView.State.EditingState

    def load(self) -> None:
        flt, today = self.filter(), self.ctx.today()
        self.loads += 1
        self.ctx.run(lambda a: m.tasks_view(m.fetch_tasks(a, flt, today)), self.show_view,
                     key="tasks")

    def show_view(self, view: m.TasksView) -> None:
        self.view = view
        self._filling = True
        try:
            current = self.project_box.currentData()
            self.project_box.blockSignals(True)
            self.project_box.clear()
            self.project_box.addItem("Any project", None)
            for p in view.projects:
                self.project_box.addItem(p, p)
            at = self.project_box.findData(current)
            self.project_box.setCurrentIndex(max(at, 0))
            self.project_box.blockSignals(False)

            self.table.setRowCount(len(view.rows))
            for r, row in enumerate(view.rows):
                cells = (("● " if row.running else "") + row.title, m.STATUS_TITLES[row.status],
                         row.priority, row.due, row.estimate, row.spent, row.vs_estimate)
                for c, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    item.setData(Qt.ItemDataRole.UserRole, row.id)
                    flags = item.flags()
                    if c not in EDITABLE:
                        flags &= ~Qt.ItemFlag.ItemIsEditable
                    item.setFlags(flags)
                    if c == 3 and row.overdue:
                        item.setToolTip("overdue")
                        item.setText(text + " ⚠")
                    self.table.setItem(r, c, item)
        finally:
            self._filling = False
        self.timer_label.setText(view.timer)
        self.pause_button.setText("Resume" if view.timer_paused else "Pause")
        self.pause_button.setEnabled(view.timer_running)
        self.stop_button.setEnabled(view.timer_running)
        _clear(self.analytics_box)
        for i, (k, v) in enumerate(view.summary):
            self.analytics_box.addWidget(_muted(k), i, 0)
            self.analytics_box.addWidget(QLabel(v), i, 1)

    # -- acting ---------------------------------------------------------------------------
    def selected_id(self) -> int | None:
        items = self.table.selectedItems()
        if not items:
            return None
        value = items[0].data(Qt.ItemDataRole.UserRole)
        return int(value) if value is not None else None

    def select_task(self, task_id: int) -> None:
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == task_id:
                self.table.selectRow(r)
                return
        raise LookupError(task_id)

    def _do(self, job: Callable[[Any], Any]) -> None:
        def failed(exc: BaseException) -> None:
            self.ctx.message(str(exc).split(": `")[0])
            self.load()

        self.ctx.run(job, lambda _: self.load(), failed)

    def _on_selected(self, job: Callable[[Any, int], Any]) -> None:
        task_id = self.selected_id()
        if task_id is None:
            self.ctx.message("Select a task first")
            return
        self._do(lambda a: job(a, task_id))

    def start_timer(self) -> None:
        task_id = self.selected_id()
        self._do(lambda a: a.tasks.timer_start(task_id))

    def pause_or_resume(self) -> None:
        paused = self.view is not None and self.view.timer_paused
        self._do(lambda a: a.tasks.timer_resume() if paused else a.tasks.timer_pause())

    def add_task(self) -> None:
        title = self.new_title.text().strip()
        if not title:
            return
        self.new_title.clear()
        self._do(lambda a: a.tasks.add(title))

    def confirm(self, question: str) -> bool:
        """Asks before deleting (a seam: tests answer it)."""
        answer = QMessageBox.question(self, "Delete task", question)
        return answer == QMessageBox.StandardButton.Yes

    def delete_task(self) -> None:
        task_id = self.selected_id()
        if task_id is None:
            self.ctx.message("Select a task first")
            return
        title = next((r.title for r in self.view.rows if r.id == task_id), "") if self.view else ""
        if self.confirm(f"Delete “{title}” and its time entries? This cannot be undone."):
            self._do(lambda a: a.tasks.delete(task_id))

    def _edited(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() not in EDITABLE:
            return
        task_id = int(item.data(Qt.ItemDataRole.UserRole))
        field, text = EDITABLE[item.column()], item.text().strip()
        today = self.ctx.today()

        def job(a: Any) -> Any:
            from tracker_desktop.services.tasks import parse_due

            if field == "title":
                return a.tasks.edit(task_id, title=text.removeprefix("● "))
            if field == "priority":
                return a.tasks.edit(task_id, priority=text.lower())
            if field == "due":
                return a.tasks.edit(task_id, due=parse_due(text.removesuffix(" ⚠"), today))
            try:
                hours = m.parse_estimate(text)
            except ValueError:
                raise ValueError(f"estimate {text!r} is not a number of hours") from None
            return a.tasks.edit(task_id, estimate_hours=hours)

        self._do(job)


# --- Insights ---------------------------------------------------------------------------------

KINDS = (("bottlenecks", "Bottlenecks"), ("patterns", "Patterns"), ("suggestions", "Suggestions"))


class InsightsTab(QWidget):
    def __init__(self, ctx: TabContext, slow: TabContext | None = None) -> None:
        """`slow`: where generating runs (Claude can take a while): not the reads' worker,
        so the other tabs never wait behind it."""
        super().__init__()
        self.ctx = ctx
        self.slow = slow or ctx
        self.view: m.InsightsView | None = None
        self.day: date | None = None
        outer = QHBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 16)

        left = Card("Insights")
        self.source_label = _muted()
        left.body.addWidget(self.source_label)
        self.kinds = QTabWidget()
        self.lists: dict[str, QListWidget] = {}
        for key, title in KINDS:
            lst = QListWidget()
            lst.setWordWrap(True)
            lst.setAlternatingRowColors(True)
            self.lists[key] = lst
            self.kinds.addTab(lst, title)
        left.body.addWidget(self.kinds, 1)
        self.analyze_button = QPushButton("Analyze today")
        self.analyze_button.clicked.connect(self.analyze)
        left.body.addWidget(self.analyze_button)
        outer.addWidget(left, 3)

        right = Card("Today's plan")
        self.plan_title = QLabel("")
        right.body.addWidget(self.plan_title)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m done")
        right.body.addWidget(self.progress)
        self.plan_box = QVBoxLayout()
        right.body.addLayout(self.plan_box)
        self.plan_extra = _muted()
        right.body.addWidget(self.plan_extra)
        right.body.addStretch(1)
        self.generate_button = QPushButton("Generate new plan")
        self.generate_button.clicked.connect(self.generate_plan)
        right.body.addWidget(self.generate_button)
        outer.addWidget(right, 2)
        self.checks: list[QCheckBox] = []

    def load(self) -> None:
        day = self.day = self.ctx.today()
        self.ctx.run(lambda a: m.insights_view(m.fetch_insights(a, day)), self.show_view,
                     key="insights")

    def show_view(self, view: m.InsightsView) -> None:
        self.view = view
        self.source_label.setText(f"Source: {view.source}")
        for i, (key, rows) in enumerate((("bottlenecks", view.bottlenecks),
                                         ("patterns", view.patterns),
                                         ("suggestions", view.suggestions))):
            self.kinds.setTabText(i, f"{KINDS[i][1]} ({len(rows)})")
            lst = self.lists[key]
            lst.clear()
            for marker, text in rows:
                item = QListWidgetItem(f"{marker}  {text}")
                colour = m.MARK_COLOURS.get(marker)
                if colour is not None:  # the severity marker's colour (impact, priority)
                    item.setForeground(QColor(colour))
                lst.addItem(item)
            if not rows:
                lst.addItem("Nothing here yet: “Analyze today” makes insights (locally "
                            "without an API key)." if view.empty or key == "bottlenecks"
                            and not (view.patterns or view.suggestions) else "Nothing noted.")
        self.plan_title.setText(view.plan_title)
        _clear(self.plan_box)
        self.checks = []
        for row in view.plan:
            box = QCheckBox(row.text)
            box.setChecked(row.done)
            box.toggled.connect(lambda on, i=row.index: self.tick(i, on))
            self.plan_box.addWidget(box)
            self.checks.append(box)
        if not view.plan:
            self.plan_box.addWidget(_muted("No plan for today yet."))
        self.progress.setRange(0, max(len(view.plan), 1))
        self.progress.setValue(view.plan_done)
        self.plan_extra.setText("\n".join(view.plan_extra))

    def tick(self, index: int, done: bool) -> None:
        day = self.day or self.ctx.today()
        self.ctx.run(lambda a: a.ai.tick(day, index, done), lambda _: self.load(),
                     self._failed)

    def _busy(self, on: bool) -> None:
        for b in (self.generate_button, self.analyze_button):
            b.setEnabled(not on)

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.ctx.message(f"Insights: {exc}")
        self.load()

    def _generated(self, result: Any) -> None:
        self._busy(False)
        if getattr(result, "note", ""):
            self.ctx.message(result.note)
        self.load()

    def generate_plan(self) -> None:
        day = self.day or self.ctx.today()
        self._busy(True)
        self.slow.run(lambda a: a.ai.plan(day), self._generated, self._failed)

    def analyze(self) -> None:
        day = self.day or self.ctx.today()
        self._busy(True)
        self.slow.run(lambda a: a.ai.insights(day), self._generated, self._failed)


# --- Leaderboard ------------------------------------------------------------------------------

class LeaderboardTab(QWidget):
    def __init__(self, ctx: TabContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.view: m.BoardView | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 16)
        row = QHBoxLayout()
        self.period_box = QComboBox()
        for p in ("day", "week", "month"):
            self.period_box.addItem(p.capitalize(), p)
        self.period_box.setCurrentIndex(1)
        self.metric_box = QComboBox()
        for metric in m.METRICS:
            self.metric_box.addItem(m.METRIC_TITLES[metric], metric)
        self.refresh_button = QPushButton("Refresh")
        for w in (self.period_box, self.metric_box):
            w.currentIndexChanged.connect(lambda _=0: self.load())
            row.addWidget(w)
        self.refresh_button.clicked.connect(self.load)
        row.addStretch(1)
        row.addWidget(self.refresh_button)
        outer.addLayout(row)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.message)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(("Rank", "Name", "Value"))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        outer.addWidget(self.table, 1)

    def load(self) -> None:
        period, metric = self.period_box.currentData(), self.metric_box.currentData()
        day = self.ctx.today()
        self.message.setText("Loading…")
        self.ctx.run(lambda a: m.board_view(m.fetch_board(a, period, metric, day), metric),
                     self.show_view, key="board")

    def show_view(self, view: m.BoardView) -> None:
        self.view = view
        self.message.setText(view.message)
        self.message.setObjectName({"ok": "muted", "error": "error"}.get(view.state, ""))
        self.table.setVisible(view.state == "ok")
        self.table.setRowCount(len(view.rows))
        for r, cells in enumerate(view.rows):
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
