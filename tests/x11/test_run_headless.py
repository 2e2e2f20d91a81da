"""End to end: `tracker-desktop run --headless` on a real desktop, read back with `events --json`."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.x11.desktop import wait_until

pytestmark = pytest.mark.x11

POLL, AFK_TIMEOUT = 0.5, 3.0
CLI = str(Path(sys.executable).parent / "tracker-desktop")


class Tracker:
    """The tracker process plus the read-only CLI calls the test makes against its data dir."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.data_dir = data_dir
        self.env = env
        self.log = data_dir.parent / "tracker.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [CLI, "--data-dir", str(self.data_dir), "-v", "run", "--headless",
             "--poll-seconds", str(POLL), "--afk-timeout", str(AFK_TIMEOUT)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=open(self.log, "wb"),
        )

    def cli_json(self, *args: str):
        done = subprocess.run([CLI, "--data-dir", str(self.data_dir), *args, "--json"],
                              env=self.env, capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, f"{args} failed: {done.stderr}"
        return json.loads(done.stdout)

    def events(self, source: str | None = None) -> list[dict]:
        return self.cli_json("events", *(["--source", source] if source else []))

    def keys_in(self, title: str) -> int:
        return sum(e["counts"].get("keys", 0) for e in self.events("window")
                   if e["data"].get("title") == title)

    def alive(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"tracker exited early ({self.proc.returncode}):\n{self.log_tail()}")
        return True

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else "(no log)"

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_run_headless_records_windows_input_and_afk(desktop, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = desktop.env(XDG_CONFIG_HOME=str(tmp_path / "config"), TRACKER_LOG_DIR=str(tmp_path / "logs"))
    env.pop("TRACKER_CONFIG", None)
    env.pop("TRACKER_DATA_DIR", None)

    a = desktop.open_tk("Alpha report")
    b = desktop.open_tk("Beta notes")
    c = desktop.open_tk("Gamma return")
    desktop.activate(a)

    tracker = Tracker(data_dir, env)
    tracker.start()
    try:
        def ready():
            tracker.alive()
            if not (data_dir / "tracker.sqlite3").exists():
                return False  # status says "no database" (exit 2) until the tracker creates it
            status = tracker.cli_json("status")
            window = status.get("window") or {}
            return status.get("running") and window.get("title") == "Alpha report" and status

        status = wait_until(ready, 30, "the tracker to report the active window", interval=0.3)
        assert status["collectors"] == {"window": True, "afk": True, "input": True}, (
            status.get("unavailable"))

        # Type into A and let the tracker credit the keys to A before switching (counts go to
        # the window seen at the next poll).
        desktop.type_keys(20)
        wait_until(lambda: tracker.alive() and tracker.keys_in("Alpha report") == 20, 20,
                   "A's 20 keys in the record", interval=0.5)

        desktop.activate(b)
        desktop.type_keys(30)
        last_b_key = datetime.now(timezone.utc)
        last_b_mono = time.monotonic()
        wait_until(lambda: tracker.alive() and tracker.keys_in("Beta notes") == 30, 20,
                   "B's 30 keys in the record", interval=0.5)

        # Idle past the AFK timeout (and ~6 s in all), then one key in a third window.
        wait_until(lambda: tracker.alive() and any(
            e["data"].get("status") == "afk" and ts(e["start"]) >= last_b_key - timedelta(seconds=1.5)
            for e in tracker.events("afk")), 20, "an AFK period after B's last key", interval=0.5)
        wait_until(lambda: time.monotonic() - last_b_mono >= 6.0, 10, "6 s of idleness")
        desktop.activate(c)
        desktop.type_keys(1)
        back = datetime.now(timezone.utc)
        wait_until(lambda: tracker.alive() and tracker.keys_in("Gamma return") == 1, 20,
                   "the returning key in the record", interval=0.5)

        assert tracker.proc is not None
        tracker.proc.send_signal(signal.SIGTERM)
        try:
            code = tracker.proc.wait(20)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"tracker did not exit on SIGTERM:\n{tracker.log_tail()}") from None
        assert code == 0, tracker.log_tail()
    finally:
        tracker.kill()

    events = tracker.events()
    windows = [e for e in events if e["source"] == "window"]
    titles = {e["data"]["title"] for e in windows}
    assert {"Alpha report", "Beta notes", "Gamma return"} <= titles
    for e in windows:
        assert e["data"]["app"], e
        assert "pid" not in e["data"]
    # Everything the tracker records carries this machine's device name (issue 7 item 5).
    here = socket.gethostname().split(".", 1)[0]
    assert {e["device"] for e in events} == {here}
    assert tracker.keys_in("Alpha report") == 20
    assert tracker.keys_in("Beta notes") == 30
    assert tracker.keys_in("Gamma return") == 1

    afk = sorted((e for e in events if e["source"] == "afk"), key=lambda e: e["start"])
    away = [e for e in afk if e["data"]["status"] == "afk"
            and abs(ts(e["start"]) - last_b_key) <= timedelta(seconds=1.5)]
    assert away, f"no AFK period starting at B's last key ({last_b_key}): {afk}"
    period = away[0]
    # It lasts until the returning key, and nothing overlaps it.
    assert ts(period["end"]) - ts(period["start"]) >= timedelta(seconds=AFK_TIMEOUT)
    assert abs(ts(period["end"]) - back) <= timedelta(seconds=1.5), (period, back)
    for x, y in zip(afk, afk[1:]):
        assert ts(x["end"]) <= ts(y["start"]), f"AFK events overlap: {x} {y}"
    # The returning key starts a not-afk period right after (idle again later is fine: the test
    # waits for the record after that key, longer than the timeout).
    after = afk[afk.index(period) + 1]
    assert after["data"]["status"] == "not-afk"
    assert ts(after["start"]) - ts(period["end"]) <= timedelta(milliseconds=1)

    minutes = [e for e in events if e["source"] == "input"]
    assert minutes and all(e["data"] == {} for e in minutes)
    assert sum(e["counts"].get("keys", 0) for e in minutes) == 20 + 30 + 1
    for e in minutes:
        start = ts(e["start"])
        assert (start.second, start.microsecond) == (0, 0), e
