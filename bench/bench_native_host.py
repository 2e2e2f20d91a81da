"""The native-messaging host (`tracker-desktop native-host`) as the browser uses it: start to the
first reply (the browser starts a host on every connect), heartbeat throughput, ack latency, the
host's peak RSS, and the `query today` answer on a year of data.

    .venv/bin/python bench/bench_native_host.py                     # fresh database
    .venv/bin/python bench/bench_native_host.py --year bench/out/year-realistic

`--year DIR` is a year database written by bench/bench_report_year.py (a copy is used). Targets
(issue 9): >= 20,000 messages/s, ack p99 <= 2 ms, host RSS <= 60 MB, start to first ack <= 300 ms,
`query today` <= 50 ms on a year of data.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import machine  # noqa: E402

HEADER = struct.Struct("=I")


def frame(obj: object) -> bytes:
    body = json.dumps(obj, separators=(",", ":")).encode()
    return HEADER.pack(len(body)) + body


class Host:
    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tracker_desktop", "native-host"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                     bufsize=1 << 16)

    def recv(self) -> dict[str, object]:
        assert self.proc.stdout is not None
        head = self._read(4)
        return json.loads(self._read(HEADER.unpack(head)[0]))  # type: ignore[no-any-return]

    def _read(self, n: int) -> bytes:
        assert self.proc.stdout is not None
        parts, got = [], 0
        while got < n:
            chunk = self.proc.stdout.read(n - got)
            if not chunk:
                raise EOFError("the host closed stdout")
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    def send(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def cpu_seconds(self) -> float:
        """The host's user + system CPU time so far (a busy shared machine stretches wall time,
        not this)."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        return self.proc.wait(120)


