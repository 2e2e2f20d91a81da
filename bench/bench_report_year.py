"""Reports over a year: day / week / month / year report times after rollups, the rebuild time,
and ActivityWatch's own query on the same data, in the same run.

1. A synthetic year (bench/year_data.py: ~545k window events plus AFK, browser and editor events,
   ~890k rows) is written into a fresh tracker database (time zone Europe/Berlin, DST included).
2. `RollupService.rebuild()` computes every day's rollup from the raw events (timed, with a bar).
3. `ReportService.report()` for a day, its ISO week, its month and the whole year, each timed over
   --runs runs after one warm-up, a fresh RollupService per run (as each CLI call makes one).
   Also timed: the same day and week computed from raw events (no rollups), and a day report
   right after new events marked that day dirty (what "today" costs while tracking runs).
4. The whole process: `tracker-desktop report --start … --end … --json` for the year (and the
   day), wall time, output size and peak RSS of the child process.
5. bench/aw_report_query.py, in .venv-aw, loads the same rows into aw-server's peewee datastore
   and times aw_query.query2.query with aw-webui's fullDesktopQuery for the same day/week/year.

`--data gappy` uses bench/gappy_year_data.py instead: window events of a few seconds with holes of
a few seconds between them, and browser-only days (issue 6, item 4).

    .venv/bin/python bench/bench_report_year.py               # the full run, a few minutes
    .venv/bin/python bench/bench_report_year.py --no-aw       # ours only
    .venv/bin/python bench/bench_report_year.py --reuse       # keep bench/out/<data>/ if there
    .venv/bin/python bench/bench_report_year.py --data gappy --no-aw --reuse
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

AW_PYTHON = ROOT / ".venv-aw" / "bin" / "python"
TARGETS_MS = {"day": 20.0, "week": 50.0, "year": 150.0}
GENERATORS = {"realistic": ("year_data", 1), "gappy": ("gappy_year_data", 1)}


def _json(report: object) -> dict:
    """The report as `report --json` prints it (a dataclass with to_json(), or a plain dict)."""
    to_json = getattr(report, "to_json", None)
    return to_json() if to_json is not None else report  # type: ignore[return-value]


def _cli(args: list[str], env: dict[str, str]) -> dict:
    """One `tracker-desktop …` process: wall time, output bytes and the child's peak RSS."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "tracker-desktop"), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(err.decode(errors="replace")[-2000:])
    return {"wall_s": wall, "bytes": len(out)}


def _cli_rss(args: list[str], env: dict[str, str]) -> int:
    """Peak RSS (kB) of one `tracker-desktop …` process, from wait4's rusage (RUSAGE_CHILDREN
    would give the maximum over every child this benchmark started)."""
    pid = os.fork()
    if pid == 0:  # the child: exec the CLI with its output thrown away
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        exe = str(ROOT / ".venv" / "bin" / "tracker-desktop")
        os.execve(exe, [exe, *args], env)
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"tracker-desktop {' '.join(args)} failed")
    return usage.ru_maxrss


