"""The local WakaTime API's throughput and latency, end to end over real HTTP.

`tracker-desktop wakatime serve` runs as its own process (uvicorn on 127.0.0.1, its own Writer,
a fresh SQLite database in a temp dir, the key in a file keyring); this process is the client
(httpx, one keep-alive connection, requests one after another as wakatime-cli sends them).

- bulk: heartbeats per second through `heartbeats.bulk` at a given bulk size (wakatime-cli sends
  25 per request); every heartbeat new, a file switch every 10 heartbeats, every 5th a write.
  Each reply comes after the heartbeats are committed.
- single: latency of one heartbeat through `users/current/heartbeats` (p50, p99, max).
- statusbar: latency of `statusbar/today` after that (computed from the rollups).

    .venv/bin/python bench/bench_wakatime.py                 # 20,000 bulk (25 a request), 2,000 single
    .venv/bin/python bench/bench_wakatime.py --bulk-size 100 --bulk 50000
Targets (issue 13): bulk ≥ 5,000 heartbeats/s, single p99 ≤ 10 ms.
"""

from __future__ import annotations

import argparse
import base64
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TRACKER = Path(sys.executable).parent / "tracker-desktop"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def heartbeat(i: int, t0: float) -> dict[str, object]:
    n = i // 10
    return {"entity": f"/home/me/src/project{n % 3}/module{n % 17}.py", "type": "file",
            "category": "coding", "time": t0 + i * 0.5, "project": f"project{n % 3}",
            "branch": "main", "language": "Python", "is_write": i % 5 == 0, "lines": 200 + n,
            "lineno": i % 200, "cursorpos": i % 80, "dependencies": ["os", "sys"],
            "user_agent": "wakatime/v1.102.1 (linux-6.1) go1.22.5 vscode/1.92.0 vscode-wakatime/24.6.0"}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bulk", type=int, default=20_000, help="heartbeats sent in bulks")
    ap.add_argument("--bulk-size", type=int, default=25, help="heartbeats per bulk request")
    ap.add_argument("--single", type=int, default=2_000, help="single-heartbeat requests")
    ap.add_argument("--clients", type=int, default=1,
                    help="bulk senders at once (several plugins' CLIs posting in parallel)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-wakatime-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(HOME=str(tmp), XDG_DATA_HOME=str(tmp / "xdg"), TRACKER_LOG_DIR=str(tmp / "logs"),
               PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring")
    (tmp / "config.toml").write_text(f"[wakatime]\nport = {port}\n")
    base = [str(TRACKER), "--data-dir", str(tmp / "data"), "--config", str(tmp / "config.toml")]
    subprocess.run([*base, "wakatime", "configure", "--wakatime-cfg", str(tmp / "w.cfg")],
                   env=env, check=True, capture_output=True)
    key = [ln.split(" = ")[1] for ln in (tmp / "w.cfg").read_text().splitlines()
           if ln.startswith("api_key")][0]
    server = subprocess.Popen([*base, "wakatime", "serve"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    assert server.stdout is not None and "WakaTime API on" in server.stdout.readline()
    auth = {"Authorization": "Basic " + base64.b64encode(key.encode()).decode()}
    t0 = time.time() - 7 * 86400
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", headers=auth,
                          timeout=60) as c:
            # Warm up (first request builds the app's caches, reads the key).
            c.post("/users/current/heartbeats", json=heartbeat(0, t0 - 3600))

            load_before = load()
            cpu0 = cpu_seconds(server.pid)
            url = f"http://127.0.0.1:{port}/api/v1/users/current/heartbeats.bulk"
            share = args.bulk // args.clients

            def send(first: int, count: int, stored: list[int]) -> None:
                with httpx.Client(headers=auth, timeout=60) as own:
                    sent = 0
                    while sent < count:
                        n = min(args.bulk_size, count - sent)
                        batch = [heartbeat(first + sent + j, t0) for j in range(n)]
                        r = own.post(url, json=batch)
                        assert r.status_code == 202, r.text
                        stored.append(sum(1 for _, s in r.json()["responses"] if s == 201))
                        sent += n

            import threading

            counts: list[int] = []
            # Each client its own stretch of time (one client's heartbeats are never late for another's).
            senders = [threading.Thread(target=send, args=(k * share, share, counts))
                       for k in range(args.clients)]
            started = time.perf_counter()
            for th in senders:
                th.start()
            for th in senders:
                th.join()
            stored = sum(counts)
            args.bulk = share * args.clients
            bulk_s = time.perf_counter() - started
            bulk_cpu = cpu_seconds(server.pid) - cpu0
            assert stored == args.bulk, (stored, args.bulk)

            cpu1 = cpu_seconds(server.pid)
            latencies = []
            t1 = t0 + args.bulk * 0.5 + 10
            for i in range(args.single):
                body = heartbeat(i, t1)
                a = time.perf_counter()
                r = c.post("/users/current/heartbeats", json=body)
                latencies.append((time.perf_counter() - a) * 1000)
                assert r.status_code == 201, r.text

            single_cpu = cpu_seconds(server.pid) - cpu1
            bar = []
            for _ in range(50):
                a = time.perf_counter()
                r = c.get("/users/current/statusbar/today")
                bar.append((time.perf_counter() - a) * 1000)
                assert r.status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    print(f"machine: {machine()}; load average at the start: {load_before} (1 min)")
    print(f"bulk: {args.bulk:,} heartbeats in bulks of {args.bulk_size} from {args.clients} "
          f"client(s): {bulk_s:.2f} s, "
          f"{args.bulk / bulk_s:,.0f} heartbeats/s (target >= 5,000); server CPU "
          f"{bulk_cpu * 1e6 / args.bulk:,.0f} us a heartbeat = {args.bulk / bulk_cpu:,.0f} "
          "heartbeats per CPU-second")
    print(f"single: {args.single:,} requests: p50 {statistics.median(latencies):.2f} ms, "
          f"p99 {pct(latencies, 99):.2f} ms, max {max(latencies):.2f} ms (target p99 <= 10 ms); "
          f"server CPU {single_cpu * 1e3 / args.single:.2f} ms a request")
    print(f"statusbar/today: p50 {statistics.median(bar):.2f} ms, p99 {pct(bar, 99):.2f} ms "
          "(50 requests)")


if __name__ == "__main__":
    main()
