"""Two server processes on one PostgreSQL enforce the same limits: lockouts, rate limits and
refresh-token rotation live in the database (or in Redis when TRACKER_SERVER_REDIS_URL is set),
not in either process."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture(params=["database", "redis"])
def shared(request):
    """The environment that puts the shared state in the database or in a real Redis."""
    if request.param == "redis":
        import redis

        url = request.getfixturevalue("redis_url")
        redis.Redis.from_url(url).flushall()  # user ids repeat in each test's fresh database
        return {"TRACKER_SERVER_REDIS_URL": url}
    return {}


def _forget(shared):
    """A fresh start of the shared state for another attempt (the database is made anew)."""
    if "TRACKER_SERVER_REDIS_URL" in shared:
        import redis

        redis.Redis.from_url(shared["TRACKER_SERVER_REDIS_URL"]).flushall()


def test_two_uvicorn_processes_on_one_postgresql_share_every_limit(pg_cluster, server_process,
                                                                   shared, request):
    url = pg_cluster.create_database(f"two_instances_{request.node.callspec.id}")
    env = {"TRACKER_SERVER_IP_PER_MINUTE": "1000", "TRACKER_SERVER_USER_PER_MINUTE": "6", **shared}
    a, b = server_process(url, **env), server_process(url, **env)
    r = httpx.post(a.url + "/api/v1/auth/register", json={"username": "ann", "password": "a good password"})
    assert r.status_code == 201
    tokens = r.json()

    # Access tokens signed by one are good at the other (the key is shared through the database).
    h = {"Authorization": f"Bearer {tokens['access_token']}"}
    # Per-user rate limit: 6 a minute across both processes, not 6 each.
    codes = [httpx.get(s.url + "/api/v1/me", headers=h).status_code for s in (a, b, a, b, a, b, a, b)]
    assert codes == [200] * 6 + [429, 429]

    # Refresh rotation: a token used at A is spent at B too; replaying it revokes the new one.
    r1 = httpx.post(a.url + "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r1.status_code == 200
    assert httpx.post(b.url + "/api/v1/auth/refresh",
                      json={"refresh_token": tokens["refresh_token"]}).status_code == 401
    assert httpx.post(a.url + "/api/v1/auth/refresh",
                      json={"refresh_token": r1.json()["refresh_token"]}).status_code == 401

    # Lockout: failures at either process count together; five lock the account at both.
    codes = [httpx.post(s.url + "/api/v1/auth/login", json={"username": "ANN", "password": "nope"}).status_code
             for s in (a, b, a, b, a)]
    assert codes == [401, 401, 401, 401, 423]
    for s in (a, b):
        r = httpx.post(s.url + "/api/v1/auth/login", json={"username": "ann", "password": "a good password"})
        assert r.status_code == 423 and int(r.headers["Retry-After"]) > 60



def test_the_per_address_limit_is_shared_by_two_processes(pg_cluster, server_process, shared,
                                                          request):
    import time

    for attempt in range(3):
        _forget(shared)
        url = pg_cluster.create_database(f"per_address_{attempt}_{request.node.callspec.id}")
        c = server_process(url, TRACKER_SERVER_IP_PER_MINUTE="4", **shared)
        d = server_process(url, TRACKER_SERVER_IP_PER_MINUTE="4", **shared)
        window = time.time() // 60
        codes = [httpx.post(s.url + "/api/v1/auth/login", json={"username": "zed", "password": "x"}
                            ).status_code for s in (c, d, c, d, c, d)]
        if time.time() // 60 == window:  # all in one rate window (else the counts reset midway)
            break
    assert codes == [401, 401, 401, 401, 429, 429]


def test_a_batched_per_user_limit_holds_across_two_processes(pg_cluster, server_process, shared,
                                                             request):
    """A limit of 100 a minute is counted in memory by each process while far from it (flushed to
    the database once a second) and in the database near it: across both processes no more than
    the limit passes, give or take one request the other process had not flushed yet."""
    import time

    url = pg_cluster.create_database(f"batched_limit_{request.node.callspec.id}")
    env = {"TRACKER_SERVER_IP_PER_MINUTE": "1000", "TRACKER_SERVER_USER_PER_MINUTE": "100",
           **shared}
    a, b = server_process(url, **env), server_process(url, **env)
    tokens = httpx.post(a.url + "/api/v1/auth/register",
                        json={"username": "bea", "password": "a good password"}).json()
    h = {"Authorization": f"Bearer {tokens['access_token']}"}
    for _attempt in range(3):
        if time.time() % 60 > 45:  # too near the end of a rate window: wait for the next one
            time.sleep(60 - time.time() % 60 + 0.5)
        window = time.time() // 60
        with httpx.Client() as http:
            codes = [http.get(s.url + "/api/v1/me", headers=h).status_code
                     for _ in range(75) for s in (a, b)]
        if time.time() // 60 == window:
            break
    assert set(codes) == {200, 429}
    assert 100 <= codes.count(200) <= 101
    assert codes[-20:] == [429] * 20


def test_with_redis_the_shared_state_is_there_and_a_deleted_account_leaves_none(
        pg_cluster, server_process, redis_url):
    import redis

    r = redis.Redis.from_url(redis_url, decode_responses=True)
    r.flushall()
    url = pg_cluster.create_database("redis_state")
    a = server_process(url, TRACKER_SERVER_REDIS_URL=redis_url)
    tokens = httpx.post(a.url + "/api/v1/auth/register",
                        json={"username": "cat", "password": "a good password"}).json()
    user_id = tokens["user_id"]
    # Not in the database: the refresh token and the failed logins are Redis keys.
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM refresh_tokens")).scalar() == 0
    assert r.exists(f"rtu:{user_id}")
    assert httpx.post(a.url + "/api/v1/auth/login",
                      json={"username": "cat", "password": "nope"}).status_code == 401
    assert r.get(f"fails:{user_id}") == "1"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT failed_logins FROM users")).scalar() == 0
    engine.dispose()
    h = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert httpx.delete(a.url + "/api/v1/me", headers=h).status_code == 204
    assert httpx.post(a.url + "/api/v1/auth/refresh",
                      json={"refresh_token": tokens["refresh_token"]}).status_code == 401
    # Nothing of the account is left but rate counters, which expire with their window.
    left = r.keys("*")
    assert left and all(k.startswith("rl:") for k in left), left
    assert all(0 < r.ttl(k) <= 120 for k in left)


def test_an_unreachable_redis_is_exit_2_with_a_reason(tmp_path):
    import os
    import subprocess
    import sys

    from pg import _free_port

    p = subprocess.run([sys.executable, "-m", "tracker_desktop", "server", "--database-url",
                        f"sqlite:///{tmp_path / 's.sqlite3'}"],
                       env={**os.environ, "TRACKER_SERVER_REDIS_URL": f"redis://127.0.0.1:{_free_port()}/0"},
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "cannot reach Redis" in p.stderr and "Traceback" not in p.stderr
