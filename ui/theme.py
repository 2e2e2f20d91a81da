"""Light and dark themes: a palette for Qt's widgets and the colours the charts use.

`resolve("system")` follows the desktop's colour scheme (Qt 6.5+ `QStyleHints.colorScheme`);
"light" and "dark" override it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")

# Category colours: stable per top-level name (the defaults get fixed, readable ones).
_FIXED = {
    "Work": "#3b82f6", "Comms": "#f59e0b", "Learning": "#8b5cf6", "Media": "#ef4444",
    "Social": "#ec4899", "System": "#64748b", "Uncategorized": "#a3a3a3",
    "Productivity": "#10b981", "Office": "#14b8a6", "Entertainment": "#ef4444",
}
_CYCLE = ("#0ea5e9", "#22c55e", "#eab308", "#f97316", "#a855f7", "#06b6d4", "#84cc16", "#e11d48")


@dataclass(frozen=True, slots=True)
class Theme:
    name: str  # "light" or "dark"
    window: str
    surface: str  # cards
    border: str
    text: str
    muted: str
    grid: str
    accent: str
    good: str
    fair: str
    poor: str
    none: str
    away: str
    present: str
    focus: str
    heat_low: str
    heat_high: str

    def band(self, band: str) -> str:
        return {"good": self.good, "fair": self.fair, "poor": self.poor}.get(band, self.none)

    def category(self, name: str) -> str:
        if name in _FIXED:
            return _FIXED[name]
        if name in ("away", "present", "focus"):
            return getattr(self, name)  # type: ignore[no-any-return]
        h = int(hashlib.sha1(name.encode()).hexdigest()[:6], 16)
        return _CYCLE[h % len(_CYCLE)]


LIGHT = Theme("light", window="#f3f4f6", surface="#ffffff", border="#e5e7eb", text="#111827",
              muted="#6b7280", grid="#e5e7eb", accent="#2563eb", good="#16a34a", fair="#ca8a04",
              poor="#dc2626", none="#9ca3af", away="#d1d5db", present="#bbf7d0", focus="#7c3aed",
              heat_low="#eff6ff", heat_high="#1d4ed8")
DARK = Theme("dark", window="#111318", surface="#1b1e25", border="#2b303b", text="#e5e7eb",
             muted="#9ca3af", grid="#2b303b", accent="#60a5fa", good="#22c55e", fair="#eab308",
             poor="#f87171", none="#6b7280", away="#374151", present="#14532d", focus="#a78bfa",
             heat_low="#1b1e25", heat_high="#60a5fa")


def system_is_dark() -> bool:
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    try:
        return bool(app.styleHints().colorScheme() == Qt.ColorScheme.Dark)
    except AttributeError:  # Qt < 6.5: judge by the palette's window colour
        return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def resolve(choice: str = "system") -> Theme:
    if choice == "dark":
        return DARK
    if choice == "light":
        return LIGHT
    return DARK if system_is_dark() else LIGHT


def palette(theme: Theme) -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window, QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.surface, QPalette.ColorRole.AlternateBase: theme.window,
        QPalette.ColorRole.Text: theme.text, QPalette.ColorRole.Button: theme.surface,
        QPalette.ColorRole.ButtonText: theme.text, QPalette.ColorRole.Highlight: theme.accent,
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: theme.surface,
        QPalette.ColorRole.ToolTipText: theme.text, QPalette.ColorRole.PlaceholderText: theme.muted,
        QPalette.ColorRole.Mid: theme.border,
    }
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(theme.muted))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(theme.muted))
    return p


def stylesheet(theme: Theme) -> str:
    t = theme
    return f"""
    QWidget#card {{ background: {t.surface}; border: 1px solid {t.border}; border-radius: 10px; }}
    QLabel#cardTitle {{ color: {t.muted}; font-weight: 600; }}
    QLabel#bigNumber {{ font-size: 22pt; font-weight: 600; }}
    QLabel#muted {{ color: {t.muted}; }}
    QLabel#periodTitle {{ font-size: 14pt; font-weight: 600; }}
    QToolBar {{ background: {t.surface}; border-bottom: 1px solid {t.border}; spacing: 6px; padding: 4px; }}
    QToolButton {{ padding: 4px 10px; border-radius: 6px; }}
    QToolButton:checked {{ background: {t.accent}; color: #ffffff; }}
    QToolButton:hover {{ background: {t.border}; }}
    QTabWidget::pane {{ border: 0; }}
    QProgressBar {{ border: 0; border-radius: 4px; background: {t.border}; height: 8px; text-align: right; }}
    QToolTip {{ background: {t.surface}; color: {t.text}; border: 1px solid {t.border}; padding: 4px; }}
    QTableWidget {{ gridline-color: {t.border}; }}
    """


def apply(app: QApplication, theme: Theme) -> None:
    """Theme the whole application (its widgets; the charts take colours from `theme`). Done
    once per theme: restyling every widget again costs a noticeable part of opening a window."""
    if app.property("tracker_theme") == theme.name:
        return
    app.setStyle("Fusion")  # the same look on every platform, and palettes are honoured
    app.setPalette(palette(theme))
    app.setStyleSheet(stylesheet(theme))
    app.setProperty("tracker_theme", theme.name)
