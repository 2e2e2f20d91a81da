"""Two server processes on one PostgreSQL enforce the same limits: lockouts, rate limits and
refresh-token rotation live in the database, not in either process."""

from __future__ import annotations

import httpx


def test_two_uvicorn_processes_on_one_postgresql_share_every_limit(pg_cluster, server_process):
    url = pg_cluster.create_database("two_instances")
    env = {"TRACKER_SERVER_IP_PER_MINUTE": "1000", "TRACKER_SERVER_USER_PER_MINUTE": "6"}
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



def test_the_per_address_limit_is_shared_by_two_processes(pg_cluster, server_process):
    import time

    for attempt in range(3):
        url = pg_cluster.create_database(f"per_address_{attempt}")
        c = server_process(url, TRACKER_SERVER_IP_PER_MINUTE="4")
        d = server_process(url, TRACKER_SERVER_IP_PER_MINUTE="4")
        window = time.time() // 60
        codes = [httpx.post(s.url + "/api/v1/auth/login", json={"username": "zed", "password": "x"}
                            ).status_code for s in (c, d, c, d, c, d)]
        if time.time() // 60 == window:  # all in one rate window (else the counts reset midway)
            break
    assert codes == [401, 401, 401, 401, 429, 429]


def test_a_batched_per_user_limit_holds_across_two_processes(pg_cluster, server_process):
    """A limit of 100 a minute is counted in memory by each process while far from it (flushed to
    the database once a second) and in the database near it: across both processes no more than
    the limit passes, give or take one request the other process had not flushed yet."""
    import time

    url = pg_cluster.create_database("batched_limit")
    env = {"TRACKER_SERVER_IP_PER_MINUTE": "1000", "TRACKER_SERVER_USER_PER_MINUTE": "100"}
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
