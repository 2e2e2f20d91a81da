"""`tracker-desktop run --headless` serves the WakaTime API beside the tracker (its writes go
through the tracker's one writer); `wakatime serve` on the same port then says the port is taken."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.wakatime.conftest import free_port, write_config

TRACKER = Path(sys.executable).parent / "tracker-desktop"


def test_run_headless_serves_the_api_and_writes_everything_at_sigterm(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY") and not k.startswith("TRACKER_")}
    env.update(XDG_DATA_HOME=str(tmp_path / "xdg"), TRACKER_LOG_DIR=str(tmp_path / "logs"),
               PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring", HOME=str(tmp_path))
    base = [str(TRACKER), "--data-dir", str(tmp_path / "data"),
            "--config", str(write_config(tmp_path / "config.toml", port))]
    cfg = tmp_path / "waka.cfg"
    subprocess.run([*base, "wakatime", "configure", "--wakatime-cfg", str(cfg)], env=env,
                   check=True, capture_output=True)
    key = [ln.split(" = ")[1] for ln in cfg.read_text().splitlines() if ln.startswith("api_key")][0]
    auth = {"Authorization": "Basic " + base64.b64encode(key.encode()).decode()}
    proc = subprocess.Popen([*base, "run", "--headless"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/api/v1"
        deadline = time.monotonic() + 60
        while True:
            try:
                ready = httpx.get(f"{url}/users/current/statusbar/today", headers=auth)
                break
            except httpx.ConnectError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr
                time.sleep(0.1)
        assert ready.status_code == 200
        t = time.time() - 600
        r = httpx.post(f"{url}/users/current/heartbeats.bulk", headers=auth, json=[
            {"entity": "/src/a.py", "time": t, "project": "p", "language": "Python"},
            {"entity": "/src/a.py", "time": t + 60, "project": "p", "language": "Python"}])
        assert [s for _, s in r.json()["responses"]] == [201, 201]
        # One endpoint per database; and a port taken by anything else is said so.
        same_db = subprocess.run([*base, "wakatime", "serve", "--port", str(free_port())],
                                 env=env, capture_output=True, text=True, timeout=60)
        assert same_db.returncode == 2 and "already serves the WakaTime API" in same_db.stderr
        other_db = [base[0], "--data-dir", str(tmp_path / "other"), *base[3:]]
        taken = subprocess.run([*other_db, "wakatime", "serve"], env=env, capture_output=True,
                               text=True, timeout=60)
        assert taken.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in taken.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
    events = json.loads(subprocess.run([*base, "events", "--source", "editor", "--json"], env=env,
                                       check=True, capture_output=True, text=True).stdout)
    assert [(e["data"]["file"], e["duration"]) for e in events] == [("/src/a.py", 60.0)]
