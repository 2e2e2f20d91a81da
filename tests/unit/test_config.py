from pathlib import Path

import pytest

from tracker_desktop.config import ConfigError, load_settings, resolve_settings


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(text)
    return p


def test_defaults_without_a_file(tmp_path):
    s = load_settings(tmp_path / "none.toml")
    assert s.tracking.poll_seconds == 1.0 and s.tracking.afk_timeout == 180.0
    assert s.tracking.record_input is True and s.privacy.exclude_apps == []


def test_values_from_the_file(tmp_path):
    s = load_settings(write(tmp_path, '[tracking]\nafk_timeout = 300\n[privacy]\nexclude_apps = ["keepassxc"]\n'))
    assert s.tracking.afk_timeout == 300 and s.privacy.exclude_apps == ["keepassxc"]


@pytest.mark.parametrize("text, expected", [
    ("[tracking\n", "not valid TOML"),
    ("[tracking]\npoll_seconds = 0\n", "tracking.poll_seconds: Input should be greater than 0"),
    ("[tracking]\nafk_timeout = 'long'\n", "tracking.afk_timeout"),
    ("[trackng]\n", "trackng: unknown setting"),
    ('[privacy]\nredact_titles = ["[unclosed"]\n', "privacy.redact_titles"),
    ('[logging]\nlevel = "LOUD"\n', "logging.level"),
])
def test_invalid_files_say_where_and_why(tmp_path, text, expected):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text))
    assert expected in str(err.value) and "config.toml" in str(err.value)


def test_precedence_flag_over_env_over_file(tmp_path, monkeypatch):
    cfg = write(tmp_path, f'data_dir = "{tmp_path / "from-file"}"\n')
    monkeypatch.delenv("TRACKER_DATA_DIR", raising=False)
    assert resolve_settings(cfg).data_dir == tmp_path / "from-file"
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "from-env"))
    assert resolve_settings(cfg).data_dir == tmp_path / "from-env"
    assert resolve_settings(cfg, tmp_path / "flag").db_path == tmp_path / "flag" / "tracker.sqlite3"


def test_with_tracking_validates_overrides(tmp_path):
    s = load_settings(None)
    assert s.with_tracking(poll_seconds=0.5, afk_timeout=None).tracking.poll_seconds == 0.5
    with pytest.raises(ValueError):
        s.with_tracking(afk_timeout=-3)


def test_window_pulsetime_must_cover_a_poll(tmp_path):
    with pytest.raises(ConfigError, match=r"must be at least poll_seconds \+ 1 \(3 s\)"):
        load_settings(write(tmp_path, "[tracking]\npoll_seconds = 2\nwindow_pulsetime = 2.5\n"))
    assert load_settings(write(tmp_path, "[tracking]\npoll_seconds = 2\nwindow_pulsetime = 3\n")).tracking.window_pulsetime == 3
