"""Make a real ActivityWatch export: load events into aw-server's API, print what /api/0/export gives.

Run with the interpreter of .venv-aw (aw-server installed), never imported by our code:
stdin: JSON lines {"bucket", "type", "timestamp", "duration", "data"} and optionally "hostname"
(default "host") and "client", which create the bucket on its first line;
stdout: {"buckets": ServerAPI.export_all()} as the web UI's "Export all buckets" saves it.
"""

import json
import sys
from datetime import datetime, timedelta

from aw_core.models import Event
from aw_datastore import Datastore
from aw_datastore.storages import MemoryStorage
from aw_server.api import ServerAPI


def main() -> None:
    api = ServerAPI(db=Datastore(MemoryStorage, testing=True), testing=True)
    made = set()
    for line in sys.stdin:
        if not line.strip():
            continue
        row = json.loads(line)
        if row["bucket"] not in made:
            api.create_bucket(row["bucket"], row["type"], row.get("client", "aw-watcher"),
                              row.get("hostname", "host"))
            made.add(row["bucket"])
        api.create_events(row["bucket"], [Event(timestamp=datetime.fromisoformat(row["timestamp"]),
                                                duration=timedelta(seconds=row["duration"]),
                                                data=row["data"])])
    json.dump({"buckets": api.export_all()}, sys.stdout, default=str)


if __name__ == "__main__":
    main()
