from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from tests.native.hostproc import HostEnv

from .chromium import Chromium, Pages

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "extensions" / "browser"


def _require() -> None:
    missing = []
    if not Path(os.environ.get("CHROMIUM", "/usr/bin/chromium")).exists():
        missing.append("chromium (apt)")
    if shutil.which("node") is None:
        missing.append("node")
    if not (EXTENSION / "node_modules" / "playwright-core").exists():
        missing.append("extensions/browser/node_modules (npm ci)")
    if missing:
        message = "missing " + ", ".join(missing) + ": scripts/setup_node.sh installs them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def pages() -> Iterator[Pages]:
    served = Pages()
    yield served
    served.close()


class BrowserRig:
    """A data dir and config for the host, a chromium profile whose NativeMessagingHosts holds the
    host's manifest (written by `tracker-desktop install --manifest-dir`), and the driver."""

    def __init__(self, root: Path, *, install_host: bool = True) -> None:
        root.mkdir(parents=True)
        self.host = HostEnv(root)
        self.profile = root / "profile"
        self.profile.mkdir()
        self.env = dict(self.host.env)
        # Chromium's singleton socket lives in TMPDIR and a Unix socket path has ~107 bytes: a
        # short temp dir of its own, not one under pytest's deep tmp_path.
        self.tmp = Path(tempfile.mkdtemp(prefix="trk-"))
        self.env.update(TMPDIR=str(self.tmp), XDG_DATA_HOME=str(root / "home" / ".local" / "share"))
        if install_host:
            self.install()
        self.browser = Chromium(self.env)

    def install(self) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "tracker_desktop", "install", "--browser", "chromium",
             "--manifest-dir", str(self.profile / "NativeMessagingHosts")],
            env=self.env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr

    def launch(self) -> dict[str, Any]:
        return self.browser("launch", userDataDir=str(self.profile),
                            args=["--host-resolver-rules=MAP *.test 127.0.0.1"])

    def wait_storage(self, what: str, ok: Callable[[dict[str, Any]], bool],
                     timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            state = self.browser.storage()
            if ok(state):
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}: {state}")
            time.sleep(0.2)

    def wait_events(self, ok: Callable[[list[dict[str, Any]]], bool],
                    timeout: float = 20.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            events = self.host.events("browser") if self.host.db.exists() else []
            if ok(events):
                return events
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for events: {events}")
            time.sleep(0.25)

    def close(self) -> None:
        self.browser.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Callable[..., BrowserRig]]:
    _require()
    made: list[BrowserRig] = []

    def make(**kwargs: Any) -> BrowserRig:
        r = BrowserRig(tmp_path / f"rig{len(made)}", **kwargs)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()
