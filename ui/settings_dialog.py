"""The settings dialog: tracking, privacy, categories and rules, goals, focus lengths,
notifications, data location and appearance — validated like the config file, then written back
into it with tomlkit, which keeps the file's comments, order and the settings the dialog does not
show. `saved` carries the new Settings; what needs a restart is listed in RESTART_NEEDED.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import msgspec
import tomlkit
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tracker_desktop.config import ConfigError, InvalidSettings, Settings

RULE_COLUMNS = ("category", "app", "title", "domain", "url", "project", "language", "file")
GOAL_COLUMNS = ("name", "metric", "category", "period", "min_minutes", "max_minutes")
# Settings read once at start-up: a change is saved, and applies from the next start.
RESTART_NEEDED = ("data_dir", "tracking.poll_seconds", "tracking.record_input",
                  "tracking.afk_timeout")


# -- the file ------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """tomlkit's items as plain Python (what validation takes)."""
    return value.unwrap() if hasattr(value, "unwrap") else value


def merged(document: tomlkit.TOMLDocument, changes: dict[str, Any]) -> tomlkit.TOMLDocument:
    """`document` with `changes` applied: {"section": {"key": value or None}, "data_dir": ...}.
    None removes a key (back to its default); everything else in the file stays as it was."""
    doc = tomlkit.parse(tomlkit.dumps(document))  # a copy
    for name, value in changes.items():
        if not isinstance(value, dict):
            if value is None:
                doc.pop(name, None)
            else:
                doc[name] = value
            continue
        if name not in doc:
            doc[name] = tomlkit.table()
        table = doc[name]
        for key, v in value.items():
            if v is None:
                table.pop(key, None)
            elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                aot = tomlkit.aot()
                for row in v:
                    aot.append({k: x for k, x in row.items() if x is not None})
                table[key] = aot
            else:
                table[key] = v
        if not table:
            doc.pop(name, None)
    return doc


def _normal(value: Any) -> Any:
    """Values as the dialog's tables give them: no None cells, numbers as floats."""
    if isinstance(value, dict):  # a rule's ignore_case = true is its default, not a column
        return {k: _normal(v) for k, v in value.items()
                if v is not None and not (k == "ignore_case" and v is True)}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def only_changed(changes: dict[str, Any], current: Settings) -> dict[str, Any]:
    """The settings whose values differ from `current`: unchanged ones are not touched, so the
    file keeps only what the person chose (and later defaults still reach the rest)."""
    now = current.model_dump()
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if not isinstance(value, dict):
            if value is not None:  # data_dir: None is "as it is"
                out[name] = value
            continue
        section = now.get(name, {})
        diff = {k: v for k, v in value.items() if _normal(v) != _normal(section.get(k))}
        if diff:
            out[name] = diff
    return out


def validate(document: tomlkit.TOMLDocument, previous: Settings) -> Settings:
    """The Settings the document holds (InvalidSettings names every bad setting); the data dir
    stays the resolved one unless the document sets it."""
    raw = _plain(document)
    settings = Settings.model_validate(raw)
    return msgspec.structs.replace(
        settings, data_dir=Path(raw["data_dir"]).expanduser() if raw.get("data_dir") else previous.data_dir)


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_document(path: Path) -> tomlkit.TOMLDocument:
    if not path.exists():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.ParseError) as exc:
        raise ConfigError(f"{path}: cannot read it: {exc}") from None


# -- the dialog ----------------------------------------------------------------------------

def _spin(value: float, lo: float, hi: float, suffix: str, decimals: int = 0) -> QDoubleSpinBox:
    s = QDoubleSpinBox()
    s.setRange(lo, hi)
    s.setDecimals(decimals)
    s.setSuffix(suffix)
    s.setValue(value)
    return s


def _check(text: str, checked: bool) -> QCheckBox:
    box = QCheckBox(text)
    box.setChecked(checked)
    return box


def _lines(values: list[str]) -> QPlainTextEdit:
    e = QPlainTextEdit("\n".join(values))
    e.setPlaceholderText("one per line")
    e.setFixedHeight(70)
    return e


def _split(edit: QPlainTextEdit) -> list[str]:
    return [ln.strip() for ln in edit.toPlainText().splitlines() if ln.strip()]


