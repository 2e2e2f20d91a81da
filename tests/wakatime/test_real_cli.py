"""The real WakaTime CLI (PyPI's wakatime==13.1.0, the pure-Python CLI editor plugins shipped
before the Go rewrite; same API) against `tracker-desktop wakatime serve`, configured by
`tracker-desktop wakatime configure` in a temporary HOME: real files in real git repositories
(the CLI skips files that do not exist and reads project and branch from git), several projects
and languages, a write, and its offline queue (endpoint down, then up: the queued heartbeats
arrive, once)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.wakatime.conftest import free_port, write_config

ROOT = Path(__file__).resolve().parents[2]
WAKATIME = ROOT / ".venv-waka" / "bin" / "wakatime"
TRACKER = Path(sys.executable).parent / "tracker-desktop"
PLUGIN = "vim/9.0.1 vim-wakatime/9.0.1"


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    if not WAKATIME.exists():
        pytest.fail(f"{WAKATIME} is missing: scripts/setup.sh installs it")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WAKATIME", "TRACKER_"))}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "xdg"),
               PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring", TZ="UTC",
               TRACKER_LOG_DIR=str(tmp_path / "logs"))
    (tmp_path / "home").mkdir()
    return env


def git_repo(parent: Path, name: str, files: dict[str, str], branch: str) -> Path:
    repo = parent / name
    repo.mkdir(parents=True)
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", "-b", branch], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "init"], check=True)
    return repo


class Tracker:
    def __init__(self, tmp: Path, env: dict[str, str], port: int) -> None:
        self.env = env
        self.config = write_config(tmp / "config.toml", port, "[analysis]\nday_start_hour = 0\n")
        self.base = [str(TRACKER), "--data-dir", str(tmp / "data"), "--config", str(self.config)]
        self.proc: subprocess.Popen[str] | None = None

    def run(self, *args: str) -> str:
        done = subprocess.run([*self.base, *args], env=self.env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, f"{args}: {done.stderr}"
        return done.stdout

    def serve(self) -> None:
        self.proc = subprocess.Popen([*self.base, "wakatime", "serve"], env=self.env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert "WakaTime API on http://127.0.0.1:" in line, (line, self.proc.stderr.read()
                                                              if self.proc.poll() is not None else "")

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(timeout=60) == 0, self.proc.stderr.read() if self.proc.stderr else ""
        self.proc = None


def wakatime(env: dict[str, str], entity: Path, t: float, *, write: bool = False) -> int:
    args = [str(WAKATIME), "--entity", str(entity), "--time", repr(t), "--plugin", PLUGIN]
    if write:
        args.append("--write")
    return subprocess.run(args, env=env, cwd=entity.parent, capture_output=True, text=True,
                          timeout=120).returncode


def queued(env: dict[str, str]) -> int:
    db = Path(env["HOME"]) / ".wakatime.db"
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM heartbeat_2").fetchone()[0])


def test_the_real_wakatime_cli_records_into_the_tracker(tmp_path, home):
    src = tmp_path / "src"
    app = git_repo(src, "app", {"app/main.py": "print('hi')\n", "app/util.py": "X = 1\n"}, "main")
    web = git_repo(src, "web", {"index.ts": "export const x: number = 1;\n"}, "feature-x")
    tracker = Tracker(tmp_path, home, free_port())
    out = tracker.run("wakatime", "configure")
    cfg = (Path(home["HOME"]) / ".wakatime.cfg").read_text()
    assert f"api_url = http://127.0.0.1:{tracker.config.read_text().split()[3]}/api/v1" in cfg
    assert "api_key = " in cfg and "backup" not in out.lower() or ".tracker-desktop-backup" in out

    t0 = time.time() - 40 * 60
    tracker.serve()
    try:
        assert wakatime(home, app / "app/main.py", t0) == 0
        assert wakatime(home, app / "app/main.py", t0 + 120) == 0
        assert wakatime(home, app / "app/util.py", t0 + 300, write=True) == 0
        assert wakatime(home, web / "index.ts", t0 + 600) == 0
        assert wakatime(home, web / "index.ts", t0 + 900) == 0
        assert wakatime(home, src / "missing.py", t0 + 950) == 0  # skipped by the CLI itself
        assert queued(home) == 0
    finally:
        tracker.stop()

    # The endpoint is down: the CLI keeps the heartbeats in its offline queue.
    assert wakatime(home, web / "index.ts", t0 + 1000) != 0
    assert wakatime(home, app / "app/main.py", t0 + 1100, write=True) != 0
    assert queued(home) == 2

    tracker.serve()
    try:
        # Up again: the next heartbeat is sent, then the queue is synced.
        assert wakatime(home, app / "app/main.py", t0 + 1200) == 0
        assert queued(home) == 0
        assert wakatime(home, app / "app/main.py", t0 + 1300) == 0
        status = json.loads(tracker.run("wakatime", "status", "--json"))
    finally:
        tracker.stop()

    assert status["serving"] is True and status["configured"] is True
    assert [(e["editor"], e["heartbeats"]) for e in status["editors"]] == [("vim", 9)]

    events = json.loads(tracker.run("events", "--source", "editor", "--all", "--json"))
    seen = [(e["data"]["file"].replace(str(src), ""), e["data"].get("project"),
             e["data"].get("language"), e["data"].get("branch"), e["duration"],
             e["counts"].get("writes", 0)) for e in events]
    assert seen == [
        ("/app/app/main.py", "app", "Python", "main", 300.0, 0),
        ("/app/app/util.py", "app", "Python", "main", 300.0, 1),
        # 600..900, then the queued 1000 (sent after 1200: recomputed in time order) to 1100.
        ("/web/index.ts", "web", "TypeScript", "feature-x", 500.0, 0),
        ("/app/app/main.py", "app", "Python", "main", 200.0, 1),  # 1100..1300, each once
    ]
    assert all(e["data"]["editor"] == "vim" and e["data"]["category"] == "coding" for e in events)

    first = datetime.fromtimestamp(t0, timezone.utc).date()
    last = datetime.fromtimestamp(t0 + 1300, timezone.utc).date()
    report = json.loads(tracker.run("report", "--start", str(first), "--end", str(last), "--json"))
    projects = {p["name"]: p["seconds"] for p in report["projects"]}
    languages = {p["name"]: p["seconds"] for p in report["languages"]}
    files = {p["name"].replace(str(src), ""): p["seconds"] for p in report["files"]}
    assert projects == pytest.approx({"app": 800.0, "web": 500.0}, abs=2)
    assert languages == pytest.approx({"Python": 800.0, "TypeScript": 500.0}, abs=2)
    assert files == pytest.approx({"/app/app/main.py": 500.0, "/app/app/util.py": 300.0,
                                   "/web/index.ts": 500.0}, abs=2)
    assert report["editor"].get("writes") == 2

    # Unconfigure puts back what was there (nothing: the file did not exist), keeping the rest.
    tracker.run("wakatime", "unconfigure")
    assert "api_url" not in (Path(home["HOME"]) / ".wakatime.cfg").read_text()
