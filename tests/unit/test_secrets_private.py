"""The secrets fallback file and its directory are private from their creation (issue 7, 8b)."""

import stat

import keyring
import pytest
from keyring.backends import fail

from tracker_desktop.secrets import SecretStore


@pytest.fixture
def no_keyring(monkeypatch):
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_fallback_dir_and_file_are_private_before_any_secret_is_written(no_keyring, tmp_path):
    where = tmp_path / "new" / "data"
    SecretStore(where)
    assert mode(where) == 0o700 and mode(where / "secrets.cfg") == 0o600


def test_an_old_world_readable_secrets_file_is_tightened(no_keyring, tmp_path):
    secrets = tmp_path / "secrets.cfg"
    secrets.write_text("")
    secrets.chmod(0o644)
    SecretStore(tmp_path)
    assert mode(secrets) == 0o600
