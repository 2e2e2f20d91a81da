"""`export` (json, csv zip, pdf) and `import --format native` on a big record: wall time, CPU
time and peak RSS of each whole `tracker-desktop` process, and the file sizes.

Writes into bench/out/ (git-ignored) a database with N window events (one every 20 s, 30 apps'
titles, over ~70 days), 2,000 tasks and 20,000 time entries, then runs each command once in a
fresh process:

    .venv/bin/python bench/bench_export.py            # 300,000 events
    .venv/bin/python bench/bench_export.py --events 50000
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "export"
TOOL = ROOT / ".venv" / "bin" / "tracker-desktop"
START = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
sys.path.insert(0, str(ROOT))


def fill(data: Path, n: int) -> None:
    from dataclasses import replace

    from storage.engine import open_database
    from storage.uow import SqlUnitOfWorkFactory
    from tracker_desktop.domain.events import Event
    from tracker_desktop.domain.tasks import TimeEntry, new_task

    data.mkdir(parents=True)
    engine = open_database(data / "tracker.sqlite3")
    uow = SqlUnitOfWorkFactory(engine)
    step = timedelta(seconds=20)
    with uow(write=True) as u:
        batch = []
        for i in range(n):
            batch.append(Event("window", START + i * step, timedelta(seconds=19),
                               {"app": f"app{i % 30}", "title": f"document {i % 500} – editor"},
                               {"keys": i % 97}))
            if len(batch) == 10_000:
                u.events.add_many(batch)
                batch = []
        u.events.add_many(batch)
        for k in range(2000):
            t = new_task(f"Task {k}", START, estimate_hours=1 + k % 5, tags=["a", f"t{k % 7}"],
                         project=f"P{k % 9}")
            u.tasks.add(replace(t, status="done" if k % 3 == 0 else "todo",
                                completed=START + timedelta(days=k % 60) if k % 3 == 0 else None))
        for k in range(20_000):
            s = START + timedelta(minutes=30 * k)
            u.tasks.add_entry(TimeEntry(s, s + timedelta(minutes=25), task_id=1 + k % 2000,
                                        source="manual"))
        u.commit()
    engine.dispose()


def timed(*args: str) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MiB) of one tracker-desktop process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([str(TOOL), *args], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "TZ": "UTC", "QT_QPA_PLATFORM": "offscreen"})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=300_000)
    args = ap.parse_args()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    src, dst = OUT / "src", OUT / "dst"
    t0 = time.perf_counter()
    fill(src, args.events)
    print(f"filled {args.events:,} events, 2,000 tasks, 20,000 entries in "
          f"{time.perf_counter() - t0:.1f} s")
    os.environ["XDG_CONFIG_HOME"] = str(OUT / "config")
    rows = [
        ("export json", ("--data-dir", str(src), "export", "--format", "json", "--out",
                         str(OUT / "dump.json")), OUT / "dump.json"),
        ("export csv (zip)", ("--data-dir", str(src), "export", "--format", "csv", "--out",
                              str(OUT / "dump.zip")), OUT / "dump.zip"),
        ("import native", ("--data-dir", str(dst), "import", "--format", "native",
                           str(OUT / "dump.json")), None),
        ("export pdf (a week)", ("--data-dir", str(src), "export", "--format", "pdf", "--out",
                                 str(OUT / "week.pdf"), "--start", "2026-01-05", "--end",
                                 "2026-01-11"), OUT / "week.pdf"),
    ]
    print("| command | wall s | CPU s | peak RSS MiB (max so far) | file |")
    print("|---|---|---|---|---|")
    for name, argv, out in rows:
        wall, cpu, rss = timed(*argv)
        size = "–" if out is None else (f"{out.stat().st_size / 2**20:.1f} MiB"
                                        if out.stat().st_size > 2**20
                                        else f"{out.stat().st_size / 1024:.0f} KiB")
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {size} |")


if __name__ == "__main__":
    main()
