"""Memory and CPU of the tray app (`tracker-desktop run`) on a real X11 desktop with a tray, alone
and with the dashboard open.

Starts its own Xvfb + openbox + trayer (tests/x11/desktop.py), then `tracker-desktop run` on a
temporary data dir; waits for the icon to be embedded in trayer's panel, samples RSS and CPU
every second for --seconds, then launches `tracker-desktop run` a second time (it hands
{"open": "dashboard"} to the first and exits 0), samples again for --seconds with the dashboard
open, and stops the tray with SIGTERM (exit code must be 0).

    .venv/bin/python bench/bench_tray.py                 # 60 s each
    .venv/bin/python bench/bench_tray.py --seconds 20
    # a year of data: a copy of bench_dashboard.py's database, the dashboard on its last day
    # (`tracker-desktop dashboard --date` hands it to the tray the same way)
    .venv/bin/python bench/bench_tray.py --copy-db bench/out/dashboard/tracker.sqlite3 --date 2025-12-31

Target (issue 8): tray + open dashboard <= 200 MB RSS.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from common import machine  # noqa: E402
from tests.x11.desktop import X11Desktop, wait_until  # noqa: E402

TRACKER = Path(sys.executable).parent / "tracker-desktop"
RSS_TARGET = 200.0  # MB, tray + open dashboard


def tray_owned(display: str) -> bool:
    from Xlib.display import Display

    dpy = Display(display)
    try:
        owner = dpy.get_selection_owner(dpy.intern_atom("_NET_SYSTEM_TRAY_S0"))
        return bool(owner) and getattr(owner, "id", owner) != 0
    finally:
        dpy.close()


def embedded(display: str) -> bool:
    out = subprocess.run(["xwininfo", "-root", "-tree"], env=dict(os.environ, DISPLAY=display),
                         capture_output=True, text=True).stdout
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if '"panel": ("panel" "trayer")' in line:
            return any('"tracker-desktop"' in l for l in lines[i + 1:i + 6])
    return False


def sample(proc: psutil.Process, seconds: float) -> tuple[list[float], float]:
    rss: list[float] = []
    cpu0 = sum(proc.cpu_times()[:2])
    for _ in range(int(seconds)):
        rss.append(proc.memory_info().rss / 2**20)
        time.sleep(1)
    return rss, sum(proc.cpu_times()[:2]) - cpu0


def rss_by_mapping(pid: int) -> dict[str, float]:
    """RSS per mapped file (anonymous memory and the heap under their own names), in MB."""
    out: dict[str, float] = {}
    name = "[anon]"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split()
        if "-" in head[0] and len(head) >= 5 and ":" in head[3]:
            name = Path(head[5]).name if len(head) > 5 else "[anon]"
        elif head[0] == "Rss:":
            out[name] = out.get(name, 0.0) + int(head[1]) / 1024
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--fresh", action="store_true", help="start on an empty data dir")
    ap.add_argument("--copy-db", type=Path, metavar="SQLITE",
                    help="start on a copy of this database (e.g. bench_dashboard.py's year)")
    ap.add_argument("--maps", action="store_true",
                    help="also print the largest mappings of the tray's RSS, alone and with the "
                         "dashboard open")
    ap.add_argument("--date", metavar="YYYY-MM-DD",
                    help="open the dashboard on this day (`dashboard --date`, handed to the tray)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        desktop = X11Desktop(tmp).start()
        env = desktop.env(XDG_CONFIG_HOME=str(tmp / "config"), TRACKER_LOG_DIR=str(tmp / "logs"),
                          QT_QPA_PLATFORM="xcb")
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        env.update(dict(kv.split("=", 1) for kv in os.environ.get("BENCH_TRAY_ENV", "").split() if kv))
        trayer = subprocess.Popen(["trayer", "--edge", "top", "--align", "right", "--widthtype",
                                   "request", "--height", "28", "--SetDockType", "true"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tray = None
        try:
            wait_until(lambda: tray_owned(desktop.display), 15, "trayer")
            data = tmp / "data"
            if args.copy_db:
                import shutil

                data.mkdir(mode=0o700)
                shutil.copyfile(args.copy_db, data / "tracker.sqlite3")
                (tmp / "config").mkdir()
                (tmp / "config" / "tracker-desktop").mkdir()
                # bench_dashboard.py's year is laid out in UTC days
                (tmp / "config" / "tracker-desktop" / "config.toml").write_text(
                    '[analysis]\ntimezone = "UTC"\n')
            elif not args.fresh:
                # The everyday case: the database exists and is current (a fresh one is migrated
                # at start-up, which imports Alembic: ~17 MB more).
                subprocess.run([str(TRACKER), "--data-dir", str(data), "pause", "--minutes", "0.01"],
                               env=env, check=True, capture_output=True)
            started = time.monotonic()
            tray = subprocess.Popen([str(TRACKER), "--data-dir", str(data), "run"], env=env,
                                    stdout=subprocess.DEVNULL, stderr=open(tmp / "tray.log", "wb"))
            wait_until(lambda: embedded(desktop.display), 60, "the tray icon")
            to_icon = time.monotonic() - started
            proc = psutil.Process(tray.pid)
            time.sleep(3)
            alone, cpu_alone = sample(proc, args.seconds)
            maps_alone = rss_by_mapping(tray.pid) if args.maps else {}
            t0 = time.monotonic()
            verb = ["dashboard", "--date", args.date] if args.date else ["run"]
            second = subprocess.run([str(TRACKER), "--data-dir", str(data), *verb], env=env,
                                    capture_output=True, text=True, timeout=60)
            assert second.returncode == 0, second.stderr
            wait_until(lambda: "Activity dashboard" in subprocess.run(
                ["xwininfo", "-root", "-tree"], env=env, capture_output=True, text=True).stdout,
                60, "the dashboard window")
            to_dashboard = time.monotonic() - t0
            time.sleep(3)
            both, cpu_both = sample(proc, args.seconds)
            maps_both = rss_by_mapping(tray.pid) if args.maps else {}
            tray.send_signal(signal.SIGTERM)
            code = tray.wait(60)
        finally:
            if tray is not None and tray.poll() is None:
                tray.kill()
            trayer.terminate()
            desktop.stop()
    print(f"machine: {machine()}")
    print(f"start to icon embedded: {to_icon:.2f} s; second launch to dashboard shown: "
          f"{to_dashboard:.2f} s")
    print(f"tray alone ({args.seconds:.0f} s): RSS peak {max(alone):.1f} MB, mean "
          f"{sum(alone) / len(alone):.1f} MB; CPU {cpu_alone:.2f} s = "
          f"{100 * cpu_alone / args.seconds:.2f} % of one core")
    print(f"tray + dashboard open ({args.seconds:.0f} s): RSS peak {max(both):.1f} MB "
          f"(target <= {RSS_TARGET:.0f} MB: {'met' if max(both) <= RSS_TARGET else 'MISSED'}), "
          f"mean {sum(both) / len(both):.1f} MB; CPU {cpu_both:.2f} s = "
          f"{100 * cpu_both / args.seconds:.2f} %")
    if args.maps:
        print("largest mappings (RSS MB): tray alone -> with the dashboard open")
        for name in sorted(maps_both, key=lambda n: -maps_both[n])[:25]:
            print(f"  {maps_alone.get(name, 0):7.1f} -> {maps_both[name]:7.1f}  {name}")
    print(f"exit code after SIGTERM: {code}")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
