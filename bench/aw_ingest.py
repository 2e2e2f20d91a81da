"""The heartbeat-ingest workload through ActivityWatch's own server code (run by .venv-aw's Python).

What aw-server does for POST /api/0/buckets/<id>/heartbeat?pulsetime=..., minus HTTP and JSON:
`ServerAPI.heartbeat(bucket_id, Event, pulsetime)` over a `Datastore` with the peewee storage
(aw-server's default) on a fresh SQLite file. Prints one JSON object on stdout.

    .venv-aw/bin/python bench/aw_ingest.py --heartbeats 20000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heartbeats", type=int, default=20_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="aw-ingest-") as tmp:
        # aw-core creates its data/config dirs on first use: keep them out of the user's home.
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            os.environ[var] = str(Path(tmp, var.lower()))
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from common import PULSETIME, START, workload

        from aw_core.models import Event
        from aw_datastore import Datastore, get_storage_methods
        from aw_server.api import ServerAPI

        db_file = Path(tmp, "aw-bench.db")
        datastore = Datastore(get_storage_methods()["peewee"], testing=True, filepath=str(db_file))
        api = ServerAPI(db=datastore, testing=True)
        bucket = "aw-watcher-window_bench"
        api.create_bucket(bucket, "currentwindow", "aw-watcher-window", "bench")

        beats = workload(args.heartbeats)
        second = timedelta(seconds=1)
        t0 = time.perf_counter()
        for beat in beats:
            hb = Event(timestamp=START + beat.second * second, duration=0,
                       data={"app": beat.app, "title": beat.title})
            api.heartbeat(bucket, hb, PULSETIME)
        elapsed = time.perf_counter() - t0

        events = api.get_events(bucket, limit=-1)
        duration_s = sum(e["duration"] for e in events)
        import aw_server
        import peewee

        print(json.dumps({
            "heartbeats": args.heartbeats,
            "seconds": elapsed,
            "heartbeats_per_s": args.heartbeats / elapsed,
            "events": len(events),
            "duration_s": duration_s,
            "aw_server": getattr(aw_server, "__version__", "?"),
            "peewee": peewee.__version__,
        }))
        datastore.storage_strategy.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
