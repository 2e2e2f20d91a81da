"""A sender that outruns the writer (an offline queue flushing, a benchmark) is slowed down, not
buffered: while the host's writer cannot keep up, the host stops reading its stdin, so its memory
stays bounded and the pipe makes the sender wait; nothing is lost once the writer catches up.

The writer is held up for real: another connection keeps the database's write lock, so the
writer's batch commit waits on SQLite's busy timeout while heartbeats keep coming.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta, timezone

from tracker_desktop.native.host import QUEUE_HIGH

from .hostproc import HostEnv

SENT = 12_000


def _beat(i: int, t0: datetime) -> dict[str, object]:
    return {"type": "heartbeat", "id": i, "source": "browser", "pulsetime": 5,
            "timestamp": (t0 + timedelta(seconds=i)).isoformat(),
            "data": {"url": "https://long.test/read", "domain": "long.test", "title": "Long read",
                     "browser": "chrome"}}


def test_the_host_stops_reading_while_its_writer_is_held_up(host_env: HostEnv) -> None:
    host = host_env.host()
    t0 = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=1)
    assert host.request({"type": "hello", "id": "h", "client": "chrome"})["ok"]
    assert host.request(_beat(0, t0) | {"durable": True})["ok"]  # the writer runs, schema is there

    lock = sqlite3.connect(host_env.db, timeout=30, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # the writer's next commit now waits
    sender = threading.Thread(target=lambda: [host.send(_beat(i, t0)) for i in range(1, SENT)],
                              daemon=True)
    sender.start()
    acked = 0
    try:
        while True:  # acks until none has come for a second: the host stopped reading
            try:
                host.recv_type("ack", timeout=1.0)
            except TimeoutError:
                break
            acked += 1
        assert sender.is_alive(), "the whole backlog was read in while the writer was held up"
        assert acked < QUEUE_HIGH + 1_000, acked
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    while acked < SENT - 1:
        host.recv_type("ack", timeout=60)
        acked += 1
    sender.join(60)
    assert host.close() == 0, host.stderr()
    events = host_env.events("browser")
    assert len(events) == 1 and events[0]["duration"] == SENT - 1  # every heartbeat, merged