def _stats(times: list[float]) -> dict:
    ms = sorted(t * 1000 for t in times)
    return {"median_ms": statistics.median(ms), "min_ms": ms[0],
            "p90_ms": ms[min(len(ms) - 1, int(len(ms) * 0.9))], "runs": len(ms)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", choices=sorted(GENERATORS), default="realistic",
                        help="realistic (bench/year_data.py) or gappy (bench/gappy_year_data.py)")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--first", default="2025-01-01", help="first day of the synthetic year")
    parser.add_argument("--tz", default="Europe/Berlin")
    parser.add_argument("--runs", type=int, default=21, help="timed runs per report (ours)")
    parser.add_argument("--aw-runs", default="day=5,week=3,year=1", help="timed runs per range (aw)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--reuse", action="store_true", help="reuse the generated database if present")
    parser.add_argument("--no-aw", action="store_true", help="skip ActivityWatch's query")
    parser.add_argument("--cli-runs", type=int, default=5, help="timed whole-process runs")
    args = parser.parse_args()

    os.environ["TZ"] = args.tz
    time.tzset()
    from zoneinfo import ZoneInfo

    from tqdm import tqdm

    from common import machine
    from storage.engine import open_database
    from storage.uow import SqlUnitOfWorkFactory
    from tracker_desktop.domain.clock import FakeClock
    from tracker_desktop.domain.days import day_period, month_period, range_period, week_period
    from tracker_desktop.services.analysis_setup import build_setup
    from tracker_desktop.services.reports import ReportService
    from tracker_desktop.services.rollups import RollupService
    import importlib

    module, version = GENERATORS[args.data]
    generate = importlib.import_module(module).generate

    tz = ZoneInfo(args.tz)
    first = date.fromisoformat(args.first)
    last = first + timedelta(days=args.days - 1)
    data_dir = args.out / f"year-{args.data}"  # a data dir the CLI can open as it is
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "tracker.sqlite3"
    meta = data_dir / "meta.json"
    params = {"data": args.data, "days": args.days, "first": args.first, "tz": args.tz,
              "generator": version}
    result: dict = {"machine": machine(), "params": params}

    if not (args.reuse and db.exists() and meta.exists() and json.loads(meta.read_text()) == params):
        for p in data_dir.glob("tracker.sqlite3*"):
            p.unlink()
        open_database(db).dispose()
        t0 = time.perf_counter()
        counts = generate(db, days=args.days, start=first, tz=tz)
        meta.write_text(json.dumps(params))
        result["generate_s"] = time.perf_counter() - t0
        print(f"generated {counts.total:,} events ({counts.window:,} window, {counts.afk:,} afk, "
              f"{counts.browser:,} browser, {counts.editor:,} editor) in {result['generate_s']:.1f} s",
              file=sys.stderr)
    engine = open_database(db)
    uow = SqlUnitOfWorkFactory(engine)
    with uow() as u:
        result["events"] = {s: u.events.count(s) for s in u.events.sources()}
    clock = FakeClock(datetime.combine(last + timedelta(days=2), datetime.min.time(), tzinfo=timezone.utc))
    t0 = time.perf_counter()
    setup = build_setup()
    result["build_setup_ms"] = (time.perf_counter() - t0) * 1000

    # -- rebuild -----------------------------------------------------------------------------
    service = RollupService(uow, setup, clock)
    with tqdm(desc="rebuild", unit=" days", file=sys.stderr) as bar:
        def total(n: int) -> None:
            bar.total = n
            bar.refresh()
        t0 = time.perf_counter()
        rebuilt = service.rebuild(progress=bar.update, on_total=total)
        result["rebuild_s"] = time.perf_counter() - t0
    result["rebuild_days"] = rebuilt.days
    print(f"rebuild: {rebuilt.days} days in {result['rebuild_s']:.1f} s", file=sys.stderr)

    # -- our reports -------------------------------------------------------------------------
    mid = first + timedelta(days=161)  # a Wednesday in June for the default year
    iso = mid.isocalendar()
    periods = {
        "day": day_period(mid),
        "week": week_period(f"{iso.year}-W{iso.week:02d}"),
        "month": month_period(f"{mid.year}-{mid.month:02d}"),
        "year": range_period(first, last),
    }
    ours: dict = {}
    answers: dict = {}
    for name, period in periods.items():
        times = []
        for i in range(args.runs + 1):
            t0 = time.perf_counter()
            report = ReportService(RollupService(uow, setup, clock)).report(period)
            if i:
                times.append(time.perf_counter() - t0)
        doc = _json(report)
        answers[name] = doc
        ours[name] = _stats(times) | {"active_seconds": doc["active_seconds"],
                                      "json_bytes": len(json.dumps(doc, ensure_ascii=False)),
                                      "blocks": len(doc["blocks"])}
        print(f"report {name}: median {ours[name]['median_ms']:.1f} ms", file=sys.stderr)
    result["ours"] = ours

    # Without rollups: the same day and week straight from raw events.
    cold = {}
    for name in ("day", "week"):
        p = periods[name]
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            RollupService(uow, setup, clock).compute(p.first, p.last)
            times.append(time.perf_counter() - t0)
        cold[name] = _stats(times)
    result["from_raw_events"] = cold

    # "Today" while tracking: new rows mark the day dirty; the next report recomputes that day.
    times = []
    for _ in range(5):
        with uow(write=True) as u:
            s, _ = service.bounds(last)
            u.rollups.mark_dirty(s + timedelta(hours=10), s + timedelta(hours=10, seconds=5))
            u.commit()
        t0 = time.perf_counter()
        ReportService(RollupService(uow, setup, clock)).report(day_period(last))
        times.append(time.perf_counter() - t0)
    result["dirty_day_report"] = _stats(times)
    engine.dispose()

    # -- the whole process: what a person or a script waits for ------------------------------
    config = args.out / "empty-config.toml"  # the defaults, whatever the user's own config says
    config.write_text("")
    env = {**os.environ, "TZ": args.tz, "TRACKER_CONFIG": str(config), "TRACKER_DATA_DIR": str(data_dir)}
    cli: dict = {}
    for name, argv in (("day", ["report", "--date", periods["day"].first.isoformat(), "--json"]),
                       ("year", ["report", "--start", first.isoformat(), "--end", last.isoformat(),
                                 "--json"]),
                       ("year --blocks", ["report", "--start", first.isoformat(), "--end",
                                          last.isoformat(), "--json", "--blocks"])):
        try:
            runs = [_cli(argv, env) for _ in range(args.cli_runs + 1)][1:]
        except RuntimeError as exc:  # e.g. --blocks on a tree without it
            print(f"cli {name}: {exc}", file=sys.stderr)
            continue
        cli[name] = {"median_s": statistics.median(r["wall_s"] for r in runs),
                     "min_s": min(r["wall_s"] for r in runs), "bytes": runs[-1]["bytes"],
                     "max_rss_kb": _cli_rss(argv, env), "command": "tracker-desktop " + " ".join(argv)}
        print(f"cli {name}: median {cli[name]['median_s']:.3f} s, {cli[name]['bytes']:,} bytes, "
              f"peak RSS {cli[name]['max_rss_kb'] / 1024:.0f} MB", file=sys.stderr)
    result["cli"] = cli

    # -- ActivityWatch -----------------------------------------------------------------------
    if not args.no_aw:
        if not AW_PYTHON.exists():
            print("no .venv-aw: run scripts/setup.sh (or --no-aw)", file=sys.stderr)
            return 1
        cmd = [str(AW_PYTHON), str(HERE / "aw_report_query.py"), "--ours", str(db),
               "--aw-db", str(args.out / f"aw-year-{args.data}.db")]
        for name in ("day", "week", "year"):
            start, end = periods[name].bounds(tz)
            cmd += ["--range", f"{name}={start.astimezone(tz).isoformat()}/{end.astimezone(tz).isoformat()}"]
        for spec in args.aw_runs.split(","):
            cmd += ["--runs", spec]
        print("ActivityWatch: loading the datastore and querying (this is the slow part)...",
              file=sys.stderr)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 1
        aw = json.loads(proc.stdout)
        aw.pop("query", None)
        result["activitywatch"] = aw
        result["ratio"] = {n: aw["ranges"][n]["median_s"] * 1000 / ours[n]["median_ms"]
                           for n in aw["ranges"]}

    (args.out / f"report_year-{args.data}.json").write_text(json.dumps(result, indent=1, default=str))
    print(render(result))
    return 0