def heartbeats(n: int, t0: datetime) -> list[bytes]:
    out = []
    for i in range(n):
        page = (i // 30) % 7
        out.append(frame({"type": "heartbeat", "id": i, "source": "browser",
                          "timestamp": (t0 + timedelta(seconds=i)).isoformat(),
                          "data": {"url": f"https://site{page}.example/p", "domain":
                                   f"site{page}.example", "title": f"Page {page}",
                                   "browser": "chromium", "audible": False, "incognito": False}}))
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def start_to_first_ack(env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """Wall time from spawning to the hello reply, and the CPU time the process used by then."""
    hello = frame({"type": "hello", "id": 1, "client": "chromium", "version": "bench"})
    samples, cpu = [], []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        host = Host(env)
        host.send(hello)
        reply = host.recv()
        samples.append(time.perf_counter() - t0)
        cpu.append(host.cpu_seconds())
        assert reply["ok"] is True, reply
        host.close()
    return samples[1:], cpu[1:]  # the first run compiles and caches


def throughput(env: dict[str, str], n: int) -> tuple[float, float, float, float]:
    t0 = datetime.now(timezone.utc) - timedelta(seconds=n + 3600)
    frames = heartbeats(n, t0)
    host = Host(env)
    host.send(frame({"type": "hello", "id": "h"}))
    host.recv()
    host.send(frames[0])  # the first heartbeat opens the database engine and the writer
    host.recv()
    done = threading.Event()

    def feed() -> None:
        for i in range(1, len(frames), 500):  # as a browser's pipe delivers them: in bursts
            host.send(b"".join(frames[i:i + 500]))
        done.set()

    cpu0 = host.cpu_seconds()
    started = time.perf_counter()
    threading.Thread(target=feed, daemon=True).start()
    for _ in range(n - 1):
        reply = host.recv()
        assert reply["type"] == "ack", reply
    elapsed = time.perf_counter() - started
    cpu = host.cpu_seconds() - cpu0
    rss = host.peak_rss_mb()
    t_close = time.perf_counter()
    assert host.close() == 0
    return (n - 1) / elapsed, (n - 1) / cpu, rss, time.perf_counter() - t_close


def latency(env: dict[str, str], n: int) -> tuple[list[float], float]:
    t0 = datetime.now(timezone.utc) - timedelta(seconds=2 * n + 7200)
    frames = heartbeats(n + 1, t0)
    host = Host(env)
    host.send(frames[0])
    host.recv()
    samples = []
    for f in frames[1:]:
        t = time.perf_counter()
        host.send(f)
        host.recv()
        samples.append(time.perf_counter() - t)
    rss = host.peak_rss_mb()
    assert host.close() == 0
    return samples, rss


def query_today_year(year: Path, runs: int) -> tuple[list[float], int, str]:
    """The `today` answer in-process on a year database, on a day inside it (the process only
    knows the real today; the service is what costs)."""
    meta = json.loads((year / "meta.json").read_text())
    os.environ["TZ"] = meta.get("tz", "UTC")
    time.tzset()
    from tracker_desktop.app import App, Store
    from tracker_desktop.config import Settings
    from tracker_desktop.domain.clock import FakeClock
    from tracker_desktop.native.host import NativeHost

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir(mode=0o700)
        shutil.copy2(year / "tracker.sqlite3", data / "tracker.sqlite3")
        day = datetime.fromisoformat(meta["first"]) + timedelta(days=meta["days"] // 2)
        clock = FakeClock(day.replace(hour=15, tzinfo=timezone.utc))
        settings = Settings(data_dir=data)
        samples = []
        size = 0
        answer = ""
        for i in range(runs + 2):
            # A new process answers each connect: a new App (cold caches) every time.
            app = App(settings, clock, Store(settings.db_path))
            host = NativeHost(app, io.BytesIO(), io.BytesIO())
            t = time.perf_counter()
            reply = host.today(1)
            elapsed = time.perf_counter() - t
            app.close()
            if i >= 2:  # the first ones compute and store the day's rollups
                samples.append(elapsed)
            size = len(json.dumps(reply))
            answer = f"{reply['date']}: active {reply['active_seconds']:.0f} s, " \
                     f"{len(reply['sites'])} sites"  # type: ignore[arg-type]
        return samples, size, answer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--latency", type=int, default=5_000)
    parser.add_argument("--starts", type=int, default=15)
    parser.add_argument("--year", type=Path, help="a year database dir (bench_report_year.py)")
    args = parser.parse_args()
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text("")
        env = {**os.environ, "TRACKER_CONFIG": str(config), "TRACKER_DATA_DIR": str(Path(tmp) / "data"),
               "TRACKER_LOG_DIR": str(Path(tmp) / "logs")}
        starts, start_cpu = start_to_first_ack(env, args.starts)
        rate, cpu_rate, rss1, close_s = throughput(env, args.messages)
        lat, rss2 = latency(env, args.latency)
    rows = [
        ("start to first ack (hello), median (p90, max)",
         f"{statistics.median(starts) * 1000:.0f} ms ({pct(starts, 90) * 1000:.0f}, "
         f"{max(starts) * 1000:.0f})", "≤ 300 ms"),
        ("… CPU time the host used by then, median", f"{statistics.median(start_cpu) * 1000:.0f} ms",
         "–"),
        (f"throughput, {args.messages:,} pipelined heartbeats (wall)", f"{rate:,.0f} msg/s",
         "≥ 20,000"),
        ("… per second of the host's CPU time", f"{cpu_rate:,.0f} msg/s", "–"),
        ("exit after them (flush, stdin closed)", f"{close_s * 1000:.0f} ms", "–"),
        (f"ack round trip, {args.latency:,} one at a time: p50 / p99",
         f"{pct(lat, 50) * 1000:.2f} / {pct(lat, 99) * 1000:.2f} ms", "p99 ≤ 2 ms"),
        ("host peak RSS (VmHWM)", f"{max(rss1, rss2):.1f} MB", "≤ 60 MB"),
    ]
    if args.year is not None:
        q, size, answer = query_today_year(args.year, 20)
        rows.append((f"`query today` on a year ({answer}), median (p90)",
                     f"{statistics.median(q) * 1000:.1f} ms ({pct(q, 90) * 1000:.1f}), {size:,} B",
                     "≤ 50 ms"))
    print("| measure | value | target |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
