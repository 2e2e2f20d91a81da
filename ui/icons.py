"""The tray icon, drawn for each state: a coloured disc, a ring for the phase's progress and the
minutes left in it while a focus timer runs. Drawn per size so it stays crisp in a 16 px panel
and at HiDPI."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

from .tray_model import IconSpec

SIZES = (16, 22, 24, 32, 48, 64, 128)
COLOURS = {
    "tracking": "#2e7d32",
    "paused": "#757575",
    "afk": "#546e7a",
    "focus": "#d84315",
    "break": "#00897b",
    "waiting": "#f9a825",
    "task": "#1565c0",
}


def pixmap(spec: IconSpec, size: int = 64) -> QPixmap:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    s = float(size)
    base = QColor(COLOURS[spec.kind])
    if spec.paused:
        base = base.darker(135)
    margin = s * 0.04
    disc = QRectF(margin, margin, s - 2 * margin, s - 2 * margin)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(base)
    p.drawEllipse(disc)
    if spec.progress is not None and size >= 20:
        width = max(1.5, s * 0.09)
        ring = disc.adjusted(width / 2 + s * 0.03, width / 2 + s * 0.03,
                             -width / 2 - s * 0.03, -width / 2 - s * 0.03)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor(255, 255, 255, 70), width))
        p.drawEllipse(ring)
        pen = QPen(QColor("white"), width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        # Qt angles: 1/16 degree, counter-clockwise from 3 o'clock; the ring fills clockwise.
        p.drawArc(ring, 90 * 16, -round(spec.progress * 360 * 16))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("white"))
    if spec.text is not None:
        _text(p, disc, spec.text, s)
    elif spec.kind == "paused":
        bar_w, bar_h = s * 0.12, s * 0.38
        for x in (s / 2 - bar_w * 1.4, s / 2 + bar_w * 0.4):
            p.drawRoundedRect(QRectF(x, (s - bar_h) / 2, bar_w, bar_h), bar_w / 3, bar_w / 3)
    elif spec.kind == "afk":
        _text(p, disc, "z", s, weight=QFont.Weight.Bold, scale=0.62)
    else:  # tracking: a recording dot in a ring
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor("white"), max(1.2, s * 0.08)))
        r = s * 0.25
        p.drawEllipse(QRectF(s / 2 - r, s / 2 - r, 2 * r, 2 * r))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("white"))
        r = s * 0.11
        p.drawEllipse(QRectF(s / 2 - r, s / 2 - r, 2 * r, 2 * r))
    if spec.paused and spec.text is not None and size >= 32:
        # A small pause badge at the bottom right: the timer stands still.
        badge = QRectF(s * 0.62, s * 0.62, s * 0.36, s * 0.36)
        p.setBrush(QColor("#424242"))
        p.drawEllipse(badge)
        p.setBrush(QColor("white"))
        w, h = badge.width() * 0.16, badge.height() * 0.5
        cx, cy = badge.center().x(), badge.center().y()
        p.drawRect(QRectF(cx - w * 1.6, cy - h / 2, w, h))
        p.drawRect(QRectF(cx + w * 0.6, cy - h / 2, w, h))
    p.end()
    return pix


def _text(p: QPainter, disc: QRectF, text: str, s: float, *,
          weight: QFont.Weight = QFont.Weight.DemiBold, scale: float | None = None) -> None:
    font = QFont()
    font.setWeight(weight)
    # Two digits must fit inside the ring; three (a long countdown) a little smaller.
    factor = scale or (0.42 if len(text) <= 2 else 0.32)
    font.setPixelSize(max(7, round(s * factor)))
    path = QPainterPath()
    path.addText(0, 0, font, text)
    box = path.boundingRect()
    path.translate(disc.center().x() - box.center().x(), disc.center().y() - box.center().y())
    p.drawPath(path)


def icon(spec: IconSpec) -> QIcon:
    out = QIcon()
    for size in SIZES:
        out.addPixmap(pixmap(spec, size))
    return out
