"""ActivityWatch's own report query on our benchmark data (run by .venv-aw's Python).

Loads the events of one of our databases into aw-server's peewee datastore (its default storage),
as the buckets aw's watchers would have written: aw-watcher-window_bench (currentwindow),
aw-watcher-afk_bench (afkstatus), aw-watcher-web-{firefox,chrome}_bench (web.tab.current) and
aw-watcher-vscode_bench (app.editor.activity). Then times `aw_query.query2.query` (what
POST /api/0/query/ runs, minus HTTP and JSON) with the query aw-webui's Activity view sends:
aw_client.queries.fullDesktopQuery (canonical events: flood, not-AFK intersection, browser tabs
inside browser windows, categorize with aw's default classes; then merge by app / title /
category / url / domain, and sums). Prints one JSON object on stdout.

    .venv-aw/bin/python bench/aw_report_query.py --ours bench/out/year.sqlite3 \
        --range day=2025-06-11T00:00:00+02:00/2025-06-12T00:00:00+02:00 --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

BUCKETS = {
    "window": ("aw-watcher-window_bench", "currentwindow", "aw-watcher-window"),
    "afk": ("aw-watcher-afk_bench", "afkstatus", "aw-watcher-afk"),
    "editor": ("aw-watcher-vscode_bench", "app.editor.activity", "aw-watcher-vscode"),
}
WEB = "aw-watcher-web-{}_bench"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _fingerprint(ours: Path) -> dict:
    con = sqlite3.connect(f"file:{ours}?mode=ro", uri=True)
    try:
        n, top = con.execute("SELECT count(*), max(id) FROM events").fetchone()
    finally:
        con.close()
    return {"events": n, "max_id": top, "source": str(ours.resolve())}


def load(ours: Path, aw_db: Path) -> dict:
    """(Re)create the aw datastore from our events unless a matching one is already there."""
    from aw_core.models import Event
    from aw_datastore import Datastore, get_storage_methods

    meta_file = aw_db.with_suffix(".meta.json")
    want = _fingerprint(ours)
    if aw_db.exists() and meta_file.exists() and json.loads(meta_file.read_text()) == want:
        ds = Datastore(get_storage_methods()["peewee"], testing=True, filepath=str(aw_db))
        return {"datastore": ds, "loaded": False, "load_seconds": 0.0, "events": want["events"]}
    for p in (aw_db, meta_file):
        if p.exists():
            p.unlink()
    t0 = time.perf_counter()
    ds = Datastore(get_storage_methods()["peewee"], testing=True, filepath=str(aw_db))
    storage = ds.storage_strategy
    made: set[str] = set()

    def bucket(bid: str, kind: str, client: str) -> str:
        if bid not in made:
            ds.create_bucket(bid, kind, client, "bench", created=datetime.now(timezone.utc))
            made.add(bid)
        return bid

    con = sqlite3.connect(f"file:{ours}?mode=ro", uri=True)
    n = 0
    try:
        for source in ("window", "afk", "browser", "editor"):
            pending: dict[str, list] = {}
            cur = con.execute("SELECT start_us, duration_us, data FROM events WHERE source = ? "
                              "ORDER BY start_us", (source,))
            for start_us, dur_us, data_text in cur:
                data = json.loads(data_text)
                if source == "browser":
                    name = data.pop("browser", "chrome")
                    data.pop("domain", None)  # aw-watcher-web does not send it; split_url_events adds $domain
                    bid = bucket(WEB.format(name), "web.tab.current", "aw-client-web")
                else:
                    bid = bucket(*BUCKETS[source])
                    if source == "editor":
                        data.pop("editor", None)
                pending.setdefault(bid, []).append(Event(
                    timestamp=EPOCH + timedelta(microseconds=start_us),
                    duration=timedelta(microseconds=dur_us), data=data))
                n += 1
                if sum(len(v) for v in pending.values()) >= 20000:
                    _flush(storage, pending)
            _flush(storage, pending)
    finally:
        con.close()
    meta_file.write_text(json.dumps(want))
    return {"datastore": ds, "loaded": True, "load_seconds": time.perf_counter() - t0, "events": n}


def _flush(storage, pending: dict) -> None:  # type: ignore[no-untyped-def]
    with storage.db.atomic():
        for bid, events in pending.items():
            storage.insert_many(bid, events)
    pending.clear()


def the_query(buckets: list[str]) -> str:
    from aw_client.classes import default_classes
    from aw_client.queries import DesktopQueryParams, fullDesktopQuery

    params = DesktopQueryParams(
        bid_window=BUCKETS["window"][0], bid_afk=BUCKETS["afk"][0],
        bid_browsers=[b for b in buckets if b.startswith("aw-watcher-web-")],
        classes=default_classes, filter_afk=True, include_audible=True)
    # aw-client 0.5.15 leaves "{default_limit}" unformatted in the browser part (not an
    # f-string); aw-webui sends the number there, so do the same.
    return fullDesktopQuery(params).replace("{default_limit}", "100")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", type=Path, required=True, help="our database with the events")
    parser.add_argument("--aw-db", type=Path, help="aw datastore file (kept to reuse; default: temp)")
    parser.add_argument("--range", action="append", default=[], metavar="NAME=START/END",
                        help="a time range to query, ISO 8601 with offsets; repeatable")
    parser.add_argument("--runs", action="append", default=[], metavar="NAME=N",
                        help="timed runs for a range (default 3)")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="aw-report-")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(Path(tmp.name, var.lower()))
    aw_db = args.aw_db or Path(tmp.name, "aw.db")

    import aw_query.query2 as query2
    import aw_server
    import peewee

    loaded = load(args.ours, aw_db)
    ds = loaded["datastore"]
    query = the_query(list(ds.buckets().keys()))
    runs = {k: int(v) for k, v in (r.split("=", 1) for r in args.runs)}
    results = {}
    for spec in args.range:
        name, period = spec.split("=", 1)
        start, end = (datetime.fromisoformat(p) for p in period.split("/"))
        times = []
        result = None
        for _ in range(runs.get(name, 3)):
            t0 = time.perf_counter()
            result = query2.query(name, query, start, end, ds)
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        body = json.dumps(result, default=str)  # what the HTTP API would serialise on top
        json_s = time.perf_counter() - t0
        window = result["window"]
        results[name] = {
            "runs": times, "median_s": statistics.median(times),
            "active_seconds": window["duration"].total_seconds()
            if hasattr(window["duration"], "total_seconds") else window["duration"],
            "events": len(result["events"]),
            "top_apps": [(e.data["app"], e.duration.total_seconds()) for e in window["app_events"][:5]],
            "json_s": json_s, "json_bytes": len(body),
        }
    print(json.dumps({
        "loaded": loaded["loaded"], "load_seconds": loaded["load_seconds"], "events": loaded["events"],
        "aw_server": getattr(aw_server, "__version__", "?"), "peewee": peewee.__version__,
        "ranges": results, "query": query,
    }))
    ds.storage_strategy.db.close()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
