"""The dashboard's charts: each takes plain values (from ui.dashboard.model) and renders them.

Every chart keeps what it was last handed (`labels`, `values`, `rows`, ...) so tests assert the
data given to pyqtgraph, not pixels.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QCursor, QFont, QPainter, QPen
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from ui.theme import Theme

from .model import WEEKDAYS, TimelineRow

pg.setConfigOptions(antialias=True)


def _font(points: float | None = None, bold: bool = False) -> QFont:
    f = QFont()
    if points:
        f.setPointSizeF(points)
    f.setBold(bold)
    return f


class Card(QFrame):
    """A titled panel."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(14, 10, 14, 12)
        self.body.setSpacing(6)
        self.title = QLabel(title)
        self.title.setObjectName("cardTitle")
        self.body.addWidget(self.title)

    def set_title(self, text: str) -> None:
        self.title.setText(text)


class _Plot(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph is untyped
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.setMenuEnabled(False)
        self.hideButtons()
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setBackground(theme.surface)
        for name in ("left", "bottom"):
            axis = self.getAxis(name)
            axis.setPen(pg.mkPen(theme.border))
            axis.setTextPen(pg.mkPen(theme.muted))
            axis.setTickFont(_font())


class BarChart(_Plot):
    """Horizontal bars, longest on top; a click on a bar with a key emits `clicked(key)`."""

    clicked = Signal(str)

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.labels: tuple[str, ...] = ()
        self.values: tuple[float, ...] = ()
        self.keys: tuple[str, ...] = ()
        self.colors: tuple[str, ...] = ()
        self.unit = "hours"
        self.setMouseEnabled(x=False, y=False)
        self.getPlotItem().invertY(True)
        self.getAxis("left").setWidth(170)
        self.getAxis("bottom").enableAutoSIPrefix(False)
        self.scene().sigMouseClicked.connect(self._on_click)
        self.setMinimumHeight(260)
        self._items: list[pg.GraphicsObject] = []

    def set_data(self, labels: Sequence[str], hours: Sequence[float], keys: Sequence[str],
                 colors: Sequence[str]) -> None:
        self.labels, self.values, self.keys = tuple(labels), tuple(hours), tuple(keys)
        self.colors = tuple(colors)
        for item in self._items:
            self.removeItem(item)
        self._items = []
        n = len(self.labels)
        # Under an hour and a half the axis counts minutes: "0.25 hours" reads badly.
        minutes = bool(self.values) and max(self.values) < 1.5
        self.unit = "minutes" if minutes else "hours"
        scale = 60.0 if minutes else 1.0
        self.getAxis("bottom").setLabel(self.unit, color=self.theme.muted)
        if n:
            shown = [v * scale for v in self.values]
            bars = pg.BarGraphItem(x0=np.zeros(n), y=np.arange(n), height=0.66,
                                   width=np.array(shown, dtype=float),
                                   brushes=_brushes(self.colors), pen=pg.mkPen(None))
            self.addItem(bars)
            self._items.append(bars)
            top = max(shown) or 1.0
            for i, (v, x) in enumerate(zip(self.values, shown)):
                text = pg.TextItem(_hm(v), color=self.theme.muted, anchor=(0, 0.5))
                text.setPos(x + top * 0.01, i)
                self.addItem(text)
                self._items.append(text)
            self.setXRange(0, top * 1.18, padding=0)
        self.setYRange(-0.6, max(n, 5) - 0.4, padding=0)
        ticks = [(i, (lbl if len(lbl) <= 26 else lbl[:25] + "…") + (" ›" if self.keys[i] else ""))
                 for i, lbl in enumerate(self.labels)]
        self.getAxis("left").setTicks([ticks, []])

    def bar_at(self, y: float) -> int | None:
        i = int(round(y))
        return i if 0 <= i < len(self.labels) and abs(y - i) <= 0.4 else None

    def click_bar(self, index: int) -> None:
        """What a click on bar `index` does (also used by the keyboard and tests)."""
        if 0 <= index < len(self.keys) and self.keys[index]:
            self.clicked.emit(self.keys[index])

    def _on_click(self, event: object) -> None:
        pos = event.scenePos()  # type: ignore[attr-defined]
        if not self.getPlotItem().sceneBoundingRect().contains(pos):
            return
        point = self.getPlotItem().vb.mapSceneToView(pos)
        i = self.bar_at(point.y())
        if i is not None:
            self.click_bar(i)


def _brushes(colors: Sequence[str]) -> list[QBrush]:
    """One brush per bar (the same object for the same colour); with no pen, pyqtgraph fills
    each bar's rectangle with it, the fast path."""
    made: dict[str, QBrush] = {}
    return [made.setdefault(c, pg.mkBrush(c)) for c in colors]


def _hm(hours: float) -> str:
    minutes = int(round(hours * 60))
    h, m = divmod(minutes, 60)
    return f"{h}:{m:02d}" if h else f"{m} min"


class TimelineChart(_Plot):
    """One row per source; blocks by category; AFK shaded; zoom and pan along time (mouse
    wheel / drag); hover shows what a block was."""

    ROW_NAMES = {"window": "Window", "browser": "Browser", "editor": "Editor", "afk": "AFK",
                 "focus": "Focus"}

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.rows: tuple[TimelineRow, ...] = ()
        self.hover_text = ""
        self._items: list[pg.GraphicsObject] = []
        self._ends: list[list[float]] = []
        self.setMouseEnabled(x=True, y=False)
        self.getPlotItem().invertY(True)
        self.getAxis("left").setWidth(70)
        self.getPlotItem().setLimits(xMin=0, xMax=24, minXRange=0.1)
        self.setMinimumHeight(210)
        self.setMouseTracking(True)
        self.scene().sigMouseMoved.connect(self._on_move)
        hours = [(h, f"{h:02d}:00") for h in range(0, 25, 2)]
        self.getAxis("bottom").setTicks([hours, [(h, "") for h in range(25)]])

    def set_rows(self, rows: Sequence[TimelineRow], day_start_hour: int = 0) -> None:
        self.rows = tuple(rows)
        for item in self._items:
            self.removeItem(item)
        self._items, self._ends = [], []
        # AFK time shaded across every row, under the blocks.
        afk = next((r for r in self.rows if r.name == "afk"), None)
        if afk is not None:
            for x0, w, c in zip(afk.starts, afk.widths, afk.colors):
                if c == "away":
                    region = pg.LinearRegionItem((x0, x0 + w), movable=False,
                                                 brush=pg.mkBrush(QColor(self.theme.away).red(),
                                                                  QColor(self.theme.away).green(),
                                                                  QColor(self.theme.away).blue(), 70),
                                                 pen=pg.mkPen(None))
                    region.setZValue(-10)
                    self.addItem(region)
                    self._items.append(region)
        for y, row in enumerate(self.rows):
            self._ends.append([s + w for s, w in zip(row.starts, row.widths)])
            if not row.starts:
                continue
            # One item per colour: pyqtgraph draws a one-brush item as one picture, where a
            # brush per block cost most of the first render on a busy day.
            starts = np.array(row.starts)
            widths = np.maximum(np.array(row.widths), 1 / 3600)
            by_colour: dict[str, list[int]] = {}
            for i, c in enumerate(row.colors):
                by_colour.setdefault(c, []).append(i)
            for c, idx in by_colour.items():
                bars = pg.BarGraphItem(x0=starts[idx], y=np.full(len(idx), float(y)), height=0.72,
                                       width=widths[idx], brush=pg.mkBrush(self.theme.category(c)),
                                       pen=pg.mkPen(None))
                self.addItem(bars)
                self._items.append(bars)
        self.getAxis("left").setTicks([[(i, self.ROW_NAMES.get(r.name, r.name))
                                        for i, r in enumerate(self.rows)], []])
        self.setYRange(-0.6, len(self.rows) - 0.4, padding=0)
        lo, hi = self.data_hours()
        self.setXRange(lo, hi, padding=0)
        if day_start_hour:
            ticks = [(h, f"{(h + day_start_hour) % 24:02d}:00") for h in range(0, 25, 2)]
            self.getAxis("bottom").setTicks([ticks, [(h, "") for h in range(25)]])

    def data_hours(self) -> tuple[float, float]:
        """The hours the view opens on: the recorded part of the day, padded; 0–24 if empty."""
        starts = [s for r in self.rows for s in r.starts]
        ends = [end for row_ends in self._ends for end in row_ends]
        if not starts:
            return 0.0, 24.0
        return max(0.0, float(np.floor(min(starts))) - 0.5), min(24.0, float(np.ceil(max(ends))) + 0.5)

    def span_at(self, row: int, hour: float) -> str | None:
        """The hover text of the block of `row` under `hour` (None: no block there)."""
        if not 0 <= row < len(self.rows):
            return None
        r = self.rows[row]
        i = bisect_right(r.starts, hour) - 1
        # A slightly earlier, longer block may cover `hour` when blocks overlap: look back a bit.
        for j in range(i, max(i - 5, -1), -1):
            if r.starts[j] <= hour <= self._ends[row][j]:
                return r.tip(j)
        return None

    def _on_move(self, pos: QPointF) -> None:
        if not self.getPlotItem().sceneBoundingRect().contains(pos):
            return
        p = self.getPlotItem().vb.mapSceneToView(pos)
        text = self.span_at(int(round(p.y())), p.x())
        self.hover_text = text or ""
        if text:
            QToolTip.showText(QCursor.pos(), text, self)
        else:
            QToolTip.hideText()


class Heatmap(_Plot):
    """Weekday × hour: how much was active in each hour of each weekday."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.matrix: tuple[tuple[float, ...], ...] = ()
        self.image = pg.ImageItem()
        self.addItem(self.image)
        self.setMouseEnabled(x=False, y=False)
        self.getPlotItem().invertY(True)
        self.getAxis("left").setTicks([[(i + 0.5, d) for i, d in enumerate(WEEKDAYS)], []])
        self.getAxis("bottom").setTicks([[(h + 0.5, f"{h:02d}") for h in range(0, 24, 3)], []])
        self.setMinimumHeight(220)

    def set_matrix(self, matrix: Sequence[Sequence[float]]) -> None:
        self.matrix = tuple(tuple(r) for r in matrix)
        data = np.array(self.matrix, dtype=float).T if self.matrix else np.zeros((24, 7))
        cmap = pg.ColorMap([0.0, 1.0], [QColor(self.theme.heat_low), QColor(self.theme.heat_high)])
        self.image.setLookupTable(cmap.getLookupTable(nPts=256))
        top = float(data.max()) if data.size else 0.0
        self.image.setImage(data, levels=(0.0, top or 1.0), autoLevels=False)
        self.image.setRect(QRectF(0, 0, 24, 7))
        self.setXRange(0, 24, padding=0)
        self.setYRange(0, 7, padding=0)


class TrendChart(_Plot):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.labels: tuple[str, ...] = ()
        self.values: tuple[float, ...] = ()
        self.curve = self.plot([], [])
        self.setMouseEnabled(x=False, y=False)
        self.showGrid(x=False, y=True, alpha=0.25)
        self.getAxis("left").setLabel("hours", color=theme.muted)
        self.setMinimumHeight(220)

    def set_series(self, labels: Sequence[str], hours: Sequence[float]) -> None:
        self.labels, self.values = tuple(labels), tuple(hours)
        xs = np.arange(len(self.values), dtype=float)
        ys = np.array(self.values, dtype=float)
        self.curve.setData(xs, ys, pen=pg.mkPen(self.theme.accent, width=2.5),
                           symbol="o", symbolSize=7, symbolBrush=self.theme.accent,
                           symbolPen=pg.mkPen(self.theme.surface),
                           fillLevel=0, brush=pg.mkBrush(QColor(self.theme.accent).red(),
                                                         QColor(self.theme.accent).green(),
                                                         QColor(self.theme.accent).blue(), 40))
        step = max(1, len(self.labels) // 6)
        self.getAxis("bottom").setTicks([[(i, lbl) for i, lbl in enumerate(self.labels)
                                          if i % step == 0 or i == len(self.labels) - 1], []])
        self.setXRange(-0.3, max(len(xs) - 0.7, 0.7), padding=0)
        self.setYRange(0, max(float(ys.max()) if ys.size else 0.0, 1.0) * 1.15, padding=0)


class Sparkline(_Plot):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self.values: tuple[float, ...] = ()
        self.curve = self.plot([], [])
        self.hideAxis("left")
        self.getAxis("bottom").setStyle(tickLength=0)
        self.setMouseEnabled(x=False, y=False)
        self.setFixedHeight(64)

    def set_series(self, days: Sequence[str], values: Sequence[float], missing: Sequence[bool],
                   color: str) -> None:
        self.values = tuple(values)
        xs = np.array([i for i, m in enumerate(missing) if not m], dtype=float)
        ys = np.array([v for v, m in zip(values, missing) if not m], dtype=float)
        self.curve.setData(xs, ys, pen=pg.mkPen(color, width=2), symbol="o", symbolSize=5,
                           symbolBrush=color, symbolPen=pg.mkPen(None))
        self.getAxis("bottom").setTicks([[(i, d[:2]) for i, d in enumerate(days)], []])
        self.setXRange(-0.4, max(len(values) - 0.6, 0.6), padding=0)
        lo = float(ys.min()) if ys.size else 0.0
        hi = float(ys.max()) if ys.size else 100.0
        self.setYRange(max(0.0, lo - 10), min(100.0, hi + 10), padding=0.05)


class Gauge(QWidget):
    """The productivity score on a 270° arc, coloured by its band."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.value: float | None = None
        self.color = theme.none
        self.text = "–"
        self.setMinimumSize(130, 130)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_value(self, value: float | None, color: str, text: str) -> None:
        self.value, self.color, self.text = value, color, text
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802 - Qt's name
        side = min(self.width(), self.height()) - 12
        rect = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = max(8.0, side * 0.1)
        pen = QPen(QColor(self.theme.border), width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.drawArc(rect, 225 * 16, -270 * 16)
        if self.value is not None:
            pen.setColor(QColor(self.color))
            p.setPen(pen)
            p.drawArc(rect, 225 * 16, int(-270 * 16 * max(0.0, min(100.0, self.value)) / 100))
        p.setPen(QColor(self.theme.text))
        p.setFont(_font(max(12.0, side / 5.5), bold=True))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.text)
        p.setPen(QColor(self.theme.muted))
        p.setFont(_font(max(7.5, side / 16)))
        p.drawText(rect.adjusted(0, side * 0.28, 0, 0), Qt.AlignmentFlag.AlignCenter, "score")
        p.end()
