"""CPU and memory of `tracker-desktop run --headless` tracking a real X11 desktop for a few minutes.

Starts its own Xvfb (+extension RECORD, -displayfd) and openbox, two Tk windows of different apps,
then the tracker on a temporary data dir. xdotool switches the active window every ~10 s and
types into it; psutil samples the tracker's CPU time and RSS (children included) every second.
At the end the tracker gets SIGTERM and must exit 0, and what it recorded is checked.

    .venv/bin/python bench/bench_run_headless.py                  # 3 minutes
    .venv/bin/python bench/bench_run_headless.py --minutes 1 --py-spy out.svg

Targets: <= 0.5 % of one core on average, <= 80 MB RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import machine  # noqa: E402

VENV_BIN = Path(sys.executable).parent
TRACKER = VENV_BIN / "tracker-desktop"
CPU_TARGET = 0.5  # % of one core
RSS_TARGET = 80.0  # MB

# Two windows of two different apps (WM_CLASS), each with a text box to type into.
TK_WINDOW = r"""
import sys, tkinter as tk
root = tk.Tk(className=sys.argv[1])
root.title(sys.argv[2])
root.geometry("640x400+%s+40" % sys.argv[3])
text = tk.Text(root)
text.pack(fill="both", expand=True)
text.focus_set()
root.mainloop()
"""


def start_xvfb(tmp: Path) -> tuple[subprocess.Popen, str]:
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1600x900x24", "-nolisten", "tcp",
         "+extension", "RECORD", "+extension", "XTEST"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=open(tmp / "xvfb.log", "wb"))
    os.close(write_fd)
    with os.fdopen(read_fd) as r:
        number = r.readline().strip()
    if not number:
        raise SystemExit("Xvfb did not start: see " + str(tmp / "xvfb.log"))
    return xvfb, f":{number}"


def wait_for(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def xdotool(env: dict, *args: str) -> str:
    return subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True,
                          timeout=20).stdout.strip()


def wm_running(env: dict) -> bool:
    out = subprocess.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=env,
                         capture_output=True, text=True).stdout
    return "window id" in out


def tree_usage(proc: psutil.Process) -> tuple[float, float, int]:
    """(CPU seconds, RSS bytes, process count) of `proc` and its descendants."""
    procs = [proc]
    try:
        procs += proc.children(recursive=True)
    except psutil.NoSuchProcess:
        pass
    cpu = rss = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            cpu += t.user + t.system + getattr(t, "children_user", 0) + getattr(t, "children_system", 0)
            rss += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return cpu, rss, len(procs)


def main() -> int:
    parser = argparse.ArgumentParser(description="CPU and RSS of tracker-desktop run --headless.")
    parser.add_argument("--minutes", type=float, default=3.0, help="measured tracking time")
    parser.add_argument("--warmup", type=float, default=10.0,
                        help="seconds after start excluded from the steady-state average")
    parser.add_argument("--switch-every", type=float, default=10.0)
    parser.add_argument("--keys-per-second", type=float, default=None,
                        help="type this fast between switches (default: 20 characters per switch)")
    parser.add_argument("--py-spy", metavar="OUT",
                        help="also record a py-spy profile of the tracker (needs py-spy in the "
                             "venv; OUT ending in .svg = flame graph, .txt = collapsed stacks, else "
                             "speedscope JSON)")
    parser.add_argument("--py-spy-rate", type=int, default=100, help="py-spy samples per second")
    parser.add_argument("--fresh", action="store_true",
                        help="start on an empty data dir (first run: migrations run in the "
                             "tracker); default: the database is created beforehand")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()

    for tool in ("Xvfb", "openbox", "xdotool", "xprop"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (apt-get install xvfb openbox xdotool "
                             "x11-utils)")
    print(f"machine: {machine()}")
    print(f"date:    {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")

    tmp = Path(tempfile.mkdtemp(prefix="bench-headless-"))
    started: list[subprocess.Popen] = []
    ok = True
    try:
        xvfb, display = start_xvfb(tmp)
        started.append(xvfb)
        env = dict(os.environ, DISPLAY=display)
        env.pop("WAYLAND_DISPLAY", None)
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[var] = str(tmp / var.lower())
        env["TRACKER_LOG_DIR"] = str(tmp / "logs")
        env.pop("TRACKER_CONFIG", None)
        env.pop("TRACKER_DATA_DIR", None)
        started.append(subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL,
                                        stderr=open(tmp / "openbox.log", "wb")))
        wait_for(lambda: wm_running(env), 20, "openbox")

        windows = {}
        for cls, title, x in (("bench-editor", "notes.txt - Bench Editor", 40),
                              ("bench-browser", "Docs - Bench Browser", 760)):
            # A differently named link to Python, so the two windows belong to two "apps".
            exe = tmp / cls
            exe.symlink_to(Path(sys.executable).resolve())
            started.append(subprocess.Popen([str(exe), "-c", TK_WINDOW, cls, title, str(x)],
                                            env=env))
            wait_for(lambda t=title: xdotool(env, "search", "--name", t) != "", 20, title)
            windows[title] = xdotool(env, "search", "--name", title).split()[0]
        titles = list(windows)
        xdotool(env, "windowactivate", "--sync", windows[titles[0]])

        data_dir = tmp / "data"
        if not args.fresh:
            # The everyday case: the database exists and is migrated already (`resume` is a verb
            # that may create it; reading verbs never do).
            subprocess.run([str(TRACKER), "--data-dir", str(data_dir), "resume"], env=env,
                           check=True, capture_output=True)
        tracker = subprocess.Popen(
            [str(TRACKER), "--data-dir", str(data_dir), "run", "--headless"],
            env=env, stdout=open(tmp / "tracker.out", "wb"), stderr=open(tmp / "tracker.err", "wb"))
        started.append(tracker)
        proc = psutil.Process(tracker.pid)
        spy = None
        if args.py_spy:
            py_spy = shutil.which("py-spy", path=str(VENV_BIN)) or shutil.which("py-spy")
            if not py_spy:
                raise SystemExit("py-spy not found: .venv/bin/pip install py-spy")
            fmt = ("flamegraph" if args.py_spy.endswith(".svg")
                   else "raw" if args.py_spy.endswith(".txt") else "speedscope")
            spy = subprocess.Popen([py_spy, "record", "--pid", str(tracker.pid), "--rate", str(args.py_spy_rate),
                                    "--format", fmt, "--output", args.py_spy, "--nonblocking"],
                                   stdout=subprocess.DEVNULL, stderr=open(tmp / "py-spy.log", "wb"))

        t0 = time.monotonic()
        samples: list[tuple[float, float, float, int]] = []  # (t, cpu s, rss bytes, nprocs)
        duration = args.minutes * 60
        next_switch = t0 + 2.0
        current = 0
        typed = 0
        while True:
            now = time.monotonic()
            if tracker.poll() is not None:
                print(f"!! tracker exited early with {tracker.returncode}; see {tmp}/tracker.err")
                ok = False
                break
            cpu, rss, nprocs = tree_usage(proc)
            samples.append((now - t0, cpu, rss, nprocs))
            if now - t0 >= duration:
                break
            if now >= next_switch:
                current = 1 - current
                xdotool(env, "windowactivate", "--sync", windows[titles[current]])
                # Some typing in the newly active window (XTEST: seen by the RECORD listener).
                if args.keys_per_second:
                    n = max(1, round(args.keys_per_second * args.switch_every))
                    delay = int(1000 * args.switch_every * 0.75 / n)
                    text = ("abcdefghij" * (n // 10 + 1))[:n]
                else:
                    delay, text = 60, "the quick brown fox "
                xdotool(env, "type", "--delay", str(delay), text)
                typed += len(text)
                next_switch = now + args.switch_every
            time.sleep(max(0.0, 1.0 - (time.monotonic() - now)))

        uss_mb = None
        try:  # unique set size: what the tracker alone costs (RSS counts shared libraries too)
            uss_mb = proc.memory_full_info().uss / 1e6
        except (psutil.Error, AttributeError):
            pass
        exit_code = None
        if tracker.poll() is None:
            tracker.send_signal(signal.SIGTERM)
            try:
                exit_code = tracker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                print("!! tracker did not exit within 30 s of SIGTERM")
                tracker.kill()
                ok = False
        else:
            exit_code = tracker.returncode
        if spy is not None:
            spy.wait(timeout=60)

        # Figures.
        steady = [s for s in samples if s[0] >= args.warmup]
        if len(steady) < 2:
            steady = samples
        wall = steady[-1][0] - steady[0][0]
        cpu_pct = (steady[-1][1] - steady[0][1]) / wall * 100 if wall > 0 else float("nan")
        total_pct = samples[-1][1] / samples[-1][0] * 100 if samples[-1][0] > 0 else float("nan")
        rss_mb = [s[2] / 1e6 for s in samples]
        rss_steady = [s[2] / 1e6 for s in steady]
        print(f"tracked {samples[-1][0]:.0f} s ({len(samples)} samples), "
              f"{typed} characters typed, window switched every {args.switch_every:.0f} s")
        print(f"CPU steady state (after {args.warmup:.0f} s): {cpu_pct:.3f} % of one core "
              f"(target <= {CPU_TARGET} %: {'met' if cpu_pct <= CPU_TARGET else 'NOT MET'})")
        print(f"CPU including start-up: {samples[-1][1]:.2f} s of CPU in {samples[-1][0]:.0f} s "
              f"= {total_pct:.3f} %")
        print(f"RSS: peak {max(rss_mb):.1f} MB, mean {sum(rss_steady) / len(rss_steady):.1f} MB "
              f"(target <= {RSS_TARGET:.0f} MB: {'met' if max(rss_mb) <= RSS_TARGET else 'NOT MET'})"
              + (f"; USS at the end {uss_mb:.1f} MB" if uss_mb is not None else "")
              + f"; processes in the tree: {max(s[3] for s in samples)}")
        print(f"exit code after SIGTERM: {exit_code}")
        ok = ok and exit_code == 0

        # What it recorded: window events for both apps, with typed keys counted.
        out = subprocess.run([str(TRACKER), "--data-dir", str(data_dir), "events", "--all",
                              "--json"], env=env, capture_output=True, text=True)
        events = json.loads(out.stdout) if out.returncode == 0 and out.stdout.strip() else []
        by_source: dict[str, int] = {}
        for e in events:
            by_source[e["source"]] = by_source.get(e["source"], 0) + 1
        apps = {e["data"].get("app") for e in events if e["source"] == "window"}
        seen_titles = {e["data"].get("title") for e in events if e["source"] == "window"}
        keys = sum((e.get("counts") or {}).get("keys", 0) for e in events if e["source"] == "window")
        print(f"recorded: {by_source}; window apps {sorted(a for a in apps if a)}; "
              f"{keys} keys counted on window events")
        # How long the polls took (the tracker's own figures, in its last published status).
        with sqlite3.connect(data_dir / "tracker.sqlite3") as conn:
            row = conn.execute("SELECT value FROM state WHERE key = 'tracker'").fetchone()
        ticks = json.loads(row[0]).get("ticks") if row else None
        print(f"ticks: {ticks}")
        if not set(titles) <= seen_titles:
            print(f"!! expected window events for both windows, got titles {seen_titles}")
            ok = False
        if args.py_spy:
            print(f"py-spy profile: {args.py_spy}")
        if args.json:
            print(json.dumps({"cpu_pct": cpu_pct, "cpu_pct_with_startup": total_pct,
                              "rss_peak_mb": max(rss_mb),
                              "rss_mean_mb": sum(rss_steady) / len(rss_steady), "uss_mb": uss_mb,
                              "exit_code": exit_code, "events": by_source, "keys": keys}))
    finally:
        for p in reversed(started):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        if args.keep or not ok:
            print(f"files kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
