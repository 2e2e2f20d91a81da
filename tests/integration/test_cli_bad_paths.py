"""Bad data dirs, damaged databases and unreadable settings: exit 2 with a message, never a
traceback, nothing changed (issue 7, items 6 and 8); the record private on disk (item 8b).

Every test runs the real command in a subprocess, as a person would.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pytest

HEARTBEAT = ('{"source": "window", "timestamp": "2026-01-05T09:00:00+00:00", '
             '"data": {"app": "code", "title": "main.py"}}\n')
NOBODY = 65534


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "TRACKER_DATA_DIR", "TRACKER_CONFIG")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "share"), TRACKER_LOG_DIR=str(home / "logs"))
    return env


def tracker(home: Path, *args: str, as_nobody: bool = False,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    prefix = [] if not as_nobody else [
        "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    return subprocess.run([*prefix, sys.executable, "-m", "tracker_desktop", *args],
                          env=_env(home), capture_output=True, text=True, timeout=timeout)


def verbs(heartbeats: Path) -> list[list[str]]:
    return [["run", "--headless"], ["import", str(heartbeats)], ["events"], ["status"], ["pause"],
            ["resume"], ["report"], ["rebuild"]]


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Every path under root with its mode and content hash: 'nothing changed' made checkable."""
    out = {}
    for p in sorted(root.rglob("*")):
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        out[str(p.relative_to(root))] = (stat.S_IMODE(p.lstat().st_mode), digest)
    return out


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    (tmp_path / "hb.jsonl").write_text(HEARTBEAT)
    return h


