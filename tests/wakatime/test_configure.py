"""`wakatime configure / unconfigure / status`: ~/.wakatime.cfg pointed at us with every other
setting (and comment) kept, a backup of the file, the previous values put back; bad files refused
with exit 2 and nothing changed."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tracker_desktop.services.wakatime_cfg import backup_path, set_values

ORIGINAL = """# my WakaTime settings
[settings]
debug = false
api_key = waka_0123-real-wakatime-key
hidefilenames = false
exclude =
    ^COMMIT_EDITMSG$
    ^/var/
api_url = https://wakatime.example/api/v1

[internal]
backoff_retries = 0
"""


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / "home" / ".wakatime.cfg"
    path.parent.mkdir()
    path.write_text(ORIGINAL)
    return path


def test_configure_points_at_us_keeps_everything_else_and_unconfigure_restores(cli, cfg, file_keyring):
    code, out, err = cli("wakatime", "configure", "--wakatime-cfg", str(cfg))
    assert code == 0, err
    text = cfg.read_text()
    assert "api_url = http://127.0.0.1:5292/api/v1\n" in text
    key_line = [ln for ln in text.splitlines() if ln.startswith("api_key = ")]
    assert len(key_line) == 1 and "waka_0123" not in key_line[0]
    # Every other line as it was, in its place.
    assert [ln for ln in text.splitlines() if not ln.startswith(("api_url", "api_key"))] == \
        [ln for ln in ORIGINAL.splitlines() if not ln.startswith(("api_url", "api_key"))]
    assert backup_path(cfg).read_text() == ORIGINAL
    assert stat.S_IMODE(os.stat(cfg).st_mode) == 0o600  # it holds a key
    assert "tracker-desktop-backup" in out

    # Twice: the same key (kept in the keyring), and the backup still holds the values from before.
    assert cli("wakatime", "configure", "--wakatime-cfg", str(cfg))[0] == 0
    assert [ln for ln in cfg.read_text().splitlines() if ln.startswith("api_key")] == key_line
    assert backup_path(cfg).read_text() == ORIGINAL

    # Settings changed meanwhile stay; the two values come back.
    cfg.write_text(cfg.read_text().replace("debug = false", "debug = true"))
    code, out, err = cli("wakatime", "unconfigure", "--wakatime-cfg", str(cfg))
    assert code == 0, err
    assert cfg.read_text() == ORIGINAL.replace("debug = false", "debug = true")
    assert not backup_path(cfg).exists()
    code, _, err = cli("wakatime", "unconfigure", "--wakatime-cfg", str(cfg))
    assert code == 2 and "not configured by tracker-desktop" in err


def test_configure_creates_the_file_and_unconfigure_removes_only_our_values(cli, tmp_path, file_keyring,
                                                                            monkeypatch):
    home = tmp_path / "wakahome"
    home.mkdir()
    monkeypatch.setenv("WAKATIME_HOME", str(home))
    assert cli("wakatime", "configure")[0] == 0
    cfg = home / ".wakatime.cfg"
    assert cfg.read_text().startswith("[settings]\napi_url = http://127.0.0.1:5292/api/v1\napi_key = ")
    cfg.write_text(cfg.read_text() + "debug = true\n")
    assert cli("wakatime", "unconfigure")[0] == 0
    assert cfg.read_text() == "[settings]\ndebug = true\n"


def test_the_port_setting_goes_into_the_url(cli, cfg, file_keyring, data_dir):
    config = data_dir.parent / "config.toml"
    config.write_text("[wakatime]\nport = 6001\n")
    assert cli("--config", str(config), "wakatime", "configure", "--wakatime-cfg", str(cfg))[0] == 0
    assert "api_url = http://127.0.0.1:6001/api/v1" in cfg.read_text()


def test_a_file_that_is_not_ini_is_refused_and_left_alone(cli, cfg, file_keyring):
    cfg.write_text("api_key = outside any section\n")
    code, _, err = cli("wakatime", "configure", "--wakatime-cfg", str(cfg))
    assert code == 2 and "cannot be read as an INI file" in err and "nothing was changed" in err
    assert cfg.read_text() == "api_key = outside any section\n"
    assert not backup_path(cfg).exists()


def test_status_without_a_database_or_config(cli, tmp_path, file_keyring):
    code, out, err = cli("wakatime", "status", "--json", "--wakatime-cfg", str(tmp_path / "none.cfg"))
    assert code == 0, err
    status = json.loads(out)
    assert status["configured"] is None and status["editors"] == []
    code, out, _ = cli("wakatime", "status", "--wakatime-cfg", str(tmp_path / "none.cfg"))
    assert "no heartbeats received yet" in out and "does not exist" in out


@pytest.mark.parametrize("text, values, expected", [
    ("", {"api_url": "u"}, "[settings]\napi_url = u\n"),
    ("[other]\nx = 1", {"api_url": "u"}, "[other]\nx = 1\n\n[settings]\napi_url = u\n"),
    ("[settings]\na = 1\n\n[b]\n", {"api_url": "u"}, "[settings]\na = 1\napi_url = u\n\n[b]\n"),
    ("[settings]\n# api_url = old\napi_url=old\n", {"api_url": "u"},
     "[settings]\n# api_url = old\napi_url = u\n"),
    ("[settings]\napi_url = a\n  continued\nb = 2\n", {"api_url": None}, "[settings]\nb = 2\n"),
    ("[b]\napi_url = keep\n[settings]\n", {"api_url": "u"}, "[b]\napi_url = keep\n[settings]\napi_url = u\n"),
])
def test_set_values_edits_only_those_keys_of_settings(text, values, expected):
    assert set_values(text, values) == expected
