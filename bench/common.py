"""Shared pieces of the benchmarks: the synthetic heartbeat workload and the machine description.

Standard library only: bench/aw_ingest.py imports it from ActivityWatch's venv (.venv-aw), which
has none of our packages.
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
from typing import Iterator, NamedTuple

# The workload: one heartbeat per simulated second, the active app changing every SWITCH_EVERY s.
START = _dt.datetime(2026, 1, 5, 9, 0, tzinfo=_dt.timezone.utc)
SWITCH_EVERY = 30
PULSETIME = 2.0
APPS = (
    ("firefox", "Pull requests - Mozilla Firefox"),
    ("code", "heartbeat_engine.py - tracker - Visual Studio Code"),
    ("gnome-terminal-server", "~/src/tracker: pytest"),
    ("slack", "Slack | #general | Team"),
    ("evince", "design.pdf"),
)


class Beat(NamedTuple):
    second: int  # seconds after START
    app: str
    title: str
    keys: int


def workload(n: int) -> Iterator[Beat]:
    """n heartbeats of the `window` source, 1 s apart, switching app every SWITCH_EVERY beats."""
    for i in range(n):
        app, title = APPS[(i // SWITCH_EVERY) % len(APPS)]
        yield Beat(i, app, title, i % 7)


def expected(n: int) -> dict:
    """What a correct merge (ActivityWatch's rule, zero-duration heartbeats) must produce."""
    events = -(-n // SWITCH_EVERY)  # ceil
    # Each event spans from its first to its last heartbeat: (beats in it - 1) seconds.
    duration_s = n - events
    keys = sum(i % 7 for i in range(n))
    return {"events": events, "duration_s": duration_s, "keys": keys}


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, " \
           f"Python {platform.python_version()}"
