"""schemathesis against the server's own OpenAPI: generated requests never cause a 5xx, and every
response has a content type and body the schema promises. Bounded: a few dozen examples per
operation, on SQLite, with a signed-in user so the authenticated routes are reached too."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from sync.server.app import create_app
from sync.server.settings import ServerSettings

_DB = Path(tempfile.mkdtemp(prefix="tracker-fuzz-")) / "server.sqlite3"
APP = create_app(ServerSettings(database_url=f"sqlite:///{_DB}", hash_time_cost=1,
                                hash_memory_kib=1024, ip_per_minute=10**6, user_per_minute=10**6,
                                login_per_minute=10**6))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))


@pytest.fixture(scope="module")
def auth_headers():
    from fastapi.testclient import TestClient

    with TestClient(APP) as client:
        r = client.post("/api/v1/auth/register", json={"username": "fuzzer", "password": "fuzz fuzz fuzz"})
        assert r.status_code == 201
        token = r.json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


@schema.exclude(path="/api/v1/me", method="DELETE").parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_schema(case, auth_headers):
    headers = {**auth_headers, **(case.headers or {})}
    case.call_and_validate(headers=headers, checks=[
        checks.not_a_server_error, checks.response_schema_conformance,
        checks.content_type_conformance])
