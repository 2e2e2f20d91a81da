"""Load test of the leaderboard server on PostgreSQL: 10k users × 90 days already stored, then
100 concurrent clients pushing days and reading leaderboards over loopback HTTP to real
`tracker-desktop server` processes. Prints push and leaderboard latency (p50/p95/p99), the
offered load, the load average before and after each run, and the CPU each part used (server
processes, PostgreSQL, the load generator), so a figure can be read against the machine.

    .venv/bin/python bench/bench_sync_server.py [--users 10000] [--days 90] [--clients 100]
        [--seconds 30] [--think 2.0] [--servers N (default: cores)] [--closed-seconds S]
        [--quiet-below LOAD [--quiet-wait S]] [--redis]

The load generator is wrk (Debian's `wrk`, C and LuaJIT; bench/bench_sync_server.lua), not
Python: driving 100 connections from Python costs about as much CPU as the server it measures.
Each client has a push connection and a read connection, each pausing `--think` × U(0.5, 1.5)
seconds after every answer (the default 2 s makes 100 clients offer ~100 requests/s: 50 pushes
and 50 board reads a second; a desktop pushes every 15 minutes). `--think 0` is the closed loop
(saturation). Starts its own throwaway PostgreSQL cluster (tests/integration/sync/pg.py); needs
Debian's postgresql and wrk.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "integration" / "sync"))
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret-" + "x" * 40
LANGS = ["Python", "Rust", "Go", "TypeScript", "C", "C++", "Java", "Kotlin", "Ruby", "Zig"]
LUA = Path(__file__).resolve().with_suffix(".lua")


def seed(url: str, users: int, n_days: int, today: date) -> float:
    """Users and their days straight in SQL (what 900k pushes would leave), then the period
    totals the server keeps, computed the same way (sums over days), and the badges earned."""
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
        # The badges the server would have awarded on the way (it checks badges only when a push
        # can earn one, so a seed without them would make every first push of a user look for
        # them): every seeded day is active, so streaks of n days end n - 1 days after the first;
        # coding hours from running sums; focus marathons (none: focus is at most 7,800 s a day);
        # polyglot needs five languages with an hour, a seeded user has two.
        for n in (7, 30, 100):
            if n_days >= n:
                c.execute("INSERT INTO badges (user_id, code, earned_on) SELECT id, %s, %s::date "
                          "FROM users", (f"streak_{n}", first + timedelta(days=n - 1)))
        c.execute("""
            INSERT INTO badges (user_id, code, earned_on)
            SELECT user_id, 'coding_' || h || 'h', min(day)
            FROM (SELECT user_id, day, sum(coding_seconds) OVER (PARTITION BY user_id ORDER BY day)
                         AS running FROM device_days) r,
                 (VALUES (10), (100), (1000)) t(h)
            WHERE running >= h * 3600 GROUP BY user_id, h""")
        c.execute("""
            INSERT INTO badges (user_id, code, earned_on)
            SELECT user_id, 'focus_marathon', min(day) FROM device_days
            WHERE focus_seconds >= 14400 GROUP BY user_id""")
        c.execute("ANALYZE")
    return time.perf_counter() - t0



# ---- CPU accounting --------------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used) of a live process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


def tree_cpu(root: int) -> float:
    """CPU seconds of a process and all its live descendants (PostgreSQL's backends)."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st is not None:
                stats[int(entry)] = st
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
        todo += [p for p, (parent, _) in stats.items() if parent == pid]
    return total


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def loadavg() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


# ---- the load --------------------------------------------------------------------------------

def write_tokens(path: Path, users: int) -> None:
    from sync.server.security import make_access_token

    with path.open("w") as f:
        f.write("return {\n")
        for uid in range(1, users + 1):
            f.write(f'"{make_access_token(SECRET, uid, 240)}",\n')
        f.write("}\n")


def run(ports: list[int], tokens: Path, days: list[date], *, clients: int, seconds: float,
        think: float, kinds: tuple[str, ...] = ("push", "board")) -> list[dict]:
    """One wrk per kind of request, all at once; each with `clients` connections spread over the
    server processes. Returns done()'s figures per kind."""
    out = Path(tempfile.mkstemp(prefix="bench-wrk-", suffix=".jsonl")[1])
    threads = len(ports) if clients >= len(ports) else 1
    env = {**os.environ, "BENCH_TOKENS": str(tokens), "BENCH_OUT": str(out),
           "BENCH_DAYS": ",".join(d.isoformat() for d in days),
           "BENCH_THINK_MS": str(int(think * 1000)), "BENCH_PORTS": ",".join(map(str, ports))}
    procs = [subprocess.Popen(["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{max(1, round(seconds))}s",
                               "--timeout", "30s", "-s", str(LUA), f"http://127.0.0.1:{ports[0]}"],
                              env={**env, "BENCH_KIND": kind}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for kind in kinds]
    for p in procs:
        output = p.communicate()[0].decode(errors="replace")
        if p.returncode != 0:
            raise RuntimeError(f"wrk failed (exit {p.returncode}): {output[-1000:]}")
    results = [json.loads(line) for line in out.read_text().splitlines()]
    out.unlink()
    return sorted(results, key=lambda r: kinds.index(r["kind"]))


QUIET = {"below": 0.0, "wait": 0.0}
OTHERS: dict[str, int] = {}  # other processes whose CPU is reported (name: pid)


def wait_quiet() -> None:
    """With --quiet-below: wait (at most --quiet-wait s) for the 1-minute load average to fall
    below it, so other work on a shared machine (and our own seeding) is not what is measured."""
    if QUIET["below"] <= 0:
        return
    t0 = time.monotonic()
    while os.getloadavg()[0] >= QUIET["below"] and time.monotonic() - t0 < QUIET["wait"]:
        time.sleep(5)
    if os.getloadavg()[0] >= QUIET["below"]:
        print(f"  (the load average stayed at or above {QUIET['below']} for {QUIET['wait']:.0f} s)")


def measured(title: str, servers: list, postmaster: int, **kw) -> list[dict]:
    """`run` with the load average and each part's CPU around it, printed."""
    wait_quiet()
    before_load = loadavg()
    srv0 = sum(tree_cpu(s.proc.pid) for s in servers)
    others0 = {name: tree_cpu(pid) for name, pid in OTHERS.items()}
    pg0, gen0, t0 = tree_cpu(postmaster), children_cpu(), time.perf_counter()
    results = run(**kw)
    wall = time.perf_counter() - t0
    srv = sum(tree_cpu(s.proc.pid) for s in servers) - srv0
    pg, gen = tree_cpu(postmaster) - pg0, children_cpu() - gen0
    total = sum(r["requests"] for r in results)
    print(f"{title}: {total:,} requests in {wall:.0f} s = {total / wall:,.1f} req/s; "
          f"load average before {before_load}, after {loadavg()}")
    for r in results:
        bad = f"  NON-200: {r['non_200']}" if r["non_200"] else ""
        bad += f"  socket errors: {r['socket_errors']}" if r["socket_errors"] else ""
        print(f"  {r['kind']:<6} n={r['requests']:>6,}  p50 {r['p50_us'] / 1000:6.1f} ms  "
              f"p95 {r['p95_us'] / 1000:6.1f} ms  p99 {r['p99_us'] / 1000:6.1f} ms  "
              f"max {r['max_us'] / 1000:6.1f} ms{bad}")
    per = 1000 / max(total, 1)
    print(f"  CPU over the run: servers {srv:.1f} s ({srv / wall:.0%} of one core, "
          f"{srv * per:.2f} ms/request), PostgreSQL {pg:.1f} s ({pg / wall:.0%}, {pg * per:.2f} "
          f"ms/request), wrk {gen:.1f} s ({gen / wall:.0%})"
          + "".join(f", {name} {tree_cpu(pid) - others0[name]:.1f} s "
                    f"({(tree_cpu(pid) - others0[name]) / wall:.0%})" for name, pid in OTHERS.items()))
    for s in servers:
        if s.proc is None or s.proc.poll() is not None:
            print(f"  a server died: {s.stderr()[-1500:]}")
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--think", type=float, default=2.0)
    ap.add_argument("--servers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--single-seconds", type=float, default=10)
    ap.add_argument("--closed-seconds", type=float, default=0,
                    help="then also this long with no pause (the saturation throughput); 0: not")
    ap.add_argument("--redis", action="store_true",
                    help="keep the shared state (rate limits, lockouts, refresh tokens) in a "
                         "redis-server this bench starts (TRACKER_SERVER_REDIS_URL)")
    ap.add_argument("--quiet-below", type=float, default=0,
                    help="before each run wait for the 1-minute load average to fall below this")
    ap.add_argument("--quiet-wait", type=float, default=300, help="at most this long (s)")
    args = ap.parse_args()
    QUIET.update(below=args.quiet_below, wait=args.quiet_wait)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")

    import pg

    from conftest import ServerProcess  # the tests' server runner

    today = date.today()
    days = [today - timedelta(days=k) for k in range(7)]
    cluster = pg.Cluster()
    servers: list[ServerProcess] = []
    tokens = Path(tempfile.mkstemp(prefix="bench-tokens-", suffix=".lua")[1])
    redis_proc = None
    try:
        url = cluster.create_database("bench")
        took = seed(url, args.users, args.days, today)
        print(f"seeded {args.users:,} users × {args.days} days in {took:.1f} s")
        write_tokens(tokens, args.users)
        postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
        env = {"TRACKER_SERVER_SECRET": SECRET}
        if args.redis:
            port = pg._free_port()
            redis_proc = subprocess.Popen(
                ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no"], stdout=subprocess.DEVNULL)
            env["TRACKER_SERVER_REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
            OTHERS["Redis"] = redis_proc.pid
            time.sleep(1)
        servers = [ServerProcess(url, **env).start() for _ in range(args.servers)]
        ports = [s.port for s in servers]
        common = dict(ports=ports, tokens=tokens, days=days)
        run(**common, clients=4, seconds=3, think=0)  # warm-up: connections, caches
        for kind in ("push", "board"):
            measured(f"1 client, {kind} only, no pause (service time)", servers, postmaster,
                     **common, clients=1, seconds=args.single_seconds, think=0, kinds=(kind,))
        measured(f"{args.clients} clients pushing + {args.clients} reading, think {args.think} s, "
                 f"{len(servers)} server process(es)", servers, postmaster, **common,
                 clients=args.clients, seconds=args.seconds, think=args.think)
        if args.closed_seconds > 0:
            measured(f"{args.clients} clients pushing + {args.clients} reading, no pause "
                     f"(saturation)", servers, postmaster, **common, clients=args.clients,
                     seconds=args.closed_seconds, think=0)
    finally:
        for s in servers:
            s.stop()
        if redis_proc is not None:
            redis_proc.terminate()
            redis_proc.wait(10)
        cluster.stop()
        tokens.unlink(missing_ok=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
