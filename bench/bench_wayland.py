"""The Wayland (sway) collectors on a real headless sway: what a poll costs, how soon a switch is
noticed, and what `tracker-desktop run --headless` costs in CPU and memory there.

Starts its own headless sway (as the unprivileged test user when run as root, like tests/wayland)
with three foot windows, then:
  1. SwayWindowProbe.active_window() (one get_tree round trip + finding the focused node): median
     and p90 of 500 calls;
  2. switch → watcher callback: the time from sending sway a `focus` command to the window
     event reaching SwaySwitchWatcher's callback, median and p90 of 40 switches;
  3. the tracker for --seconds (default 60): focus moves every 5 s and a key is typed every 2 s
     (so swayidle's 1 s idle/resume notifications fire all the time: the worst case for it);
     CPU time and RSS of the tracker and its children (swayidle and its `sh -c echo`s).

    .venv/bin/python bench/bench_wayland.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import machine  # noqa: E402
from tests.wayland.desktop import start_desktop  # noqa: E402
from tests.wayland.tracker_proc import SwayRun  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    from collectors.sway import RUN_COMMAND, I3Ipc, SwaySwitchWatcher, SwayWindowProbe

    sway = start_desktop()
    try:
        windows = [sway.open_foot(f"bench-{i}", f"Bench window {i}") for i in range(3)]
        sway.focus(windows[0])
        probe = SwayWindowProbe(sway.swaysock)
        for _ in range(20):
            probe.active_window()
        reads = []
        for _ in range(500):
            t = time.perf_counter()
            probe.active_window()
            reads.append((time.perf_counter() - t) * 1000)
        probe.close()

        seen = threading.Event()
        stamp: list[float] = []

        def on_change() -> None:
            stamp.append(time.perf_counter())
            seen.set()

        watcher = SwaySwitchWatcher(sway.swaysock)
        watcher.start(on_change)
        ipc = I3Ipc(sway.swaysock)
        latencies = []
        for i in range(40):
            target = windows[(i + 1) % 3]
            seen.clear()
            stamp.clear()
            t = time.perf_counter()
            ipc.request(RUN_COMMAND, f"[con_id={target.con_id}] focus")
            assert seen.wait(2), "no window event"
            latencies.append((stamp[0] - t) * 1000)
            time.sleep(0.05)
        watcher.stop()
        ipc.close()

        run = SwayRun(sway, "bench")
        run.start(1.0, afk_timeout=180)
        run.wait_ready(windows[(40) % 3].title)
        proc = psutil.Process(run.proc.pid)

        def tree_cpu() -> float:
            total = 0.0
            for p in [proc, *proc.children(recursive=True)]:
                try:
                    c = p.cpu_times()
                    total += c.user + c.system + c.children_user + c.children_system
                except psutil.Error:
                    pass
            return total

        def tree_rss() -> float:
            rss = 0
            for p in [proc, *proc.children(recursive=True)]:
                try:
                    rss += p.memory_info().rss
                except psutil.Error:
                    pass
            return rss / 1e6

        cpu0, t0 = tree_cpu(), time.monotonic()
        rss_max, i = 0.0, 0
        while time.monotonic() - t0 < args.seconds:
            if i % 5 == 0:
                sway.focus(windows[(i // 5) % 3])
            if i % 2 == 0:
                sway.type_text("k")
            rss_max = max(rss_max, tree_rss())
            time.sleep(1.0)
            i += 1
        cpu = tree_cpu() - cpu0
        wall = time.monotonic() - t0
        run.stop()
        events = run.window_events()
    finally:
        sway.stop()

    print(f"machine: {machine()}")
    print(f"sway probe active_window(): median {statistics.median(reads):.3f} ms, "
          f"p90 {pct(reads, 0.9):.3f} ms (500 calls, 3 windows)")
    print(f"switch -> watcher callback: median {statistics.median(latencies):.2f} ms, "
          f"p90 {pct(latencies, 0.9):.2f} ms (40 switches)")
    print(f"run --headless in sway, {wall:.0f} s (poll 1 s, focus every 5 s, a key every 2 s): "
          f"CPU {100 * cpu / wall:.2f} % of one core (tracker + swayidle + its sh), "
          f"max RSS {rss_max:.1f} MB; {len(events)} window events")


if __name__ == "__main__":
    main()
