"""Spawn the real `tracker-desktop native-host` process and speak framed JSON to it."""

from __future__ import annotations

import json
import os
import select
import sqlite3
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HEADER = struct.Struct("=I")


@dataclass
class HostEnv:
    """A temp data dir, config (with a focus blocklist) and log dir for host processes."""

    root: Path
    blocklist: tuple[str, ...] = ("blocked.test", "distracting.test")
    extra_config: str = ""
    env: dict[str, str] = field(default_factory=dict)
    spawned: list["Host"] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.data_dir = self.root / "data"
        self.config = self.root / "config.toml"
        self.config.write_text("[focus]\nblocklist = [" + ", ".join(
            json.dumps(d) for d in self.blocklist) + "]\n" + self.extra_config)
        env = dict(os.environ)
        env.update(TRACKER_DATA_DIR=str(self.data_dir), TRACKER_CONFIG=str(self.config),
                   TRACKER_LOG_DIR=str(self.root / "logs"), HOME=str(self.root / "home"),
                   XDG_CONFIG_HOME=str(self.root / "home" / ".config"))
        self.env = env

    @property
    def db(self) -> Path:
        return self.data_dir / "tracker.sqlite3"

    def events(self, source: str | None = None) -> list[dict[str, Any]]:
        con = sqlite3.connect(self.db)
        try:
            rows = con.execute("SELECT source, start_us, duration_us, data, counts, device FROM events"
                               + (" WHERE source = ?" if source else "") + " ORDER BY start_us, id",
                               (source,) if source else ()).fetchall()
        finally:
            con.close()
        return [{"source": s, "start_us": st, "duration": d / 1e6, "data": json.loads(data),
                 "counts": json.loads(counts), "device": dev} for s, st, d, data, counts, dev in rows]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tracker_desktop", *args], env=self.env,
                              capture_output=True, text=True, timeout=60)

    def host(self, *args: str) -> "Host":
        host = Host(self.env, args)
        self.spawned.append(host)
        return host

    def kill_all(self) -> None:
        for host in self.spawned:
            host.kill()


class Host:
    def __init__(self, env: dict[str, str], args: tuple[str, ...] = ()) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tracker_desktop", "native-host", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self._buf = b""

    def send_raw(self, body: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(HEADER.pack(len(body)) + body)
        self.proc.stdin.flush()

    def send(self, obj: Any) -> None:
        self.send_raw(json.dumps(obj).encode())

    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def _read(self, n: int, timeout: float) -> bytes:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while len(self._buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no reply within {timeout} s")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise EOFError("the host closed stdout")
                self._buf += chunk
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def recv(self, timeout: float = 30.0) -> dict[str, Any]:
        (n,) = HEADER.unpack(self._read(4, timeout))
        return json.loads(self._read(n, timeout))

    def request(self, obj: Any, timeout: float = 30.0) -> dict[str, Any]:
        self.send(obj)
        return self.recv(timeout)

    def recv_type(self, kind: str, timeout: float = 30.0) -> dict[str, Any]:
        """The next message of `kind`, skipping others (focus pushes)."""
        deadline = time.monotonic() + timeout
        while True:
            msg = self.recv(max(0.01, deadline - time.monotonic()))
            if msg.get("type") == kind:
                return msg

    def close(self, timeout: float = 60.0) -> int:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        code = self.proc.wait(timeout)
        return code

    def stderr(self) -> str:
        assert self.proc.stderr is not None
        return self.proc.stderr.read().decode(errors="replace")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
