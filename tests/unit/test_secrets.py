"""Secrets: the OS keyring when there is one; a loud, private file fallback when there is not."""

import logging
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


def test_falls_back_to_a_private_file_and_warns(no_keyring, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        store = SecretStore(tmp_path)
    assert store.fallback
    assert "UNENCRYPTED" in caplog.text
    store.set("anthropic_api_key", "sk-test-123")
    assert store.get("anthropic_api_key") == "sk-test-123"
    path = tmp_path / "secrets.cfg"
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SecretStore(tmp_path).get("anthropic_api_key") == "sk-test-123"  # survives a restart
    store.delete("anthropic_api_key")
    store.delete("anthropic_api_key")  # deleting twice is fine
    assert store.get("anthropic_api_key") is None


def test_honours_python_keyring_backend(monkeypatch, tmp_path):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    previous = keyring.get_keyring()
    try:
        keyring.core.init_backend()
        store = SecretStore(tmp_path / "unused")
        assert not store.fallback
        assert store.backend_name == "keyrings.alt.file.PlaintextKeyring"
        assert not (tmp_path / "unused").exists()
    finally:
        keyring.set_keyring(previous)
