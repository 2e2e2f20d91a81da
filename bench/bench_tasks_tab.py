"""The dashboard's Tasks tab read and the tray's task-timer poll on a large task list.

Writes N tasks and M finished timer entries (spread over the year before NOW, one a running
timer) into a fresh tracker database, then times, on the real SQLite store:
- `fetch_tasks` + `tasks_view` (what the Tasks tab runs on its worker when shown, on each
  filter change and on the live refresh: the filtered list, every task for the project list,
  the all-time task analytics, the running timer);
- `timer_snapshot` (what the tray reads every 2 s on its query thread).
Median (min, max) of --runs after one warm-up.

    .venv/bin/python bench/bench_tasks_tab.py                      # 1,000 tasks, 20,000 entries
    .venv/bin/python bench/bench_tasks_tab.py --tasks 200 --entries 2000
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 1, 9, 17, 0, tzinfo=timezone.utc)


def timed(fn, runs: int) -> tuple[float, float, float]:
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=1000)
    ap.add_argument("--entries", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()

    import msgspec

    from tracker_desktop.app import build_app
    from tracker_desktop.config import AnalysisSettings, Settings
    from tracker_desktop.domain.clock import FakeClock
    from tracker_desktop.domain.tasks import Task, TimeEntry
    from ui.dashboard.tabs_model import TaskFilter, fetch_tasks, tasks_view
    from ui.tray_model import timer_snapshot

    rnd = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        settings = msgspec.structs.replace(Settings(analysis=AnalysisSettings(timezone="UTC")),
                                           data_dir=Path(tmp))
        app = build_app(settings, FakeClock(NOW))
        t0 = time.perf_counter()
        with app.store.uow(write=True) as u:
            ids = []
            for i in range(args.tasks):
                created = NOW - timedelta(days=rnd.uniform(1, 365))
                ids.append(u.tasks.add(Task(
                    f"Task {i}: {rnd.choice(['write', 'review', 'fix', 'plan'])} something",
                    created, created, status=rnd.choice(["todo", "in_progress", "done", "archived"]),
                    priority=rnd.choice(["low", "medium", "high", "urgent"]),
                    estimate_hours=rnd.choice([None, 1.0, 2.0, 4.0]),
                    project=rnd.choice(["tracker", "web", "admin", None]))))
            start = NOW - timedelta(days=365)
            step = timedelta(days=365) / args.entries
            for k in range(args.entries):
                s = start + step * k
                u.tasks.add_entry(TimeEntry(s, s + step * 0.8, rnd.choice(ids)))
            u.tasks.add_entry(TimeEntry(NOW - timedelta(minutes=30), None, ids[0]))
            u.commit()
        print(f"data: {args.tasks} tasks, {args.entries + 1} entries "
              f"(written in {time.perf_counter() - t0:.1f} s)")
        tab = timed(lambda: tasks_view(fetch_tasks(app, TaskFilter(), NOW.date())), args.runs)
        searched = timed(lambda: tasks_view(fetch_tasks(app, TaskFilter(search="review"),
                                                        NOW.date())), args.runs)
        poll = timed(lambda: timer_snapshot(app.tasks), args.runs)
        for name, (med, lo, hi) in (("Tasks tab read (all open tasks)", tab),
                                    ("Tasks tab read (search)", searched),
                                    ("tray timer poll", poll)):
            print(f"{name}: {med:.1f} ms median ({lo:.1f}, {hi:.1f})")
        app.close()


if __name__ == "__main__":
    main()
