"""Whole-process wall time of the everyday CLI calls on a year of data: `--help`, `status`,
`report --date`, a year report (what a person waits for; most of it is start-up).

Uses the year database bench/bench_report_year.py writes (bench/out/year-<data>/); run that first:

    .venv/bin/python bench/bench_report_year.py --data realistic --no-aw --reuse
    .venv/bin/python bench/bench_startup.py                     # realistic year, 15 runs each
    .venv/bin/python bench/bench_startup.py --data gappy --runs 21

Each command runs once untimed first (so the day rollups it reads exist and the OS cache is
warm), then `--runs` times; the median, min and max are printed. A copy of the database is used,
so the benchmark data stays as it was. Targets (issue 6): --help <= 100 ms, status and
report --date <= 250 ms, a year report <= 500 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import machine  # noqa: E402

CLI = str(Path(sys.executable).parent / "tracker-desktop")
TARGETS_MS = {"--help": 100, "status": 250, "report --date": 250, "report (year)": 500}


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", choices=("realistic", "gappy"), default="realistic")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    src = args.out / f"year-{args.data}"
    meta = json.loads((src / "meta.json").read_text()) if (src / "meta.json").exists() else None
    if meta is None:
        raise SystemExit(f"no year database in {src}: run bench/bench_report_year.py --data "
                         f"{args.data} --no-aw first")
    first, days = meta["first"], meta["days"]
    from datetime import date, timedelta

    last = (date.fromisoformat(first) + timedelta(days=days - 1)).isoformat()
    middle = (date.fromisoformat(first) + timedelta(days=days // 2)).isoformat()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir(mode=0o700)
        shutil.copy2(src / "tracker.sqlite3", data / "tracker.sqlite3")
        config = Path(tmp) / "config.toml"
        config.write_text("")
        env = {**os.environ, "TZ": meta.get("tz", "UTC"), "TRACKER_CONFIG": str(config),
               "TRACKER_DATA_DIR": str(data), "TRACKER_LOG_DIR": str(Path(tmp) / "logs")}
        commands = {
            "--help": [CLI, "--help"],
            "status": [CLI, "status"],
            "report --date": [CLI, "report", "--date", middle, "--json"],
            "report (year)": [CLI, "report", "--start", first, "--end", last, "--json"],
        }
        print(f"machine: {machine()}")
        print(f"data:    {args.data} year, {first} to {last}; {args.runs} runs each, after one "
              "untimed run")
        results = {}
        for name, cmd in commands.items():
            timed(cmd, env)
            samples = sorted(timed(cmd, env) for _ in range(args.runs))
            med = statistics.median(samples) * 1000
            results[name] = {"median_ms": round(med, 1), "min_ms": round(samples[0] * 1000, 1),
                             "max_ms": round(samples[-1] * 1000, 1)}
            target = TARGETS_MS[name]
            verdict = "met" if med <= target else "NOT MET"
            print(f"{name:<15} median {med:7.1f} ms  (min {samples[0] * 1000:.1f}, max "
                  f"{samples[-1] * 1000:.1f})  target <= {target} ms: {verdict}")
        bare = sorted(timed([sys.executable, "-c", "pass"], env) for _ in range(args.runs))
        print(f"{'bare python':<15} median {statistics.median(bare) * 1000:7.1f} ms "
              "(the interpreter alone, for scale)")
        if args.json:
            print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
