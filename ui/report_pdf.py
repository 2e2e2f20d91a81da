"""The PDF weekly report (issue 10 item 6), drawn with Qt alone: QPdfWriter + QPainter, charts
included. A view: it draws the plain data `export --format pdf` hands it (a report's JSON form
with its tasks section) and decides nothing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (QColor, QFont, QGuiApplication, QPageLayout, QPageSize, QPainter,
                           QPdfWriter)

DPI = 150
INK = QColor("#222222")
MUTED = QColor("#6b7280")
ACCENT = QColor("#2563eb")
GRID = QColor("#e5e7eb")
LEVEL_COLOURS = {"very_productive": "#15803d", "productive": "#4ade80", "neutral": "#cbd5e1",
                 "distracting": "#fb923c", "very_distracting": "#dc2626"}
CATEGORY_COLOURS = ("#2563eb", "#7c3aed", "#0891b2", "#ca8a04", "#db2777", "#16a34a", "#ea580c",
                    "#64748b")


def hm(seconds: float) -> str:
    minutes = int(round(seconds / 60))
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def _app() -> QGuiApplication:
    """Fonts need a Qt application; without a display, Qt's offscreen platform serves. A
    QApplication (not a bare QGuiApplication), so widgets can still be made in this process
    (the tray, the dashboard; a process holds one application for good)."""
    from PySide6.QtWidgets import QApplication

    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QApplication([])


class _Page:
    """A cursor down an A4 page, in device pixels at DPI."""

    def __init__(self, writer: QPdfWriter, painter: QPainter) -> None:
        self.writer = writer
        self.p = painter
        rect = writer.pageLayout().paintRectPixels(DPI)
        self.width = float(rect.width())
        self.height = float(rect.height())
        self.y = 0.0
        self.pages = 1

    def mm(self, v: float) -> float:
        return v * DPI / 25.4

    def need(self, h: float) -> None:
        if self.y + h > self.height:
            self.writer.newPage()
            self.pages += 1
            self.y = 0.0

    def font(self, size: float, bold: bool = False, colour: QColor = INK) -> None:
        f = QFont("DejaVu Sans")
        f.setPointSizeF(size)
        f.setBold(bold)
        self.p.setFont(f)
        self.p.setPen(colour)

    def text(self, x: float, w: float, h: float, s: str,
             align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
        self.p.drawText(QRectF(x, self.y, w, h), int(align | Qt.AlignmentFlag.AlignVCenter), s)

    def heading(self, s: str, keep_with: float = 20) -> None:
        """A section title, kept on one page with the first `keep_with` mm under it."""
        self.need(self.mm(12 + keep_with))
        self.y += self.mm(4)
        self.font(12, True)
        self.text(0, self.width, self.mm(7), s)
        self.y += self.mm(8)
        self.p.setPen(GRID)
        self.p.drawLine(0, int(self.y - self.mm(1)), int(self.width), int(self.y - self.mm(1)))


def _summary(pg: _Page, d: dict[str, Any]) -> None:
    score = d.get("productivity_score")
    tasks = d.get("tasks") or {}
    focus = d.get("longest_focus")
    tiles = [("Active", hm(d["active_seconds"])),
             ("Idle", f"{d['idle_percent']:.0f}%"),
             ("Productivity", "–" if score is None else f"{score:.0f}/100"),
             ("Streak", f"{d['streak_days']} day(s)"),
             ("Longest focus", "–" if not focus else hm(focus["seconds"])),
             ("Keystrokes", f"{d['keystrokes']:,}"),
             ("Tasks tracked", hm(tasks.get("tracked_seconds", 0.0))),
             ("Manual log", hm((tasks.get("manual_log") or {}).get("seconds", 0.0)))]
    cols, gap = 4, pg.mm(3)
    w = (pg.width - gap * (cols - 1)) / cols
    h = pg.mm(17)
    for i, (label, value) in enumerate(tiles):
        if i % cols == 0:
            pg.need(h + gap)
            if i:
                pg.y += h + gap
        x = (i % cols) * (w + gap)
        pg.p.setPen(Qt.PenStyle.NoPen)
        pg.p.setBrush(QColor("#f3f4f6"))
        pg.p.drawRoundedRect(QRectF(x, pg.y, w, h), pg.mm(2), pg.mm(2))
        y0 = pg.y
        pg.y = y0 + pg.mm(1.5)
        pg.font(8, colour=MUTED)
        pg.text(x + pg.mm(3), w, pg.mm(5), label)
        pg.y = y0 + pg.mm(7)
        pg.font(14, True)
        pg.text(x + pg.mm(3), w, pg.mm(8), value)
        pg.y = y0
    pg.y += h + gap


def _daily_chart(pg: _Page, daily: Sequence[dict[str, Any]]) -> None:
    """Active hours per day: bars, with the hours written above them."""
    h = pg.mm(55)
    pg.need(h)
    top, left, bottom = pg.y + pg.mm(6), pg.mm(12), pg.y + h - pg.mm(8)
    most = max([x["active_seconds"] for x in daily] + [3600.0])
    scale_h = max(1, int(most // 3600 + 1))
    pg.font(7, colour=MUTED)
    for k in range(scale_h + 1):
        y = bottom - (bottom - top) * k / scale_h
        pg.p.setPen(GRID)
        pg.p.drawLine(int(left), int(y), int(pg.width), int(y))
        pg.p.setPen(MUTED)
        pg.p.drawText(QRectF(0, y - pg.mm(2), left - pg.mm(1), pg.mm(4)),
                      int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), f"{k}h")
    n = max(1, len(daily))
    slot = (pg.width - left) / n
    for i, day in enumerate(daily):
        bh = (bottom - top) * day["active_seconds"] / (scale_h * 3600)
        x = left + i * slot + slot * 0.2
        pg.p.setPen(Qt.PenStyle.NoPen)
        pg.p.setBrush(ACCENT)
        pg.p.drawRect(QRectF(x, bottom - bh, slot * 0.6, bh))
        pg.p.setPen(INK)
        pg.p.drawText(QRectF(x - slot * 0.2, bottom - bh - pg.mm(4), slot, pg.mm(4)),
                      int(Qt.AlignmentFlag.AlignCenter), hm(day["active_seconds"]))
        pg.p.setPen(MUTED)
        from datetime import date

        label = date.fromisoformat(day["date"]).strftime("%a %d")
        pg.p.drawText(QRectF(left + i * slot, bottom + pg.mm(1), slot, pg.mm(5)),
                      int(Qt.AlignmentFlag.AlignCenter), label)
    pg.y += h


def _hbars(pg: _Page, rows: Sequence[tuple[str, float]], colours: Sequence[str] = CATEGORY_COLOURS
           ) -> None:
    """Horizontal bars: a name, a bar scaled to the largest, the time."""
    if not rows:
        pg.need(pg.mm(6))
        pg.font(9, colour=MUTED)
        pg.text(0, pg.width, pg.mm(6), "nothing recorded")
        pg.y += pg.mm(6)
        return
    most = max(s for _, s in rows) or 1.0
    name_w, time_w, row_h = pg.width * 0.34, pg.mm(18), pg.mm(6)
    for i, (name, secs) in enumerate(rows):
        pg.need(row_h)
        pg.font(9)
        pg.text(0, name_w - pg.mm(2), row_h, name if len(name) <= 38 else name[:37] + "…")
        bar_w = (pg.width - name_w - time_w) * secs / most
        pg.p.setPen(Qt.PenStyle.NoPen)
        pg.p.setBrush(QColor(colours[i % len(colours)]))
        pg.p.drawRoundedRect(QRectF(name_w, pg.y + row_h * 0.2, max(bar_w, 1.0), row_h * 0.6),
                             pg.mm(0.8), pg.mm(0.8))
        pg.font(9, colour=MUTED)
        pg.text(pg.width - time_w, time_w, row_h, hm(secs), Qt.AlignmentFlag.AlignRight)
        pg.y += row_h


def _productivity_strip(pg: _Page, levels: dict[str, float]) -> None:
    total = sum(levels.values())
    h = pg.mm(14)
    pg.need(h)
    if total <= 0:
        return
    x = 0.0
    for name, secs in levels.items():
        w = pg.width * secs / total
        if w <= 0:
            continue
        pg.p.setPen(Qt.PenStyle.NoPen)
        pg.p.setBrush(QColor(LEVEL_COLOURS.get(name, "#999999")))
        pg.p.drawRect(QRectF(x, pg.y, w, pg.mm(6)))
        if w > pg.mm(22):
            pg.font(7, colour=QColor("#111111"))
            pg.p.drawText(QRectF(x, pg.y, w, pg.mm(6)), int(Qt.AlignmentFlag.AlignCenter),
                          f"{name.replace('_', ' ')} {secs / total:.0%}")
        x += w
    pg.y += h


def _table(pg: _Page, header: Sequence[str], rows: Sequence[Sequence[str]],
           widths: Sequence[float]) -> None:
    row_h = pg.mm(6)
    total = sum(widths)
    xs = [0.0]
    for w in widths[:-1]:
        xs.append(xs[-1] + pg.width * w / total)
    pg.need(row_h * 2)
    pg.font(8, True, MUTED)
    for x, w, h_ in zip(xs, widths, header):
        pg.text(x, pg.width * w / total - pg.mm(1), row_h, h_)
    pg.y += row_h
    for row in rows:
        pg.need(row_h)
        pg.font(9)
        for x, w, cell in zip(xs, widths, row):
            limit = max(6, int(w / total * 95))
            pg.text(x, pg.width * w / total - pg.mm(1), row_h,
                    cell if len(cell) <= limit else cell[:limit - 1] + "…")
        pg.y += row_h


def render_pdf(data: dict[str, Any], path: Path) -> int:
    """Write the report to `path`; returns the number of pages."""
    _app()
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    writer.setTitle(f"Activity report {data['period']}")
    writer.setCreator("tracker-desktop")
    painter = QPainter(writer)
    try:
        pg = _Page(writer, painter)
        pg.font(18, True)
        pg.text(0, pg.width, pg.mm(10), "Your week" if data["days"] == 7 else "Your activity")
        pg.y += pg.mm(10)
        pg.font(9, colour=MUTED)
        pg.text(0, pg.width, pg.mm(5), f"{data['first_day']} – {data['last_day']}  ·  "
                                       f"{data['timezone']}  ·  made {data.get('generated', '')}")
        pg.y += pg.mm(9)
        _summary(pg, data)

        pg.heading("Active time per day", keep_with=55)
        _daily_chart(pg, data["daily"])
        pg.heading("Productivity")
        _productivity_strip(pg, dict(data["productivity"]))
        pg.heading("Top categories")
        _hbars(pg, [(c["name"], c["seconds"]) for c in data["categories"][:8]])
        pg.heading("Top apps and sites")
        apps = [(a["name"], a["seconds"]) for a in data["apps"][:5]]
        apps += [(s["name"], s["seconds"]) for s in data["domains"][:3]]
        _hbars(pg, sorted(apps, key=lambda r: -r[1]), ("#64748b",))

        t = data.get("tasks") or {}
        pg.heading("Tasks")
        per_task = t.get("tasks", [])
        if per_task:
            est = {e["id"]: e for e in t.get("estimates", [])}
            _table(pg, ["Task", "Time", "Estimate", "Actual", "Off by"],
                   [[f"#{r['id']} {r['title']}", hm(r["seconds"]),
                     f"{est[r['id']]['estimate_hours']:g} h" if r["id"] in est else "–",
                     f"{est[r['id']]['actual_hours']:.1f} h" if r["id"] in est else "–",
                     f"{est[r['id']]['pct']:+.0f}%" if r["id"] in est else "–"]
                    for r in per_task[:12]], [6, 1.4, 1.4, 1.8, 1.4])
        else:
            _hbars(pg, [])
        done = t.get("done_on_time", 0) + t.get("done_late", 0) + t.get("done_without_due", 0)
        pg.need(pg.mm(12))
        pg.y += pg.mm(2)
        pg.font(9)
        avg = t.get("avg_completion_hours")
        pg.text(0, pg.width, pg.mm(5),
                f"Done: {done} ({t.get('done_on_time', 0)} on time, {t.get('done_late', 0)} late)"
                + ("" if avg is None else f"  ·  average {avg:g} h from creation to done")
                + ("" if t.get("estimation_pct") is None
                   else f"  ·  estimates off by {t['estimation_pct']:+.0f}%"))
        pg.y += pg.mm(6)
        if t.get("projects"):
            pg.heading("Time per project")
            _hbars(pg, [(r["name"], r["seconds"]) for r in t["projects"][:6]])
        log = t.get("manual_log") or {}
        if log.get("entries"):
            pg.heading("Manual log")
            _hbars(pg, [(r["name"], r["seconds"]) for r in log["titles"][:6]], ("#ca8a04",))
        return pg.pages
    finally:
        painter.end()
