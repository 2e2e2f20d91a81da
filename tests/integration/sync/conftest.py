"""The leaderboard server under test: the same suite on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import pg  # noqa: E402

_ids = itertools.count()
# Cheap password hashing in tests: Argon2id all the same, but not what the tests spend time on.
FAST = dict(hash_time_cost=1, hash_memory_kib=1024)


@pytest.fixture(scope="session")
def pg_cluster():
    if not pg.available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed (scripts/setup.sh installs it)")
        pytest.skip("PostgreSQL is not installed")
    cluster = pg.Cluster()
    from sync.server.db import make_engine, migrate

    # Migrate once into a template; each test gets a fresh copy of it.
    template_url = cluster.create_database("template_tracker")
    engine = make_engine(template_url)
    migrate(engine)
    engine.dispose()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def redis_url():
    """A real redis-server on a free port, no persistence, for the Redis-backed shared state."""
    import shutil
    import subprocess
    import time

    exe = shutil.which("redis-server")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (scripts/setup.sh installs it)")
        pytest.skip("redis-server is not installed")
    port = pg._free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--protected-mode", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.05)
    yield url
    client.close()
    proc.terminate()
    proc.wait(10)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite3'}"
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database(f"t{next(_ids)}_{os.getpid()}", template="template_tracker")


@pytest.fixture
def make_server(db_url):
    """Build app + TestClient with settings overrides; closes them afterwards."""
    from fastapi.testclient import TestClient

    from sync.server.app import create_app
    from sync.server.settings import ServerSettings

    made = []

    def make(**overrides):
        settings = ServerSettings(database_url=db_url, **{**FAST, **overrides})
        app = create_app(settings)
        client = TestClient(app)
        made.append((client, app))
        return client

    yield make
    for client, app in made:
        client.close()
        app.state.server.engine.dispose()


@pytest.fixture
def client(make_server):
    return make_server()


class User:
    def __init__(self, client, name, password="correct horse 1"):
        r = client.post("/api/v1/auth/register", json={"username": name, "password": password,
                                                        "display_name": name.title()})
        assert r.status_code == 201, r.text
        body = r.json()
        self.client, self.name, self.password = client, name, password
        self.id, self.access, self.refresh = body["user_id"], body["access_token"], body["refresh_token"]

    @property
    def h(self):
        return {"Authorization": f"Bearer {self.access}"}

    def get(self, path, **kw):
        return self.client.get(path, headers=self.h, **kw)

    def put(self, path, **kw):
        return self.client.put(path, headers=self.h, **kw)

    def post(self, path, **kw):
        return self.client.post(path, headers=self.h, **kw)

    def delete(self, path, **kw):
        return self.client.delete(path, headers=self.h, **kw)

    def push(self, day, device="laptop", **values):
        body = {"device": device, "active_seconds": 3600, **values}
        r = self.put(f"/api/v1/aggregates/{day}", json=body)
        assert r.status_code == 200, r.text
        return r.json()

    def visible(self, **extra):
        r = self.put("/api/v1/me/privacy", json={"leaderboard_visible": True, **extra})
        assert r.status_code == 200, r.text
        return r.json()

    def board(self, **params):
        r = self.get("/api/v1/leaderboards", params=params)
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture
def user(client):
    return lambda name, **kw: User(client, name, **kw)


class ServerProcess:
    """`tracker-desktop server` as a real process (uvicorn) on a free port."""

    def __init__(self, database_url: str, port: int | None = None, **env: str) -> None:
        import subprocess

        self.database_url = database_url
        self.port = port or pg._free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._env = {**os.environ, "TRACKER_SERVER_HASH_TIME_COST": "1",
                     "TRACKER_SERVER_HASH_MEMORY_KIB": "1024", **env}
        self._subprocess = subprocess
        self.proc = None

    def start(self) -> "ServerProcess":
        import time

        import httpx

        import tempfile

        # A file, not a pipe: a server that logs much would block on a full pipe nobody reads.
        self.log = tempfile.NamedTemporaryFile(prefix="tracker-server-", suffix=".log", delete=False)
        self.proc = self._subprocess.Popen(
            [sys.executable, "-m", "tracker_desktop", "server", "--port", str(self.port),
             "--database-url", self.database_url], env=self._env,
            stdout=self._subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.stderr()[-2000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not answer /healthz within 60 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except self._subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if getattr(self, "log", None) is not None:
            self.log.close()

    def stderr(self) -> str:
        return Path(self.log.name).read_text(errors="replace")


@pytest.fixture
def server_process():
    started = []

    def start(database_url, **env):
        s = ServerProcess(database_url, **env).start()
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()
