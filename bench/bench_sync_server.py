"""Load test of the leaderboard server on PostgreSQL: 10k users × 90 days already stored, then
100 concurrent clients each pushing a day and reading a leaderboard, over loopback HTTP to real
uvicorn processes. Prints push and leaderboard latency (p50/p95) and throughput.

    .venv/bin/python bench/bench_sync_server.py [--users 10000] [--days 90] [--clients 100]
        [--seconds 30] [--think 1.0] [--servers 1]

`--think` is each client's pause between requests (a desktop pushes every 15 minutes; 1 s is
already far busier); `--think 0` measures the closed loop (saturation throughput). Starts its own
throwaway PostgreSQL cluster (tests/integration/sync/pg.py); needs Debian's postgresql.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "integration" / "sync"))
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret-" + "x" * 40
LANGS = ["Python", "Rust", "Go", "TypeScript", "C", "C++", "Java", "Kotlin", "Ruby", "Zig"]


def seed(url: str, users: int, n_days: int, today: date) -> float:
    """Users and their days straight in SQL (what 900k pushes would leave), then the period
    totals the server keeps, computed the same way (sums over days)."""
    import psycopg

    from sync.server.db import make_engine, migrate
    from sync.server.security import Passwords

    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    pw = Passwords(1, 1024).hash("bench password")
    first = today - timedelta(days=n_days - 1)
    t0 = time.perf_counter()
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute("""
            INSERT INTO users (id, username, username_key, display_name, password_hash, created_at,
                               failed_logins, leaderboard_visible, anonymous, share_languages)
            SELECT g, 'user' || g, 'user' || g, NULL, %s, now(), 0, g %% 10 <> 0, g %% 7 = 0, g %% 3 <> 0
            FROM generate_series(1, %s) g""", (pw, users))
        c.execute("SELECT setval(pg_get_serial_sequence('users', 'id'), %s)", (users,))
        c.execute("""
            INSERT INTO device_days (user_id, day, device, active_seconds, coding_seconds,
                productive_seconds, productivity_score, focus_sessions, focus_seconds, languages,
                categories, updated_at)
            SELECT u, d::date, 'laptop', a, a * 0.5, a * 0.6, 40 + (u * 7 + extract(doy from d)) %% 55,
                   (u + extract(doy from d))::int %% 5, a * 0.3,
                   json_build_object((%s::text[])[1 + u %% 10], a * 0.3, (%s::text[])[1 + (u + 3) %% 10], a * 0.2),
                   json_build_object('Work > Programming', a * 0.5), now()
            FROM generate_series(1, %s) u,
                 generate_series(%s::date, %s::date, interval '1 day') d,
                 LATERAL (SELECT (1000 + (u * 7919 + extract(doy from d) * 104729)::bigint %% 25000)::float AS a) x
        """, (LANGS, LANGS, users, first, today))
        for kind, trunc in (("d", "day"), ("w", "week"), ("m", "month")):
            c.execute(f"""
                INSERT INTO period_totals (user_id, kind, start, active_seconds, coding_seconds,
                    productive_seconds, score_points, scored_seconds, focus_sessions, focus_seconds)
                SELECT user_id, %s, date_trunc('{trunc}', day)::date, sum(active_seconds),
                       sum(coding_seconds), sum(productive_seconds),
                       sum(productivity_score * active_seconds), sum(active_seconds),
                       sum(focus_sessions), sum(focus_seconds)
                FROM device_days GROUP BY user_id, date_trunc('{trunc}', day)""", (kind,))
            c.execute(f"""
                INSERT INTO period_languages (user_id, kind, start, language, seconds)
                SELECT user_id, %s, date_trunc('{trunc}', day)::date, l.key, sum(l.value::text::float)
                FROM device_days, json_each(languages) l
                GROUP BY user_id, date_trunc('{trunc}', day), l.key""", (kind,))
        c.execute("ANALYZE")
    return time.perf_counter() - t0


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def load(urls: list[str], users: int, clients: int, seconds: float, think: float,
               today: date) -> dict[str, list[float]]:
    import httpx

    from sync.server.security import make_access_token

    lat: dict[str, list[float]] = {"push": [], "leaderboard": []}
    errors: dict[int | str, int] = {}

    async def timed(kind: str, call) -> None:  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            r = await call
        except httpx.TransportError as exc:
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            return
        lat[kind].append(time.perf_counter() - t)
        if r.status_code != 200:
            errors[r.status_code] = errors.get(r.status_code, 0) + 1
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(i: int, http: httpx.AsyncClient) -> None:
        rnd = random.Random(i)
        user_id = rnd.randint(1, users)
        h = {"Authorization": f"Bearer {make_access_token(SECRET, user_id, 60)}"}
        base = urls[i % len(urls)]
        await asyncio.sleep(rnd.random() * max(think, 0.05))  # spread the start
        while time.perf_counter() < deadline:
            day = today - timedelta(days=rnd.randint(0, 6))
            a = rnd.randint(600, 30000)
            body = {"device": "laptop", "active_seconds": a, "coding_seconds": a // 2,
                    "productive_seconds": a // 2, "productivity_score": rnd.randint(0, 100),
                    "focus_sessions": rnd.randint(0, 6), "focus_seconds": a // 4,
                    "languages": {rnd.choice(LANGS): a // 3}, "categories": {"Work": a // 2}}
            await timed("push", http.put(f"{base}/api/v1/aggregates/{day}", json=body, headers=h))
            if think:
                await asyncio.sleep(think * rnd.uniform(0.5, 1.5))
            params = {"period": rnd.choice(["day", "week", "month"]),
                      "metric": rnd.choice(["coding", "active", "productivity", "focus"])}
            if rnd.random() < 0.2:
                params = {"period": "week", "metric": "coding", "language": rnd.choice(LANGS)}
            await timed("leaderboard", http.get(f"{base}/api/v1/leaderboards", params=params, headers=h))
            if think:
                await asyncio.sleep(think * rnd.uniform(0.5, 1.5))

    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        await asyncio.gather(*(client(i, http) for i in range(clients)))
    if errors:
        print(f"  non-200 answers: {errors}")
    return lat


def report(lat: dict[str, list[float]], servers: list, clients: int, think: float,
           seconds: float) -> None:
    total = sum(len(v) for v in lat.values())
    for s in servers:
        if s.proc is None or s.proc.poll() is not None:
            print(f"  a server died: {s.stderr()[-1500:]}")
        elif s.stderr().strip():
            print(f"  server log (tail): {s.stderr()[-800:]}")
    print(f"{clients} clients, think {think} s, {len(servers)} server process(es), "
          f"{seconds:.0f} s: {total:,} requests, {total / seconds:,.0f} req/s")
    for kind, values in lat.items():
        ms = [v * 1000 for v in values]
        print(f"  {kind:<12} n={len(ms):>6,}  p50 {statistics.median(ms):6.1f} ms  "
              f"p95 {pct(ms, 95):6.1f} ms  p99 {pct(ms, 99):6.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--think", type=float, default=1.0)
    ap.add_argument("--servers", type=int, default=1)
    args = ap.parse_args()

    import pg

    from conftest import ServerProcess  # the tests' server runner

    today = date.today()
    cluster = pg.Cluster()
    servers: list[ServerProcess] = []
    try:
        url = cluster.create_database("bench")
        took = seed(url, args.users, args.days, today)
        print(f"seeded {args.users:,} users × {args.days} days in {took:.1f} s")
        env = {"TRACKER_SERVER_SECRET": SECRET, "TRACKER_SERVER_USER_PER_MINUTE": "1000000",
               "TRACKER_SERVER_IP_PER_MINUTE": "1000000"}
        servers = [ServerProcess(url, **env).start() for _ in range(args.servers)]
        asyncio.run(load([s.url for s in servers], args.users, 5, 3, 0.0, today))  # warm-up
        # One client, no pause: the service time of each request on an idle server.
        report(asyncio.run(load([s.url for s in servers], args.users, 1, 15, 0.0, today)),
               servers, 1, 0.0, 15)
        lat = asyncio.run(load([s.url for s in servers], args.users, args.clients, args.seconds,
                               args.think, today))
        report(lat, servers, args.clients, args.think, args.seconds)
    finally:
        for s in servers:
            s.stop()
        cluster.stop()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
