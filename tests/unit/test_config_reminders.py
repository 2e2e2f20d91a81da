"""The [reminders] settings: defaults, and bad values named."""

import pytest

from tracker_desktop.config import ConfigError, load_settings


def write(tmp_path, text):
    p = tmp_path / "config.toml"
    p.write_text(text)
    return p


def test_reminder_defaults_and_overrides(tmp_path):
    s = load_settings(write(tmp_path, "[reminders]\nbreak_after_minutes = 0\nsound = true\n"))
    assert s.reminders.break_after_minutes == 0 and s.reminders.sound
    assert s.reminders.notifications and s.reminders.idle_prompt_minutes == 5
    assert s.reminders.idle_prompt_during_focus


def test_bad_reminder_values_are_named(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, "[reminders]\nbreak_repeat_minutes = 0\n"))
    assert "reminders.break_repeat_minutes" in str(info.value)