def _table(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> QTableWidget:
    t = QTableWidget(len(rows), len(columns))
    t.setHorizontalHeaderLabels([c.replace("_", " ") for c in columns])
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    for r, row in enumerate(rows):
        for c, col in enumerate(columns):
            v = row.get(col)
            t.setItem(r, c, QTableWidgetItem("" if v is None else f"{v:g}" if isinstance(v, float) else str(v)))
    return t


def _table_rows(t: QTableWidget, columns: tuple[str, ...], numbers: tuple[str, ...] = ()
                ) -> list[dict[str, Any]]:
    out = []
    for r in range(t.rowCount()):
        row: dict[str, Any] = {}
        for c, col in enumerate(columns):
            item = t.item(r, c)
            text = item.text().strip() if item is not None else ""
            if not text:
                continue
            if col in numbers:
                try:
                    row[col] = float(text)
                except ValueError:
                    row[col] = text  # validation names it
            else:
                row[col] = text
        if row:
            out.append(row)
    return out


def _with_buttons(table: QTableWidget) -> QWidget:
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(table)
    row = QHBoxLayout()
    add, remove = QPushButton("Add"), QPushButton("Remove")
    add.clicked.connect(lambda: table.insertRow(table.rowCount()))
    remove.clicked.connect(lambda: table.removeRow(table.currentRow()) if table.currentRow() >= 0 else None)
    row.addWidget(add)
    row.addWidget(remove)
    row.addStretch(1)
    lay.addLayout(row)
    return box


class SettingsDialog(QDialog):
    saved = Signal(object)  # the new Settings

    def __init__(self, settings_path: Path, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.resize(760, 560)
        self.path = Path(settings_path)
        self.settings = settings
        s = settings
        self.tabs = QTabWidget()

        # Tracking and privacy
        tracking = QWidget()
        f = QFormLayout(tracking)
        self.poll = _spin(s.tracking.poll_seconds, 0.1, 60, " s", 1)
        self.afk = _spin(s.tracking.afk_timeout, 1, 86400, " s")
        self.record_input = _check("Count keystrokes and clicks (never which key)",
                                   s.tracking.record_input)
        self.exclude_apps = _lines(s.privacy.exclude_apps)
        self.exclude_titles = _lines(s.privacy.exclude_titles)
        self.redact_titles = _lines(s.privacy.redact_titles)
        f.addRow("Poll every", self.poll)
        f.addRow("Away after no input for", self.afk)
        f.addRow("", self.record_input)
        f.addRow("Never record apps", self.exclude_apps)
        f.addRow("Never record titles (regex)", self.exclude_titles)
        f.addRow("Redact titles (regex)", self.redact_titles)
        self.tabs.addTab(tracking, "Tracking")

        # Categories: rules and levels
        cats = QWidget()
        v = QVBoxLayout(cats)
        v.addWidget(QLabel("Rules, checked before the built-in ones; the deepest matching category "
                           "wins. Patterns are regular expressions."))
        self.rules = _table(RULE_COLUMNS, [r.model_dump() for r in s.analysis.rules])
        v.addWidget(_with_buttons(self.rules), 2)
        self.default_rules = _check("Also use the built-in rules", s.analysis.default_rules)
        v.addWidget(self.default_rules)
        v.addWidget(QLabel("Productivity per category, −2 (very distracting) to 2 (very productive):"))
        self.levels = _table(("category", "level"),
                             [{"category": k, "level": lv} for k, lv in s.analysis.levels.items()])
        v.addWidget(_with_buttons(self.levels), 1)
        self.tabs.addTab(cats, "Categories")

        # Goals
        goals = QWidget()
        g = QVBoxLayout(goals)
        form = QFormLayout()
        self.daily_goal = _spin(s.analysis.daily_active_goal_minutes, 1, 1440, " min")
        form.addRow("Daily active time goal (the streak)", self.daily_goal)
        g.addLayout(form)
        g.addWidget(QLabel("Goals: metric is active, coding or category; period day or week; give "
                           "min minutes (a target) or max minutes (a cap)."))
        self.goals = _table(GOAL_COLUMNS, [x.model_dump() for x in s.analysis.goals])
        g.addWidget(_with_buttons(self.goals))
        self.tabs.addTab(goals, "Goals")

        # Focus
        focus = QWidget()
        ff = QFormLayout(focus)
        self.work = _spin(s.focus.work_minutes, 1, 1440, " min")
        self.short_break = _spin(s.focus.short_break_minutes, 1, 1440, " min")
        self.long_break = _spin(s.focus.long_break_minutes, 1, 1440, " min")
        self.long_every = QSpinBox()
        self.long_every.setRange(1, 100)
        self.long_every.setValue(s.focus.long_break_every)
        self.auto_breaks = _check("Start breaks by themselves", s.focus.auto_start_breaks)
        self.auto_work = _check("Start work after a break by itself", s.focus.auto_start_work)
        ff.addRow("Work phase", self.work)
        ff.addRow("Short break", self.short_break)
        ff.addRow("Long break", self.long_break)
        ff.addRow("Long break after every", self.long_every)
        ff.addRow("", self.auto_breaks)
        ff.addRow("", self.auto_work)
        self.tabs.addTab(focus, "Focus")

        # Notifications (the [reminders] section)
        r = s.reminders
        notes = QWidget()
        nf = QFormLayout(notes)
        self.notifications = _check("Show notifications (focus phases, reminders)",
                                    r.notifications)
        self.sound = _check("With a sound", r.sound)
        self.break_after = _spin(r.break_after_minutes, 0, 1440, " min")
        self.break_after.setSpecialValueText("off")
        self.idle_prompt = _spin(r.idle_prompt_minutes, 0, 1440, " min")
        self.idle_prompt.setSpecialValueText("off")
        self.idle_during_focus = _check("Ask about away time during focus sessions too",
                                        r.idle_prompt_during_focus)
        nf.addRow("", self.notifications)
        nf.addRow("", self.sound)
        nf.addRow("Break reminder after", self.break_after)
        nf.addRow("Ask about away time longer than", self.idle_prompt)
        nf.addRow("", self.idle_during_focus)
        self.tabs.addTab(notes, "Notifications")

        # Data and appearance
        data = QWidget()
        df = QFormLayout(data)
        self.data_dir = QLineEdit(str(s.data_dir or ""))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_dir)
        row = QHBoxLayout()
        row.addWidget(self.data_dir, 1)
        row.addWidget(browse)
        df.addRow("Data folder", row)
        self.theme = QComboBox()
        self.theme.addItems(["system", "light", "dark"])
        self.theme.setCurrentText(s.ui.theme)
        df.addRow("Dashboard colours", self.theme)
        df.addRow(QLabel("The data folder, the poll interval, the AFK timeout and input counting "
                         "apply after a restart of the tracker; everything else at once."))
        self.tabs.addTab(data, "Data")

        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #dc2626;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def _choose_dir(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Data folder", self.data_dir.text())
        if chosen:
            self.data_dir.setText(chosen)

    def changes(self) -> dict[str, Any]:
        """What the dialog holds, as config-file sections."""
        levels: dict[str, Any] = {}
        for row in _table_rows(self.levels, ("category", "level"), ("level",)):
            if "category" in row:
                lv = row.get("level", 0)
                levels[row["category"]] = int(lv) if isinstance(lv, float) and lv.is_integer() else lv
        data_dir = self.data_dir.text().strip()
        return {
            "tracking": {"poll_seconds": self.poll.value(), "afk_timeout": self.afk.value(),
                         "record_input": self.record_input.isChecked()},
            "privacy": {"exclude_apps": _split(self.exclude_apps),
                        "exclude_titles": _split(self.exclude_titles),
                        "redact_titles": _split(self.redact_titles)},
            "analysis": {"rules": _table_rows(self.rules, RULE_COLUMNS),
                         "default_rules": self.default_rules.isChecked(),
                         "levels": levels,
                         "daily_active_goal_minutes": self.daily_goal.value(),
                         "goals": _table_rows(self.goals, GOAL_COLUMNS, ("min_minutes", "max_minutes"))},
            "focus": {"work_minutes": self.work.value(),
                      "short_break_minutes": self.short_break.value(),
                      "long_break_minutes": self.long_break.value(),
                      "long_break_every": self.long_every.value(),
                      "auto_start_breaks": self.auto_breaks.isChecked(),
                      "auto_start_work": self.auto_work.isChecked()},
            "reminders": {"notifications": self.notifications.isChecked(),
                          "sound": self.sound.isChecked(),
                          "break_after_minutes": self.break_after.value(),
                          "idle_prompt_minutes": self.idle_prompt.value(),
                          "idle_prompt_during_focus": self.idle_during_focus.isChecked()},
            "ui": {"theme": self.theme.currentText()},
            "data_dir": data_dir if data_dir and Path(data_dir) != self.settings.data_dir else None,
        }

    def save(self) -> bool:
        """Validate; on success write the file, emit `saved` and close. False: the problems are
        shown and nothing was written."""
        try:
            doc = merged(read_document(self.path), only_changed(self.changes(), self.settings))
            new = validate(doc, self.settings)
        except InvalidSettings as exc:
            self.error.setText("Not saved:\n" + "\n".join(exc.problems))
            return False
        except ConfigError as exc:
            self.error.setText(f"Not saved: {exc}")
            return False
        try:
            write_atomically(self.path, tomlkit.dumps(doc))
        except OSError as exc:
            self.error.setText(f"Not saved: {self.path}: {exc.strerror or exc}")
            return False
        self.error.setText("")
        self.settings = new
        self.saved.emit(new)
        self.accept()
        return True
