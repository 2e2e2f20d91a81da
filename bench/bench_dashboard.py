"""The dashboard on a year of data: time to open (build + first full render) and the RSS of a
process holding the tray app's services and an open dashboard (targets: <= 1 s, <= 200 MB).

1. A gappy year (bench/gappy_year_data.py, ~1.2M rows) is written into a fresh database and its
   rollups rebuilt, as a tracker that has been running keeps them.
2. Each run is a fresh process (`--child`), offscreen: it imports the app, builds the App and the
   tracker's services (writer, scheduler, tracking service: what the tray app runs, without the
   icon), then times `build_dashboard` + the first snapshot on the worker thread + the first
   render (`open_ms`), on today (the year's last day), then a week and a month, and reports its
   RSS with the window open. `process_ms` is the same from process start (imports included).

    .venv/bin/python bench/bench_dashboard.py            # generate (a minute or two), 5 runs
    .venv/bin/python bench/bench_dashboard.py --reuse    # keep bench/out/dashboard/ if there
    .venv/bin/python bench/bench_dashboard.py --screenshots docs/img   # the docs' pictures
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

T_START = time.perf_counter()
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

START = date(2025, 1, 1)
DAYS = 365
LAST = START + timedelta(days=DAYS - 1)


def _settings(data_dir: Path):  # type: ignore[no-untyped-def]
    import msgspec

    from tracker_desktop.config import AnalysisSettings, Settings

    return msgspec.structs.replace(Settings(analysis=AnalysisSettings(timezone="UTC")),
                                   data_dir=data_dir)


def _now() -> datetime:
    return datetime.combine(LAST, datetime.min.time(), tzinfo=timezone.utc).replace(hour=22)


def prepare(data_dir: Path, reuse: bool) -> None:
    from tracker_desktop.app import build_app
    from tracker_desktop.domain.clock import FakeClock

    db = data_dir / "tracker.sqlite3"
    if reuse and db.exists():
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    for f in data_dir.glob("tracker.sqlite3*"):
        f.unlink()
    settings = _settings(data_dir)
    build_app(settings, FakeClock(_now())).close()
    import gappy_year_data

    t = time.perf_counter()
    counts = gappy_year_data.generate(db, days=DAYS, start=START)
    print(f"generated {counts.total:,} events in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    app = build_app(settings, FakeClock(_now()))
    t = time.perf_counter()
    app.rollups.rebuild()
    app.close()
    print(f"rollups rebuilt in {time.perf_counter() - t:.0f} s", file=sys.stderr)


def _rss() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def child(data_dir: Path) -> dict:
    """One process as the tray app is when a person opens the dashboard: Qt started, a tray
    menu shown (fonts loaded), the tracker's services running; then the dashboard is opened on
    today (importing it, as the tray does on first use), closed and opened again."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from ui.pyside_hook import import_pyside

    import_pyside()  # as `tracker-desktop run` does first
    from PySide6.QtWidgets import QApplication, QMenu

    from tracker_desktop.app import build_app, build_tracker
    from tracker_desktop.domain.clock import FakeClock

    out: dict = {}
    qapp = QApplication([])
    menu = QMenu()
    for text in ("Start focus session", "Pause tracking for 15 min", "Open dashboard", "Quit"):
        menu.addAction(text)
    menu.adjustSize()
    clock = FakeClock(_now())
    app = build_app(_settings(data_dir), clock, create=False)
    tracker = build_tracker(app, headless=False)
    tracker.writer.start()  # type: ignore[union-attr]
    tracker.scheduler.start()
    out["tray_rss_mb"] = _rss()

    def open_once() -> tuple[float, object]:
        t0 = time.perf_counter()
        from ui.dashboard import build_dashboard

        window = build_dashboard(app, clock, period="day", day=LAST, theme="light")
        window.resize(1440, 940)
        window.show()
        window.vm.load()
        window.vm.worker.wait(60_000)
        qapp.processEvents()
        return (time.perf_counter() - t0) * 1000, window

    out["open_ms"], window = open_once()
    out["process_ms"] = (time.perf_counter() - T_START) * 1000
    for kind in ("week", "month"):
        t = time.perf_counter()
        window.vm.set_kind(kind)  # type: ignore[attr-defined]
        window.vm.worker.wait(60_000)  # type: ignore[attr-defined]
        qapp.processEvents()
        out[f"{kind}_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    window.refresh_timer.timeout.emit()  # type: ignore[attr-defined]  # nothing new: one pragma
    window.vm.worker.wait(60_000)  # type: ignore[attr-defined]
    qapp.processEvents()
    out["idle_refresh_ms"] = (time.perf_counter() - t) * 1000
    out["rss_mb"] = _rss()
    out["window_blocks"] = len(window.timeline.rows[0].starts)  # type: ignore[attr-defined]
    window.close()  # type: ignore[attr-defined]
    window.deleteLater()  # type: ignore[attr-defined]
    # The deletion runs when control returns to an event loop, as in the tray; processEvents()
    # alone leaves it pending, and the old window would be measured beside the new one.
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    del window
    qapp.processEvents()
    out["reopen_ms"], window = open_once()
    out["rss_reopened_mb"] = _rss()
    window.close()  # type: ignore[attr-defined]
    tracker.shutdown()
    app.close()
    return out


def screenshots(target: Path) -> None:
    """The docs' pictures: twelve weeks of realistic activity (bench/year_data.py) with a few
    focus sessions on the last day, rendered by `dashboard --screenshot` in both themes."""
    import tempfile

    from tracker_desktop.app import build_app
    from tracker_desktop.domain.clock import FakeClock

    import year_data

    last = date(2026, 3, 27)  # a Friday
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        settings = _settings(data_dir)
        noon = datetime.combine(last, datetime.min.time(), tzinfo=timezone.utc)
        build_app(settings, FakeClock(noon)).close()
        year_data.generate(settings.db_path, days=84, start=last - timedelta(days=83))
        clock = FakeClock(noon.replace(hour=9, minute=5))
        app = build_app(settings, clock)
        for minutes, context in ((50, "tracker: dashboard"), (25, "code review"), (55, "docs")):
            app.focus.start(context=context)
            clock.advance(minutes * 60)
            app.focus.stop(score=4)
            clock.advance(60 * 60)
        app.rollups.rebuild()
        app.close()
        config = Path(tmp) / "config.toml"
        config.write_text('[analysis]\ntimezone = "UTC"\n')
        target.mkdir(parents=True, exist_ok=True)
        for theme in ("light", "dark"):
            subprocess.run([str(ROOT / ".venv" / "bin" / "tracker-desktop"), "--data-dir",
                            str(data_dir), "--config", str(config), "dashboard", "--date",
                            last.isoformat(), "--screenshot", str(target / f"dashboard-{theme}.png"),
                            "--theme", theme], check=True)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--reuse", action="store_true")
    p.add_argument("--child", metavar="DATA_DIR")
    p.add_argument("--screenshots", metavar="DIR", type=Path)
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child))))
        return 0
    if args.screenshots:
        screenshots(args.screenshots)
        return 0
    data_dir = HERE / "out" / "dashboard"
    prepare(data_dir, args.reuse)
    runs = []
    for _ in range(args.runs):
        proc = subprocess.run([sys.executable, __file__, "--child", str(data_dir)],
                              capture_output=True, text=True, check=True)
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    keys = ["open_ms", "reopen_ms", "process_ms", "week_ms", "month_ms", "idle_refresh_ms",
            "tray_rss_mb", "rss_mb", "rss_reopened_mb"]
    summary = {k: {"median": round(statistics.median(r[k] for r in runs), 1),
                   "max": round(max(r[k] for r in runs), 1)} for k in keys}
    summary["window_blocks"] = runs[0]["window_blocks"]
    summary["runs"] = len(runs)
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
