"""The dashboard window: renders DashboardViewModel's views; its controls call the view-model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ui.theme import Theme

from .model import DIMENSION_TITLES, DIMENSIONS, DashboardView, top_category
from .viewmodel import DashboardViewModel
from .widgets import BarChart, Card, Gauge, Heatmap, Sparkline, TimelineChart, TrendChart

ARROWS = {"up": "▲", "down": "▼", "flat": "▶", "none": ""}


def _label(text: str = "", name: str | None = None, wrap: bool = False) -> QLabel:
    lbl = QLabel(text)
    if name:
        lbl.setObjectName(name)
    lbl.setWordWrap(wrap)
    lbl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lbl


def _clear(layout: QVBoxLayout | QGridLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        w = item.widget() if item is not None else None
        if w is not None:
            w.deleteLater()


class DashboardWindow(QMainWindow):
    """Overview tab with every chart; more tabs (Tasks, Insights, Leaderboard) go in `tabs`."""

    def __init__(self, vm: DashboardViewModel, theme: Theme, *, refresh_ms: int = 60_000) -> None:
        super().__init__()
        self.vm = vm
        self.theme = theme
        self.settings: Any = None  # the Settings it was built on (open_dashboard compares)
        self.setWindowTitle("Activity dashboard")
        self.resize(1360, 940)
        self._build_toolbar()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabBarAutoHide(True)  # the bar shows once the other tabs are added
        self.overview = QWidget()
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroller.setWidget(self.overview)
        self.tabs.addTab(self.scroller, "Overview")
        self.setCentralWidget(self.tabs)
        self._build_overview()
        self.status = self.statusBar()
        vm.changed.connect(self.show_view)
        vm.loading.connect(lambda on: self.status.showMessage("Loading…" if on else "", 0))
        vm.failed.connect(lambda msg: self.status.showMessage(msg, 0))
        # Live refresh: the view-model re-reads only when the database changed (a seam: tests
        # call `refresh_timer.timeout.emit()`).
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(refresh_ms)
        self.refresh_timer.timeout.connect(vm.poll)
        self.refresh_timer.start()
        self._shortcuts()

    # -- building --------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        tb = QToolBar("Navigation")
        tb.setMovable(False)
        tb.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.addToolBar(tb)
        self.prev_action = QAction("◀", self, toolTip="Previous period (←, Page Up)")
        self.today_action = QAction("Today", self, toolTip="Today (T)")
        self.next_action = QAction("▶", self, toolTip="Next period (→, Page Down)")
        self.prev_action.triggered.connect(lambda: self.vm.step(-1))
        self.next_action.triggered.connect(lambda: self.vm.step(1))
        self.today_action.triggered.connect(self.vm.today)
        tb.addAction(self.prev_action)
        tb.addAction(self.today_action)
        tb.addAction(self.next_action)
        tb.addSeparator()
        self.kind_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for kind, key in (("day", "D"), ("week", "W"), ("month", "M")):
            act = QAction(kind.capitalize(), self, checkable=True, toolTip=f"{kind.capitalize()} ({key})")
            act.triggered.connect(lambda _=False, k=kind: self.vm.set_kind(k))
            group.addAction(act)
            tb.addAction(act)
            self.kind_actions[kind] = act
        self.kind_actions[self.vm.nav.kind].setChecked(True)
        tb.addSeparator()
        self.period_label = _label(self.vm.nav.title, "periodTitle")
        self.period_label.setContentsMargins(10, 0, 0, 0)
        tb.addWidget(self.period_label)

    def _shortcuts(self) -> None:
        keys = {
            Qt.Key.Key_Left: lambda: self.vm.step(-1), Qt.Key.Key_PageUp: lambda: self.vm.step(-1),
            Qt.Key.Key_Right: lambda: self.vm.step(1), Qt.Key.Key_PageDown: lambda: self.vm.step(1),
            Qt.Key.Key_T: self.vm.today, Qt.Key.Key_D: lambda: self.vm.set_kind("day"),
            Qt.Key.Key_W: lambda: self.vm.set_kind("week"),
            Qt.Key.Key_M: lambda: self.vm.set_kind("month"),
            Qt.Key.Key_Backspace: self.vm.drill_up,
        }
        self._keys = []
        for key, fn in keys.items():
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(fn)
            self._keys.append(sc)

    def _build_overview(self) -> None:
        t = self.theme
        grid = QGridLayout(self.overview)
        grid.setContentsMargins(16, 14, 16, 16)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(14)
        for c in range(3):
            grid.setColumnStretch(c, 1)

        # Summary
        self.summary_card = Card("Active time")
        self.active_label = _label("–", "bigNumber")
        self.idle_label = _label("", "muted")
        self.switches_label = _label("", "muted")
        self.streak_label = _label("")
        for w in (self.active_label, self.idle_label, self.switches_label, self.streak_label):
            self.summary_card.body.addWidget(w)
        self.summary_card.body.addStretch(1)
        grid.addWidget(self.summary_card, 0, 0)

        # Score: gauge, arrow, 7-day sparkline
        self.score_card = Card("Productivity score")
        row = QHBoxLayout()
        self.gauge = Gauge(t)
        row.addWidget(self.gauge, 1)
        side = QVBoxLayout()
        self.arrow_label = _label("", "bigNumber")
        self.arrow_text = _label("", "muted", wrap=True)
        side.addStretch(1)
        side.addWidget(self.arrow_label)
        side.addWidget(self.arrow_text)
        side.addStretch(1)
        row.addLayout(side, 1)
        self.score_card.body.addLayout(row)
        self.spark = Sparkline(t)
        self.score_card.body.addWidget(self.spark)
        grid.addWidget(self.score_card, 0, 1)

        # Goals
        self.goals_card = Card("Goals")
        self.goals_box = QVBoxLayout()
        self.goals_card.body.addLayout(self.goals_box)
        self.goals_card.body.addStretch(1)
        grid.addWidget(self.goals_card, 0, 2)

        # Timeline
        self.timeline_card = Card("Timeline")
        self.timeline = TimelineChart(t)
        self.timeline_card.body.addWidget(self.timeline)
        self.legend = _label("", "muted", wrap=True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.timeline_card.body.addWidget(self.legend)
        grid.addWidget(self.timeline_card, 1, 0, 1, 3)

        # Bars with their dimension switch and drill-down crumb
        self.bars_card = Card("Time by")
        switch = QHBoxLayout()
        self.dimension_buttons = QButtonGroup(self)
        self.dimension_buttons.setExclusive(True)
        self.dimension_button: dict[str, QPushButton] = {}
        for dim in DIMENSIONS:
            b = QPushButton(DIMENSION_TITLES[dim])
            self.dimension_button[dim] = b
            b.setCheckable(True)
            b.setFlat(True)
            b.clicked.connect(lambda _=False, d=dim: self.vm.set_dimension(d))
            self.dimension_buttons.addButton(b)
            switch.addWidget(b)
            if dim == "categories":
                b.setChecked(True)
        switch.addStretch(1)
        self.back_button = QPushButton("‹ Back")
        self.back_button.setFlat(True)
        self.back_button.clicked.connect(self.vm.drill_up)
        switch.addWidget(self.back_button)
        self.bars_card.body.addLayout(switch)
        self.crumb = _label("", "muted")
        self.bars_card.body.addWidget(self.crumb)
        self.bars = BarChart(t)
        self.bars.clicked.connect(self.vm.drill_into)
        self.bars_card.body.addWidget(self.bars)
        grid.addWidget(self.bars_card, 2, 0, 1, 2)

        # Top window titles per app
        self.titles_card = Card("Top window titles")
        self.titles_box = QVBoxLayout()
        self.titles_card.body.addLayout(self.titles_box)
        self.titles_card.body.addStretch(1)
        grid.addWidget(self.titles_card, 2, 2)

        # Heatmap, trend, focus
        self.heat_card = Card("Active hours by weekday")
        self.heatmap = Heatmap(t)
        self.heat_card.body.addWidget(self.heatmap)
        grid.addWidget(self.heat_card, 3, 0)
        self.trend_card = Card("Trend")
        self.trend = TrendChart(t)
        self.trend_card.body.addWidget(self.trend)
        grid.addWidget(self.trend_card, 3, 1)
        self.focus_card = Card("Focus")
        self.focus_box = QGridLayout()
        self.focus_card.body.addLayout(self.focus_box)
        self.focus_card.body.addStretch(1)
        grid.addWidget(self.focus_card, 3, 2)

        # Recent activity
        self.feed_card = Card("Recent activity")
        self.feed_box = QGridLayout()
        self.feed_box.setHorizontalSpacing(14)
        self.feed_box.setColumnStretch(2, 1)
        self.feed_card.body.addLayout(self.feed_box)
        grid.addWidget(self.feed_card, 4, 0, 1, 3)

        self.empty_label = _label("Nothing recorded in this period.", "muted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()
        grid.addWidget(self.empty_label, 5, 0, 1, 3)
        for w in (self.timeline, self.bars, self.heatmap, self.trend, self.spark):
            w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        QWidget.setTabOrder(self.timeline, self.bars)
        QWidget.setTabOrder(self.bars, self.heatmap)
        QWidget.setTabOrder(self.heatmap, self.trend)

    # -- rendering -------------------------------------------------------------------------
    def show_view(self, view: DashboardView) -> None:
        t = self.theme
        self.period_label.setText(view.title)
        self.kind_actions[view.kind].setChecked(True)
        self.next_action.setEnabled(not view.is_today)
        self.empty_label.setVisible(view.empty)

        self.summary_card.set_title("Active time" + (" today" if view.is_today and view.kind == "day" else ""))
        self.active_label.setText(view.active)
        self.idle_label.setText(view.idle)
        self.switches_label.setText(view.switches)
        self.streak_label.setText(f"Streak: {view.streak} meeting the daily goal")

        color = t.band(view.band)
        self.gauge.set_value(view.score, color, view.score_text)
        self.arrow_label.setText(ARROWS[view.arrow])
        arrow_color = {"up": t.good, "down": t.poor}.get(view.arrow, t.muted)
        self.arrow_label.setStyleSheet(f"color: {arrow_color};")
        self.arrow_text.setText(view.arrow_text or "not enough days for a trend")
        self.spark.set_series(view.spark_days, view.spark, view.spark_missing, t.accent)

        _clear(self.goals_box)
        for g in view.goals:
            name = _label(g.name)
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(int(round(g.percent)))
            bar.setTextVisible(False)
            bar.setFixedHeight(8)
            good = g.met
            bar.setStyleSheet(f"QProgressBar::chunk {{ background: {t.good if good else (t.poor if g.cap else t.fair)};"
                              " border-radius: 4px; }")
            text = _label(("✓ " if g.met else "") + g.text, "muted")
            for w in (name, bar, text):
                self.goals_box.addWidget(w)
        if not view.goals:
            self.goals_box.addWidget(_label("No goals set (Settings › Goals)", "muted"))

        self.timeline_card.set_title(view.timeline_title)
        self.timeline.set_rows(view.timeline)
        swatches = [(name, t.category(name)) for name in view.categories_legend[:8]]
        swatches += [("away (AFK)", t.away), ("focus session", t.focus)]
        self.legend.setText("  ".join(f"<span style='color:{c}'>■</span> {n}" for n, c in swatches))

        b = view.bars
        self.dimension_button[view.dimension].setChecked(True)
        self.bars_card.set_title("Time by " + b.title.lower())
        self.crumb.setText(b.crumb or "Click a bar marked › to see what is inside it")
        self.back_button.setVisible(bool(b.crumb))
        if view.bars.title == "Categories" and not b.crumb:
            colors = [t.category(lbl) for lbl in b.labels]
        elif view.bars.title == "Categories":
            top = top_category(b.crumb.split(" › ")[1]) if " › " in b.crumb else ""
            colors = [t.category(top)] * len(b.labels)
        else:
            colors = [t.accent] * len(b.labels)
        self.bars.set_data(b.labels, b.hours, b.keys, colors)

        _clear(self.titles_box)
        for app, titles in view.titles:
            self.titles_box.addWidget(_label(f"<b>{app}</b>"))
            for title, dur in titles:
                lbl = _label(f"{dur:>9}  {title}", "muted")
                lbl.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
                self.titles_box.addWidget(lbl)

        self.heat_card.set_title(view.heatmap_title)
        self.heatmap.set_matrix(view.heatmap)
        self.trend_card.set_title(view.trend_title)
        self.trend.set_series(view.trend_labels, view.trend_hours)

        _clear(self.focus_box)
        for i, (k, v) in enumerate(view.focus_lines):
            self.focus_box.addWidget(_label(k, "muted"), i, 0)
            val = _label(v, wrap=True)
            self.focus_box.addWidget(val, i, 1)

        _clear(self.feed_box)
        for i, (when, app, title, dur) in enumerate(view.feed[:10]):
            self.feed_box.addWidget(_label(when, "muted"), i, 0)
            self.feed_box.addWidget(_label(f"<b>{app}</b>"), i, 1)
            tl = _label(title)
            tl.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.feed_box.addWidget(tl, i, 2)
            self.feed_box.addWidget(_label(dur, "muted"), i, 3)
        if not view.feed:
            self.feed_box.addWidget(_label("No windows or commits recorded that day.", "muted"), 0, 0)

    def add_tabs(self, ctx: Any, board_ctx: Any) -> None:
        """The Tasks, Insights and Leaderboard tabs (ctx: a .tabs.TabContext each; the
        leaderboard's talks to a server, so it gets a worker of its own, which also runs the
        Insights tab's generating). A tab reads when it is shown, and again on the live-refresh
        timer while it is (not while a cell is being edited)."""
        from .tabs import InsightsTab, LeaderboardTab, TasksTab

        self.tasks_tab = TasksTab(ctx)
        self.insights_tab = InsightsTab(ctx, slow=board_ctx)
        self.board_tab = LeaderboardTab(board_ctx)
        self.tabs.addTab(self.tasks_tab, "Tasks")
        self.tabs.addTab(self.insights_tab, "Insights")
        self.tabs.addTab(self.board_tab, "Leaderboard")
        self.tabs.currentChanged.connect(self._tab_shown)
        self.refresh_timer.timeout.connect(self._refresh_tab)

    def _tab_shown(self, index: int) -> None:
        tab = self.tabs.widget(index)
        load = getattr(tab, "load", None)
        if load is not None:
            load()

    def _refresh_tab(self) -> None:
        tab = self.tabs.currentWidget()
        if tab is self.scroller or tab is getattr(self, "board_tab", None):
            return
        editing = getattr(tab, "editing", None)
        if editing is not None and editing():
            return
        load = getattr(tab, "load", None)
        if load is not None:
            load()

    def apply_theme(self, theme: Theme) -> None:
        """Switch colours in place (the desktop's scheme changed, or the setting did)."""
        from PySide6.QtWidgets import QApplication

        from ui import theme as themes

        self.theme = theme
        app = QApplication.instance()
        if isinstance(app, QApplication):
            themes.apply(app, theme)
        for chart in (self.timeline, self.bars, self.heatmap, self.trend, self.spark):
            chart.apply_theme(theme)
        self.gauge.theme = theme
        if self.vm.view is not None:
            self.show_view(self.vm.view)

    def follow_system_theme(self, *_: object) -> None:
        """Connected to QStyleHints.colorSchemeChanged when the theme follows the desktop (a
        method, so Qt drops the connection with the window)."""
        from ui import theme as themes

        self.apply_theme(themes.resolve("system"))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.refresh_timer.stop()
        super().closeEvent(event)
