"""`tracker-desktop import` on big files: wall time and peak RSS of the whole process.

Generates into bench/out/ (git-ignored), once, then reuses them:
  - import.jsonl: 561,600 `window` heartbeats, one a second, the app changing every 30 s
    (bench/common.py's workload; ~80 MB, the size issue 6 measured);
  - aw-export.json: an ActivityWatch export of the same size (a window and an AFK bucket);
  - wakatime.json: a WakaTime heartbeats dump of the same count (a heartbeat every 30 s).
Each format is imported by a fresh `tracker-desktop import` process into a fresh data dir, then
(with --again) the same file a second time into the same database. Peak RSS and CPU time
(user + system) come from the child's rusage; CPU time is the steadier figure on a shared machine.

    .venv/bin/python bench/bench_import.py                     # all three formats
    .venv/bin/python bench/bench_import.py --formats jsonl --again
    .venv/bin/python bench/bench_import.py --tree DIR   # the same with another tree's code
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from common import APPS, START, machine, workload  # noqa: E402

N = 561_600  # 6.5 days of one-second heartbeats
TOOL = ROOT / ".venv" / "bin" / "tracker-desktop"


def write_jsonl(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        for b in workload(n):
            ts = (START + timedelta(seconds=b.second)).isoformat()
            f.write(json.dumps({"source": "window", "timestamp": ts, "duration": 0,
                                "data": {"app": b.app, "title": b.title},
                                "counts": {"keys": b.keys}, "pulsetime": 2.0}) + "\n")


def write_activitywatch(path: Path, n: int) -> None:
    """aw-server's export shape; events one after another, 1-30 s long, newest first as aw exports."""
    afk_every = 600
    with path.open("w", encoding="utf-8") as f:
        f.write('{"buckets": {')
        f.write('"aw-watcher-window_bench": {"id": "aw-watcher-window_bench", "created": '
                f'"{START.isoformat()}", "type": "currentwindow", "client": "aw-watcher-window", '
                '"hostname": "bench", "events": [')
        windows = n - n // afk_every
        for i in range(windows - 1, -1, -1):
            app, title = APPS[i % len(APPS)]
            ev = {"id": i + 1, "timestamp": (START + timedelta(seconds=i * 30)).isoformat(),
                  "duration": 1.0 + i % 29, "data": {"app": app, "title": f"{title} ({i % 97})"}}
            f.write(("" if i == windows - 1 else ",") + json.dumps(ev))
        f.write(']}, "aw-watcher-afk_bench": {"id": "aw-watcher-afk_bench", "created": '
                f'"{START.isoformat()}", "type": "afkstatus", "client": "aw-watcher-afk", '
                '"hostname": "bench", "events": [')
        afks = n // afk_every
        for i in range(afks - 1, -1, -1):
            ev = {"id": i + 1, "timestamp": (START + timedelta(seconds=i * 30 * afk_every)).isoformat(),
                  "duration": 30.0 * afk_every, "data": {"status": "afk" if i % 3 == 0 else "not-afk"}}
            f.write(("" if i == afks - 1 else ",") + json.dumps(ev))
        f.write("]}}}")


def write_wakatime(path: Path, n: int) -> None:
    per_day = 2880  # a heartbeat every 30 s
    t0 = START.timestamp()
    with path.open("w", encoding="utf-8") as f:
        f.write('{"user": {"username": "bench"}, "range": {}, "days": [')
        for d in range(-(-n // per_day)):
            day = (START + timedelta(days=d)).date().isoformat()
            f.write(("," if d else "") + f'{{"date": "{day}", "heartbeats": [')
            beats = min(per_day, n - d * per_day)
            for k in range(beats):
                i = d * per_day + k
                hb = {"time": t0 + i * 30.0, "entity": f"/src/app/module_{i // 40 % 50}.py",
                      "type": "file", "category": "coding", "project": "app", "language": "Python",
                      "branch": "main", "is_write": i % 10 == 0, "line_additions": i % 3,
                      "line_deletions": None, "user_agent_id": "ua1"}
                f.write(("," if k else "") + json.dumps(hb))
            f.write("]}")
        f.write('], "user_agents": [{"id": "ua1", "value": '
                '"wakatime/v1.90.0 (linux) go1.21.5 vscode/1.85.1 vscode-wakatime/24.4.0"}]}')


FILES = {"jsonl": ("import.jsonl", write_jsonl), "activitywatch": ("aw-export.json", write_activitywatch),
         "wakatime": ("wakatime.json", write_wakatime)}


def run(fmt: str, path: Path, data_dir: Path, tree: Path | None = None) -> tuple[float, float, float, str]:
    """(wall seconds, peak RSS MB, CPU seconds, stdout) of one `tracker-desktop import` process; `tree` runs
    another source tree's code (e.g. an older commit's) with this virtualenv."""
    env = dict(os.environ, TRACKER_LOG_DIR=str(data_dir / "logs"), XDG_CONFIG_HOME=str(data_dir / "cfg"))
    cmd = [str(TOOL), "--data-dir", str(data_dir), "import", "--format", fmt, str(path)]
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
        cmd[0:1] = [str(TOOL.parent / "python"), "-m", "tracker_desktop"]
    t0 = time.perf_counter()
    # From the tree's directory: `-m` puts the working directory first on sys.path.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tree)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    # communicate() reaped the child; its rusage is folded into RUSAGE_CHILDREN, which holds the
    # largest ru_maxrss of any reaped child, so each run below is measured in its own runner.
    if proc.returncode != 0:
        raise SystemExit(f"{fmt}: exit {proc.returncode}: {err.decode()[-2000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, out.decode().strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--formats", nargs="+", default=list(FILES), choices=list(FILES))
    ap.add_argument("--again", action="store_true", help="import each file a second time")
    ap.add_argument("--tree", type=Path, help="run the code of another source tree (e.g. a checkout "
                    "of the commit before) instead of this one")
    ap.add_argument("--one", nargs=2, metavar=("FORMAT", "DATA_DIR"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.one:  # a runner: one import, so RUSAGE_CHILDREN is this import's peak alone
        fmt, data_dir = args.one
        wall, rss, cpu, out = run(fmt, OUT / FILES[fmt][0], Path(data_dir), args.tree)
        print(json.dumps({"wall": wall, "rss_mb": rss, "cpu": cpu, "out": out}))
        return
    print(machine())
    for fmt in args.formats:
        name, writer = FILES[fmt]
        path = OUT / name
        if not path.exists():
            writer(path, N)
        data_dir = OUT / f"data-{fmt}"
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir()
        for attempt in ("first", "again") if args.again else ("first",):
            tree = ["--tree", str(args.tree)] if args.tree else []
            res = json.loads(subprocess.run([sys.executable, __file__, "--one", fmt, str(data_dir), *tree],
                                            capture_output=True, text=True, check=True).stdout)
            print(f"{fmt:14s} {attempt:5s} {path.stat().st_size / 1e6:6.1f} MB  "
                  f"wall {res['wall']:6.1f} s  CPU {res['cpu']:6.1f} s  peak RSS {res['rss_mb']:6.0f} MB  "
                  f"-> {res['out'][:120]}")
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
