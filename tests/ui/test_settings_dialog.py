"""The settings dialog: shows the settings, validates, writes the config file keeping its
comments and the settings it does not show, and tells the new Settings."""

import tomllib

import pytest

pytest.importorskip("PySide6")

from PySide6.QtWidgets import QTableWidgetItem  # noqa: E402

from tracker_desktop.config import load_settings  # noqa: E402
from ui.settings_dialog import SettingsDialog  # noqa: E402

CONFIG = """\
# my tracker settings
[tracking]
poll_seconds = 2.0  # slower, saves battery

[logging]
level = "DEBUG"

[analysis]
timezone = "Europe/Berlin"
"""


@pytest.fixture
def config_file(tmp_path):
    p = tmp_path / "config.toml"
    p.write_text(CONFIG)
    return p


def test_shows_the_settings_in_effect(qtbot, config_file):
    s = load_settings(config_file)
    d = SettingsDialog(config_file, s)
    qtbot.addWidget(d)
    assert d.poll.value() == 2.0
    assert d.afk.value() == 180
    assert d.work.value() == 25 and d.long_every.value() == 4
    assert d.goals.rowCount() == 1 and d.goals.item(0, 0).text() == "Media at most 1 h a day"
    assert [d.tabs.tabText(i) for i in range(d.tabs.count())] == [
        "Tracking", "Categories", "Goals", "Focus", "Notifications", "Data"]


def test_save_writes_the_file_keeping_comments_and_other_settings(qtbot, config_file):
    d = SettingsDialog(config_file, load_settings(config_file))
    qtbot.addWidget(d)
    d.afk.setValue(300)
    d.work.setValue(50)
    d.redact_titles.setPlainText("secret\nbank")
    d.rules.insertRow(0)
    d.rules.setItem(0, 0, QTableWidgetItem("Work > Clients > Acme"))
    d.rules.setItem(0, 2, QTableWidgetItem("acme"))
    d.theme.setCurrentText("dark")
    with qtbot.waitSignal(d.saved) as sig:
        assert d.save()
    new = sig.args[0]
    assert new.tracking.afk_timeout == 300 and new.focus.work_minutes == 50
    assert new.ui.theme == "dark"
    assert new.analysis.rules[0].category == "Work > Clients > Acme"
    text = config_file.read_text()
    assert "# my tracker settings" in text and "# slower, saves battery" in text
    raw = tomllib.loads(text)
    assert raw["logging"]["level"] == "DEBUG" and raw["analysis"]["timezone"] == "Europe/Berlin"
    assert raw["privacy"]["redact_titles"] == ["secret", "bank"]
    # What was written loads back as what the dialog told.
    again = load_settings(config_file)
    assert again.focus.work_minutes == 50 and again.analysis.rules[0].title == "acme"


def test_invalid_input_is_shown_and_nothing_is_written(qtbot, config_file):
    d = SettingsDialog(config_file, load_settings(config_file))
    qtbot.addWidget(d)
    d.exclude_titles.setPlainText("([unclosed")
    d.goals.setItem(0, 4, QTableWidgetItem("30"))  # both min and max: invalid
    emitted = []
    d.saved.connect(emitted.append)
    assert not d.save()
    assert emitted == []
    assert "exclude_titles" in d.error.text() and "not a valid regular expression" in d.error.text()
    assert "goals" in d.error.text()
    assert config_file.read_text() == CONFIG


def test_a_missing_file_is_created(qtbot, tmp_path):
    path = tmp_path / "new" / "config.toml"
    d = SettingsDialog(path, load_settings(path))
    qtbot.addWidget(d)
    d.idle_prompt.setValue(0)
    assert d.save()
    assert load_settings(path).reminders.idle_prompt_minutes == 0


def test_unchanged_settings_are_not_written(qtbot, config_file):
    d = SettingsDialog(config_file, load_settings(config_file))
    qtbot.addWidget(d)
    assert d.save()
    assert config_file.read_text() == CONFIG  # nothing changed: the file is as it was
    d = SettingsDialog(config_file, load_settings(config_file))
    qtbot.addWidget(d)
    d.sound.setChecked(True)
    assert d.save()
    raw = tomllib.loads(config_file.read_text())
    assert raw["reminders"] == {"sound": True}
    assert "focus" not in raw and "privacy" not in raw and "ui" not in raw
    assert raw["tracking"] == {"poll_seconds": 2.0}


def test_a_file_with_rules_and_levels_round_trips_unchanged(qtbot, tmp_path):
    path = tmp_path / "config.toml"
    text = ('[analysis]\nlevels = { "Work > Meetings" = 1 }\n\n[[analysis.rules]]\n'
            'category = "Work > Acme"\ntitle = "acme"\n')
    path.write_text(text)
    d = SettingsDialog(path, load_settings(path))
    qtbot.addWidget(d)
    assert d.rules.item(0, 0).text() == "Work > Acme" and d.levels.item(0, 1).text() == "1"
    assert d.save()
    assert path.read_text() == text


def test_removing_every_goal_is_saved(qtbot, config_file):
    d = SettingsDialog(config_file, load_settings(config_file))
    qtbot.addWidget(d)
    d.goals.removeRow(0)
    assert d.save()
    assert load_settings(config_file).analysis.goals == []
