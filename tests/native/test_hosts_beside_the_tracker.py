"""Three hosts (two browsers and an editor) and `run --headless` on the real X11 desktop write one
database at once: every acknowledged heartbeat is stored, merged as it should be, and no tick of
the tracker waits on them (the tracker's status reports its tick figures: at most one over 50 ms,
none over 250 ms).

It runs 40 s rather than a minute: each host sends 20 heartbeats a second (a browser sends one
a minute, plus one per tab event) and commits a batch every 5 s or 100 heartbeats, the tracker
every few seconds, so the four writers meet on the write lock dozens of times within it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from tests.x11.desktop import X11Desktop, running_desktop, wait_until
from tests.x11.tracker_proc import Run, by_title

from .hostproc import Host

pytestmark = pytest.mark.x11

SECONDS = 40
RUN = 20  # heartbeats per page (1 s apart): one event of 19 s each
STALL_MS = 250.0


@pytest.fixture(scope="module")
def desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[X11Desktop]:
    """A desktop of this module's own (tests/x11's is session-wide there): DISPLAY is set only
    while these tests run, so later suites still see the machine as it is."""
    with running_desktop(Path(tmp_path_factory.mktemp("x11-hosts"))) as x11:
        yield x11


def _client(host: Host, name: str, source: str, t0: datetime, stop: threading.Event,
            sent: list[int], failures: list[str]) -> None:
    i = 0
    try:
        while not stop.is_set():
            for _ in range(10):  # 20 heartbeats/s per host (20x a browser's), in bursts
                page = i // RUN
                data = ({"file": f"/src/{name}/f{page}.py", "project": name, "language": "Python",
                         "editor": "vscode"} if source == "editor" else
                        {"url": f"https://{name}.test/p{page}", "domain": f"{name}.test",
                         "title": f"{name} {page}", "browser": name})
                host.send({"type": "heartbeat", "id": i, "source": source, "data": data,
                           "timestamp": (t0 + timedelta(seconds=i)).isoformat()})
                i += 1
            for _ in range(10):
                reply = host.recv(30)
                if reply["type"] != "ack":
                    failures.append(f"{name}: {reply}")
            time.sleep(0.5)
    except Exception as exc:  # noqa: BLE001 (reported by the test)
        failures.append(f"{name}: {exc!r}")
    sent.append(i)


def test_three_hosts_and_the_tracker_write_one_database(desktop: X11Desktop, tmp_path: Path) -> None:
    a = desktop.open_tk("Alpha beside hosts")
    b = desktop.open_tk("Beta beside hosts")
    desktop.activate(a)
    run = Run(desktop, tmp_path)
    run.start(0.5)
    host_env = dict(run.env, TRACKER_DATA_DIR=str(run.data_dir))
    names = (("chrome", "browser"), ("firefox", "browser"), ("vscode", "editor"))
    hosts: dict[str, Host] = {}
    stop = threading.Event()
    sent: dict[str, list[int]] = {n: [] for n, _ in names}
    failures: list[str] = []
    threads = []
    try:
        run.wait_ready("Alpha beside hosts")
        # Hours ago, apart: each host's pages are its own, so what is stored can be checked exactly.
        base = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=20)
        for k, (name, source) in enumerate(names):
            hosts[name] = Host(host_env)
            assert hosts[name].request({"type": "hello", "id": "h", "client": name})["ok"]
            threads.append(threading.Thread(
                target=_client, args=(hosts[name], name, source, base + timedelta(hours=5 * k),
                                      stop, sent[name], failures)))
        for t in threads:
            t.start()
        typed = {"Alpha beside hosts": 0, "Beta beside hosts": 0}
        window, other = a, b
        ends = time.monotonic() + SECONDS
        while time.monotonic() < ends:
            desktop.type_keys(5)
            typed[window.title] += 5
            time.sleep(1.0)
            window, other = other, window
            desktop.activate(window)
            run.alive()
        stop.set()
        for t in threads:
            t.join(60)
        for name, host in hosts.items():
            assert host.close(120) == 0, host.stderr()
        wait_until(lambda: run.alive() and {t: n for t, n in run.keys_by_title().items()
                                            if t in typed} == typed,
                   30, "every key typed in the record", interval=0.5)
        status = run.stop()
    finally:
        stop.set()
        for host in hosts.values():
            host.kill()
        run.kill()

    assert not failures, failures[:5]
    for k, (name, source) in enumerate(names):
        n = sent[name][0]
        assert n >= SECONDS * 10, (name, n)  # hundreds of heartbeats each
        events = [e for e in run.events(source)
                  if (e["data"].get("browser") or e["data"].get("project")) == name]
        pages = -(-n // RUN)
        assert len(events) == pages, (name, len(events), pages)
        full = [e for e in events[:-1]]
        assert all(datetime.fromisoformat(e["end"]) - datetime.fromisoformat(e["start"])
                   == timedelta(seconds=RUN - 1) for e in full), name
    windows = by_title(run.window_events())
    assert set(typed) <= set(windows)
    ticks = status["ticks"]
    assert ticks["count"] > SECONDS  # polls every 0.5 s, plus switches
    # A tick that waited on the write lock would recur at every meeting of the writers; one
    # over 50 ms is the box's scheduler (CI saw 57 ms once, with another suite running). A
    # single wait would pass here: tests/x11/test_never_stalls.py holds the strict bound.
    assert ticks["slow"] <= 1 and ticks["max_ms"] < STALL_MS, ticks
