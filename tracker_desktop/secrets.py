"""Secrets (API keys, sync tokens) in the OS keyring, with a loud file fallback on headless boxes.

keyring picks a backend itself and honours PYTHON_KEYRING_BACKEND. On a Linux machine without a
Secret Service (the usual headless case) it ends on the `fail` backend; then we fall back to
keyrings.alt's plaintext file in our data dir (mode 0600) and warn, because that file is only as
safe as the account's home directory.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)

SERVICE = "tracker-desktop"
# The names of the secrets stored, kept in the keyring itself (keyrings cannot list their
# entries), so `delete-all` can remove every one of them.
INDEX = "_names"


def _usable(backend: object) -> bool:
    from keyring.backends import chainer, fail

    if isinstance(backend, fail.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return bool(backend.backends)
    return True


class SecretStore:
    def __init__(self, fallback_dir: Path, *, warn: bool = True) -> None:
        import keyring

        self._keyring = keyring
        backend = keyring.get_keyring()
        self.fallback = False
        if os.environ.get("PYTHON_KEYRING_BACKEND") or _usable(backend):
            self._backend = backend
        else:
            from keyrings.alt.file import PlaintextKeyring

            from storage.files import DIR_MODE, FILE_MODE, create_private_file, tighten

            if not fallback_dir.is_dir():
                fallback_dir.mkdir(parents=True)
                fallback_dir.chmod(DIR_MODE)  # mkdir's mode would be filtered by the umask
            secrets_file = fallback_dir / "secrets.cfg"
            # Created 0600 by us before keyrings.alt writes to it (it creates under the umask,
            # then chmods), and tightened if an earlier version left it readable.
            create_private_file(secrets_file)
            tighten(secrets_file, FILE_MODE)
            plain = PlaintextKeyring()
            plain.file_path = str(secrets_file)
            self._backend = plain
            self.fallback = True
            (logger.warning if warn else logger.info)(
                "No OS keyring is available (no Secret Service / KWallet / Keychain). Secrets "
                "will be stored UNENCRYPTED in %s (readable only by you). Install and unlock a "
                "keyring, or set PYTHON_KEYRING_BACKEND, to keep them encrypted.", plain.file_path)

    @property
    def backend_name(self) -> str:
        return type(self._backend).__module__ + "." + type(self._backend).__name__

    def get(self, name: str) -> str | None:
        return self._backend.get_password(SERVICE, name)

    def set(self, name: str, value: str) -> None:
        self._backend.set_password(SERVICE, name, value)
        names = self.names()
        if name != INDEX and name not in names:
            self._backend.set_password(SERVICE, INDEX, json.dumps(sorted([*names, name])))
        if self.fallback:
            path = Path(getattr(self._backend, "file_path"))
            if path.exists():
                path.chmod(0o600)

    def names(self) -> list[str]:
        raw = self._backend.get_password(SERVICE, INDEX)
        try:
            names = json.loads(raw) if raw else []
        except ValueError:
            return []
        return [n for n in names if isinstance(n, str)]

    def delete_all(self) -> list[str]:
        """Delete every secret this app stored; returns their names."""
        names = self.names()
        for name in [*names, INDEX]:
            self.delete(name)
        return names

    def delete(self, name: str) -> None:
        from keyring.errors import PasswordDeleteError

        try:
            self._backend.delete_password(SERVICE, name)
        except PasswordDeleteError:
            pass
