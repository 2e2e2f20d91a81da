"""Feed heartbeats to ActivityWatch's real server API and print the events it stored.

Run with the interpreter of .venv-aw (aw-server installed), never imported by our code:
stdin: our import format (JSON lines, `source` is used as the bucket id);
stdout: a JSON array of {"source","start","duration","data"}, oldest first per bucket.
"""

import json
import sys
from datetime import datetime, timedelta

from aw_core.models import Event
from aw_datastore import Datastore
from aw_datastore.storages import MemoryStorage
from aw_server.api import ServerAPI

DEFAULT_PULSETIME = {"window": 2.0, "afk": 185.0}


def main() -> None:
    api = ServerAPI(db=Datastore(MemoryStorage, testing=True), testing=True)
    buckets = []
    for line in sys.stdin:
        if not line.strip():
            continue
        hb = json.loads(line)
        bucket = hb["source"]
        if bucket not in buckets:
            api.create_bucket(bucket, "test", "aw_peer", "host")
            buckets.append(bucket)
        event = Event(timestamp=datetime.fromisoformat(hb["timestamp"]),
                      duration=timedelta(seconds=hb.get("duration", 0)), data=hb.get("data", {}))
        api.heartbeat(bucket, event, hb.get("pulsetime", DEFAULT_PULSETIME.get(bucket, 2.0)))
    out = []
    for bucket in buckets:
        for e in sorted(api.get_events(bucket, limit=-1), key=lambda e: e["timestamp"]):
            out.append({"source": bucket, "start": e["timestamp"], "duration": e["duration"], "data": e["data"]})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
