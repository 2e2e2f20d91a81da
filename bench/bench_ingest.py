"""Heartbeat ingest rate: our HeartbeatEngine on a real SQLite file vs ActivityWatch's aw-server.

Workload (bench/common.py): source "window", one heartbeat per simulated second (FakeClock),
data {app, title} changing every 30 s over 5 apps, counts {"keys": i % 7}, pulsetime 2 s.
Timed: building each Heartbeat, HeartbeatEngine.heartbeat() (which writes a batch whenever more
than 100 are pending) and the final flush(). Then the stored events are read back and checked
against what the merge rule must produce.

The same workload then runs through aw-server's `ServerAPI.heartbeat` (bench/aw_ingest.py, in
the separate venv .venv-aw) on a smaller N, because aw-server commits every heartbeat.

    .venv/bin/python bench/bench_ingest.py                       # 200k ours, 20k aw-server
    .venv/bin/python bench/bench_ingest.py --tick-flush          # + the timer flush every 1 s
    .venv/bin/python bench/bench_ingest.py --profile --no-aw     # cProfile of our ingest
    .venv/bin/python bench/bench_ingest.py --no-aw --cli-import 200000
                                              # + `tracker-desktop import` of that many lines
    .venv/bin/python bench/bench_ingest.py --no-aw --cli-import 200000 --without-triggers
                                              # the same with the rollup triggers dropped: their cost
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from common import PULSETIME, START, expected, machine, workload  # noqa: E402

from storage.engine import open_database  # noqa: E402
from storage.heartbeat_engine import HeartbeatEngine  # noqa: E402
from storage.uow import SqlUnitOfWorkFactory  # noqa: E402
from tracker_desktop.domain.clock import FakeClock  # noqa: E402
from tracker_desktop.domain.events import Heartbeat  # noqa: E402

AW_PYTHON = ROOT / ".venv-aw" / "bin" / "python"
ROLLUP_TRIGGERS = ("events_rollup_insert", "events_rollup_update", "events_rollup_delete")


def drop_rollup_triggers(db_file: Path) -> None:
    """Measure-only: without the triggers of migration 0003, the share they cost shows."""
    with sqlite3.connect(db_file) as conn:
        for name in ROLLUP_TRIGGERS:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def run_ours(n: int, db_file: Path, tick_flush: bool = False, profile: bool = False,
             without_triggers: bool = False) -> dict:
    engine = open_database(db_file)
    if without_triggers:
        drop_rollup_triggers(db_file)
    try:
        uow_factory = SqlUnitOfWorkFactory(engine)
        clock = FakeClock(START)
        hb_engine = HeartbeatEngine(uow_factory, clock)
        beats = list(workload(n))  # the generator's own cost stays out of the timing
        profiler = cProfile.Profile() if profile else None

        t0 = time.perf_counter()
        if profiler:
            profiler.enable()
        for beat in beats:
            hb = Heartbeat("window", clock.now(), data={"app": beat.app, "title": beat.title},
                           counts={"keys": beat.keys})
            hb_engine.heartbeat(hb, PULSETIME)
            clock.advance(1.0)
            if tick_flush:
                hb_engine.maybe_flush()  # what the tracker's 1 s timer does
        hb_engine.flush()
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - t0

        with uow_factory() as uow:
            events = uow.events.range(source="window")
        result: dict[str, Any] = {
            "heartbeats": n,
            "seconds": elapsed,
            "heartbeats_per_s": n / elapsed,
            "events": len(events),
            "duration_s": sum(e.duration.total_seconds() for e in events),
            "keys": sum(e.counts.get("keys", 0) for e in events),
            "flushes": hb_engine.flushes,
            "db_bytes": db_file.stat().st_size,
        }
        result["problems"] = check(events, n)
        if profiler:
            result["profile"] = profiler
        return result
    finally:
        engine.dispose()


def check(events: list, n: int) -> list[str]:
    """Everything wrong with the stored events (empty if they are what the merge rule gives)."""
    want = expected(n)
    problems = []
    if len(events) != want["events"]:
        problems.append(f"{len(events)} events, expected {want['events']}")
    total = sum(e.duration.total_seconds() for e in events)
    if total != want["duration_s"]:
        problems.append(f"total duration {total} s, expected {want['duration_s']} s")
    keys = sum(e.counts.get("keys", 0) for e in events)
    if keys != want["keys"]:
        problems.append(f"{keys} keys, expected {want['keys']}")
    for i, e in enumerate(events[:-1]):
        if e.data == events[i + 1].data:
            problems.append(f"events {i} and {i + 1} have equal data but were not merged")
            break
        if e.end > events[i + 1].start:
            problems.append(f"events {i} and {i + 1} overlap")
            break
    return problems


def run_aw(n: int) -> dict | None:
    if not AW_PYTHON.exists():
        print(f"!! {AW_PYTHON} missing: python3 -m venv .venv-aw && "
              ".venv-aw/bin/pip install aw-server 'peewee<3.18'", file=sys.stderr)
        return None
    out = subprocess.run([str(AW_PYTHON), str(HERE / "aw_ingest.py"), "--heartbeats", str(n)],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_jsonl(n: int, path: Path) -> None:
    """The same workload as import lines (README "Import format")."""
    with path.open("w") as f:
        for beat in workload(n):
            when = START + timedelta(seconds=beat.second)
            f.write(json.dumps({"source": "window", "timestamp": when.isoformat(), "duration": 0,
                                "data": {"app": beat.app, "title": beat.title},
                                "counts": {"keys": beat.keys}, "pulsetime": PULSETIME}) + "\n")


def run_cli_import(n: int, tmp: Path, without_triggers: bool = False) -> dict:
    """`tracker-desktop --data-dir D import FILE` as a whole process, on a database already
    migrated (so the figure is the import, not the first start-up)."""
    cli = ROOT / ".venv" / "bin" / "tracker-desktop"
    lines, data_dir = tmp / "import.jsonl", tmp / "import-data"
    write_jsonl(n, lines)
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp / "config")}
    open_database(data_dir / "tracker.sqlite3").dispose()
    if without_triggers:
        drop_rollup_triggers(data_dir / "tracker.sqlite3")
    t0 = time.perf_counter()
    out = subprocess.run([str(cli), "--data-dir", str(data_dir), "import", str(lines)],
                         check=True, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    stored = json.loads(out.stdout.strip().splitlines()[-1])
    return {"lines": n, "seconds": elapsed, "lines_per_s": n / elapsed,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "result": stored}


def main() -> int:
    parser = argparse.ArgumentParser(description="Heartbeat ingest rate, ours vs aw-server.")
    parser.add_argument("--heartbeats", type=int, default=200_000, help="for our engine")
    parser.add_argument("--aw-heartbeats", type=int, default=20_000,
                        help="for aw-server (it commits per heartbeat, so it is slow)")
    parser.add_argument("--no-aw", action="store_true", help="skip the aw-server run")
    parser.add_argument("--tick-flush", action="store_true",
                        help="also call maybe_flush() every simulated second, like the live "
                             "tracker's timer (so a commit every 5 heartbeats, not every 101)")
    parser.add_argument("--profile", action="store_true", help="cProfile our run; print the top")
    parser.add_argument("--cli-import", type=int, default=0, metavar="N",
                        help="also time `tracker-desktop import` of N heartbeat lines (whole process)")
    parser.add_argument("--without-triggers", action="store_true",
                        help="drop the rollup triggers on events first (to measure their cost)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()

    print(f"machine: {machine()}")
    print(f"date:    {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        ours = run_ours(args.heartbeats, Path(tmp, "ours.db"), args.tick_flush, args.profile,
                        args.without_triggers)
        mode = "timer flush every 1 s + batch > 100" if args.tick_flush else "batch > 100"
        print(f"ours      ({mode}): {ours['heartbeats']:>7} heartbeats in {ours['seconds']:.2f} s"
              f" = {ours['heartbeats_per_s']:>9,.0f} heartbeats/s; {ours['events']} events, "
              f"{ours['duration_s']:.0f} s, {ours['keys']} keys, {ours['flushes']} commits, "
              f"{ours['db_bytes'] / 1e6:.1f} MB")
        if ours["problems"]:
            ok = False
            print("   WRONG: " + "; ".join(ours["problems"]))
        else:
            print("   result checked: event count = ceil(N/30), total duration, keys, no overlap")
        if args.tick_flush:
            # Live, one heartbeat arrives per second: this is the storage side's share of a core.
            print(f"   {ours['seconds'] / ours['flushes'] * 1e3:.3f} ms per heartbeat+commit cycle "
                  f"of 5; at 1 heartbeat/s that is {ours['seconds'] / ours['heartbeats'] * 100:.4f}"
                  f" % of one core")
        else:
            target = 50_000
            print(f"   target >= {target:,} heartbeats/s: "
                  f"{'met' if ours['heartbeats_per_s'] >= target else 'NOT MET'}")

        aw = None
        if not args.no_aw:
            aw = run_aw(args.aw_heartbeats)
        if aw:
            print(f"aw-server {aw['aw_server']} (ServerAPI.heartbeat, peewee {aw['peewee']}): "
                  f"{aw['heartbeats']:>7} heartbeats in {aw['seconds']:.2f} s"
                  f" = {aw['heartbeats_per_s']:>9,.0f} heartbeats/s; {aw['events']} events, "
                  f"{aw['duration_s']:.0f} s")
            # Same merge rule: our engine on aw-server's N must give the same events.
            same_n = run_ours(args.aw_heartbeats, Path(tmp, "ours-aw-n.db"), args.tick_flush)
            agree = (same_n["events"] == aw["events"]
                     and same_n["duration_s"] == aw["duration_s"] and not same_n["problems"])
            ok = ok and agree
            print(f"   same N ({args.aw_heartbeats}): ours {same_n['events']} events / "
                  f"{same_n['duration_s']:.0f} s, aw-server {aw['events']} events / "
                  f"{aw['duration_s']:.0f} s -> {'agree' if agree else 'DISAGREE'}"
                  f" (ours at that N: {same_n['heartbeats_per_s']:,.0f} heartbeats/s)")
            print(f"ratio ours / aw-server: {ours['heartbeats_per_s'] / aw['heartbeats_per_s']:.1f}x")

        if args.cli_import:
            imp = run_cli_import(args.cli_import, Path(tmp), args.without_triggers)
            print(f"tracker-desktop import: {imp['lines']:>7} lines in {imp['seconds']:.2f} s "
                  f"(whole process) = {imp['lines_per_s']:>9,.0f} lines/s; peak RSS "
                  f"{imp['max_rss_mb']:.0f} MB; {imp['result']}")

        if args.profile:
            stats = pstats.Stats(ours.pop("profile"))
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(25)
        if args.json:
            ours.pop("profile", None)
            print(json.dumps({"ours": ours, "aw": aw}, default=str))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