def render(r: dict) -> str:
    ev = r["events"]
    lines = [
        f"Machine: {r['machine']}",
        f"Data: {sum(ev.values()):,} events over {r['rebuild_days']} days "
        f"({', '.join(f'{k} {v:,}' for k, v in sorted(ev.items()))}), TZ {r['params']['tz']}",
        f"Rebuild (all {r['rebuild_days']} days from raw events): {r['rebuild_s']:.1f} s",
        "",
        "| report | ours, after rollups (median of runs) | target | JSON | blocks | ActivityWatch query2 | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    aw = r.get("activitywatch", {}).get("ranges", {})
    for name, o in r["ours"].items():
        target = TARGETS_MS.get(name)
        a = aw.get(name)
        lines.append(
            f"| {name} | {o['median_ms']:.1f} ms (min {o['min_ms']:.1f}, p90 {o['p90_ms']:.1f}) | "
            f"{'≤ %d ms' % target if target else '–'} | {o['json_bytes']:,} B | {o['blocks']:,} | "
            f"{'%.0f ms (%d run%s)' % (a['median_s'] * 1000, len(a['runs']), 's' if len(a['runs']) > 1 else '') if a else '–'} | "
            f"{'%.0f×' % (a['median_s'] * 1000 / o['median_ms']) if a else '–'} |")
    lines.append("")
    for name, o in r["ours"].items():
        a = aw.get(name)
        same = f"; ActivityWatch {a['active_seconds'] / 3600:.2f} h" if a else ""
        lines.append(f"Active time {name}: ours {o['active_seconds'] / 3600:.2f} h{same}")
    if r.get("cli"):
        lines += ["", "| whole process | median wall (min) | output | peak RSS |", "|---|---|---|---|"]
        for name, c in r["cli"].items():
            lines.append(f"| `{c['command']}` | {c['median_s']:.3f} s ({c['min_s']:.3f}) | "
                         f"{c['bytes']:,} B | {c['max_rss_kb'] / 1024:.0f} MB |")
        lines.append("")
    c = r["from_raw_events"]
    lines.append(f"Without rollups (computed from raw events): day {c['day']['median_ms']:.0f} ms, "
                 f"week {c['week']['median_ms']:.0f} ms")
    lines.append(f"A day report right after new events dirtied that day: "
                 f"{r['dirty_day_report']['median_ms']:.0f} ms")
    if "activitywatch" in r:
        a = r["activitywatch"]
        lines.append(f"ActivityWatch datastore load: {a['load_seconds']:.1f} s "
                     f"({'loaded now' if a['loaded'] else 'reused'}); aw-server {a['aw_server']}, "
                     f"peewee {a['peewee']}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
