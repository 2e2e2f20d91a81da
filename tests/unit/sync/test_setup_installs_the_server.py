"""CI runs the server's tests on a real PostgreSQL: setup.sh must install it and the server's
Python dependencies, pinned."""

import re

from tests.conftest import ROOT


def test_setup_installs_postgresql_and_the_server_extra():
    text = (ROOT / "scripts" / "setup.sh").read_text()
    body = re.search(r"APT_PACKAGES=\((.*?)\n\)", text, re.S)
    assert body is not None
    words = " ".join(line.split("#", 1)[0] for line in body.group(1).splitlines()).split()
    assert "postgresql" in words and "redis-server" in words
    assert '-e ".[gui,server,dev]"' in text
    pins = (ROOT / "constraints.txt").read_text().lower()
    for dep in ("fastapi==", "uvicorn==", "pyjwt==", "argon2-cffi==", "psycopg==", "httpx==",
                "tenacity==", "schemathesis==", "orjson==", "redis=="):
        assert dep in pins, dep