def assert_clear_error(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    assert any(line.startswith("tracker-desktop: ") for line in result.stderr.splitlines())
    for phrase in phrases:
        assert phrase in result.stderr


@pytest.mark.parametrize("under", [False, True], ids=["a file", "under a file"])
def test_a_data_dir_that_is_a_file_is_a_clear_error_for_every_verb(home, tmp_path, under):
    place = tmp_path / "place"
    place.mkdir()
    afile = place / "notes.txt"
    afile.write_text("my notes\n")
    data_dir = afile / "tracker" if under else afile
    before = snapshot(place)
    for verb in verbs(tmp_path / "hb.jsonl"):
        result = tracker(home, "--data-dir", str(data_dir), *verb)
        assert_clear_error(result, f"{afile} is a file", "directory")
    assert snapshot(place) == before


def _damage(db: Path, *, keep_header: bool) -> None:
    data = bytearray(db.read_bytes())
    start = 100 if keep_header else 0  # past the 100-byte header: SQLite finds it on the first read
    data[start:8192] = b"\x5a" * (8192 - start)
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("keep_header", [False, True], ids=["not a database", "damaged pages"])
def test_a_damaged_database_is_left_untouched_with_a_way_to_recover(home, tmp_path, keep_header):
    data_dir = tmp_path / "data"
    assert tracker(home, "--data-dir", str(data_dir), "import", str(tmp_path / "hb.jsonl")).returncode == 0
    db = data_dir / "tracker.sqlite3"
    _damage(db, keep_header=keep_header)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    for verb in verbs(tmp_path / "hb.jsonl"):
        result = tracker(home, "--data-dir", str(data_dir), *verb)
        assert_clear_error(result, f"{db} cannot be used", "left untouched", "move it aside",
                           "restore a backup")
        assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temp dir another user can enter (pytest's tmp_path is private to its owner)."""
    path = Path(tempfile.mkdtemp(prefix="tracker-ro-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        for p in [path, *path.rglob("*")]:
            if p.is_dir():
                p.chmod(0o755)
        shutil.rmtree(path)


def test_a_read_only_data_dir_is_a_clear_error_and_nothing_changes(shared_tmp):
    # The permission bits do not bind root; drop to `nobody` then, as a real user would be.
    as_nobody = os.geteuid() == 0
    if as_nobody and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv to drop to another user")
    home = shared_tmp / "home"
    home.mkdir()
    heartbeats = shared_tmp / "hb.jsonl"
    heartbeats.write_text(HEARTBEAT)
    data_dir = shared_tmp / "data"
    assert tracker(home, "--data-dir", str(data_dir), "import", str(heartbeats)).returncode == 0
    for p in [shared_tmp, *shared_tmp.rglob("*")]:  # readable by the other user, writable by none
        p.chmod(0o555 if p.is_dir() else 0o444)
    before = snapshot(data_dir)
    for verb in verbs(heartbeats):
        result = tracker(home, "--data-dir", str(data_dir), *verb, as_nobody=as_nobody)
        assert_clear_error(result, "is read-only", "needs write access", "chmod u+w")
    assert snapshot(data_dir) == before


def test_a_config_file_that_is_not_utf8_is_a_clear_error(home, tmp_path):
    config = tmp_path / "config.toml"
    config.write_bytes(b"[tracking]\n# caf\xe9\npoll_seconds = 2\n")
    for verb in [*verbs(tmp_path / "hb.jsonl"), ["config"]]:
        result = tracker(home, "--config", str(config), "--data-dir", str(tmp_path / "d"), *verb)
        assert_clear_error(result, f"{config}: not UTF-8 text", "save it as UTF-8")
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("verb", [["status"], ["report"], ["events"], ["rebuild"]])
def test_reading_verbs_never_create_a_database(home, tmp_path, verb):
    typo = tmp_path / "typo"
    result = tracker(home, "--data-dir", str(typo), *verb)
    assert_clear_error(result, f"there is no database in {typo}", "tracker-desktop run")
    assert not typo.exists()
    typo.mkdir()  # an existing but empty dir stays empty too
    assert_clear_error(tracker(home, "--data-dir", str(typo), *verb), "there is no database")
    assert list(typo.iterdir()) == []


def test_config_names_a_database_that_does_not_exist_yet(home, tmp_path):
    typo = tmp_path / "typo"
    result = tracker(home, "--data-dir", str(typo), "config")
    assert result.returncode == 0, result.stderr
    assert "does not exist yet" in result.stdout and str(typo / "tracker.sqlite3") in result.stdout
    info = json.loads(tracker(home, "--data-dir", str(typo), "config", "--json").stdout)
    assert info["database_exists"] is False
    assert not typo.exists()


def test_import_creates_a_private_data_dir_and_database(home, tmp_path):
    data_dir = tmp_path / "new" / "data"
    old_umask = os.umask(0o022)  # the usual default, which would give 0755/0644
    try:
        result = tracker(home, "--data-dir", str(data_dir), "import", str(tmp_path / "hb.jsonl"))
    finally:
        os.umask(old_umask)
    assert result.returncode == 0, result.stderr
    assert mode(data_dir) == 0o700
    files = list(data_dir.iterdir())
    assert {p.name for p in files} >= {"tracker.sqlite3", "tracker.sqlite3.tracker.lock",
                                       "tracker.sqlite3.migrate.lock"}
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}


def test_an_existing_world_readable_record_is_made_private_with_a_log_line(home, tmp_path):
    data_dir = tmp_path / "data"
    assert tracker(home, "--data-dir", str(data_dir), "import", str(tmp_path / "hb.jsonl")).returncode == 0
    db = data_dir / "tracker.sqlite3"
    db.chmod(0o644)
    data_dir.chmod(0o755)  # as earlier versions left them
    result = tracker(home, "--data-dir", str(data_dir), "status")
    assert result.returncode == 0, result.stderr
    assert mode(db) == 0o600 and mode(data_dir) == 0o700
    assert f"made {db} private to you (mode 0644 -> 0600)" in result.stderr
    assert f"made {data_dir} private to you (mode 0755 -> 0700)" in result.stderr
    again = tracker(home, "--data-dir", str(data_dir), "status")
    assert "private to you" not in again.stderr  # once


def test_a_shared_directory_given_as_data_dir_keeps_its_mode(home, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    (shared / "someone-elses.txt").write_text("x")
    assert tracker(home, "--data-dir", str(shared), "pause").returncode == 0
    assert mode(shared) == 0o755  # not ours to change; the database in it is private
    assert mode(shared / "tracker.sqlite3") == 0o600


@pytest.mark.timeout(90)
def test_a_running_tracker_keeps_every_file_private(home, tmp_path):
    data_dir = tmp_path / "data"
    log_dir = home / "logs"
    log_dir.mkdir()
    old_log = log_dir / "tracker-desktop.log"
    old_log.write_text("an old line\n")
    old_log.chmod(0o644)
    log_dir.chmod(0o755)
    proc = subprocess.Popen([sys.executable, "-m", "tracker_desktop", "--data-dir", str(data_dir),
                             "run", "--headless"], env=_env(home), stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:  # wait for the positive signal: the tracker reports itself running
            status = tracker(home, "--data-dir", str(data_dir), "status", "--json")
            if status.returncode == 0 and json.loads(status.stdout)["running"]:
                break
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr
            time.sleep(0.2)
        files = {p.name: mode(p) for p in data_dir.iterdir()}
        assert "tracker.sqlite3-wal" in files and "tracker.sqlite3-shm" in files
        assert files == {name: 0o600 for name in files}
        assert mode(data_dir) == 0o700
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert mode(log_dir) == 0o700
    assert {p.name: mode(p) for p in log_dir.iterdir()} == {p.name: 0o600 for p in log_dir.iterdir()}
    log_text = old_log.read_text()
    assert "an old line" in log_text and "private to you (mode 0644 -> 0600)" in log_text
