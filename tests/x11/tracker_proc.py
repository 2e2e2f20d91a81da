"""A `tracker-desktop run --headless` process on the test desktop, and read-only looks at its file."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.x11.desktop import wait_until

CLI = str(Path(sys.executable).parent / "tracker-desktop")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class Run:
    died = "tracker exited early"  # how alive() says the process is gone

    def __init__(self, desktop, tmp_path: Path) -> None:
        self.data_dir = tmp_path / "data"
        self.data_dir.mkdir()
        self.db = self.data_dir / "tracker.sqlite3"
        self.env = desktop.env(XDG_CONFIG_HOME=str(tmp_path / "config"),
                               TRACKER_LOG_DIR=str(tmp_path / "logs"))
        self.env.pop("TRACKER_CONFIG", None)
        self.env.pop("TRACKER_DATA_DIR", None)
        self.log = tmp_path / "tracker.log"
        self.proc: subprocess.Popen | None = None

    def start(self, poll: float = 0.5, afk_timeout: float = 120) -> None:
        self.proc = subprocess.Popen(
            [CLI, "--data-dir", str(self.data_dir), "-v", "run", "--headless",
             "--poll-seconds", str(poll), "--afk-timeout", str(afk_timeout)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=open(self.log, "wb"))

    def cli(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([CLI, "--data-dir", str(self.data_dir), *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def alive(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"{self.died} ({self.proc.returncode}):\n{self.log_tail()}")
        return True

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else "(no log)"

    def stored_status(self) -> dict | None:
        """The tracker's published status, read straight from the file (never waits on a writer)."""
        if not self.db.exists():
            return None
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM state WHERE key = 'tracker'").fetchone()
        except sqlite3.OperationalError:
            return None
        finally:
            conn.close()
        return json.loads(row[0]) if row else None

    def wait_ready(self, title: str) -> None:
        def ready():
            self.alive()
            status = self.stored_status() or {}
            return (status.get("window") or {}).get("title") == title
        wait_until(ready, 30, "the tracker to report the active window", interval=0.2)

    def events(self, source: str = "window", since: datetime | None = None) -> list[dict]:
        """Stored events of `source` (read-only, straight from the file), oldest first."""
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "SELECT start_us, duration_us, data, counts FROM events WHERE source = ? "
                "AND start_us >= ? ORDER BY start_us, id",
                (source, 0 if since is None else int(since.timestamp() * 1e6))).fetchall()
        finally:
            conn.close()
        return [{"start": (EPOCH + timedelta(microseconds=s)).isoformat(),
                 "end": (EPOCH + timedelta(microseconds=s + d)).isoformat(),
                 "data": json.loads(data), "counts": json.loads(counts)}
                for s, d, data, counts in rows]

    def window_events(self, since: datetime | None = None) -> list[dict]:
        return self.events("window", since)

    def keys_by_title(self, since: datetime | None = None) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.window_events(since):
            title = e["data"]["title"]
            out[title] = out.get(title, 0) + e["counts"].get("keys", 0)
        return out

    def stop(self) -> dict:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(90)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"tracker did not exit on SIGTERM:\n{self.log_tail()}") from None
        assert code == 0, self.log_tail()
        status = self.stored_status()
        assert status and status.get("stopped"), status
        return status

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def by_title(events: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for e in events:
        out.setdefault(e["data"]["title"], []).append(e)
    return out


