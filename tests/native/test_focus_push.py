"""Focus sessions started and stopped by the CLI reach a running host as `focus` pushes."""

from __future__ import annotations

from datetime import datetime, timezone

from .hostproc import HostEnv


def test_focus_start_and_stop_from_the_cli_are_pushed(host_env: HostEnv) -> None:
    host = host_env.host()
    assert host.request({"type": "hello", "id": 1, "client": "vscode"})["focus"]["active"] is False
    started = host_env.cli("focus", "start", "--minutes", "25")
    assert started.returncode == 0, started.stderr
    push = host.recv_type("focus", timeout=15)
    assert push["active"] is True and push["phase"] == "work" and push["mode"] == "pomodoro"
    assert push["blocklist"] == ["blocked.test", "distracting.test"]
    until = datetime.fromisoformat(push["until"])
    left = (until - datetime.now(timezone.utc)).total_seconds()
    assert 23 * 60 < left <= 25 * 60 + 1
    assert 23 * 60 < push["remaining_seconds"] <= 25 * 60

    paused = host_env.cli("focus", "pause")
    assert paused.returncode == 0, paused.stderr
    push = host.recv_type("focus", timeout=15)
    assert push["active"] is False and push["paused"] is True and push["until"] is None

    assert host_env.cli("focus", "resume").returncode == 0
    assert host.recv_type("focus", timeout=15)["active"] is True

    stopped = host_env.cli("focus", "stop")
    assert stopped.returncode == 0, stopped.stderr
    push = host.recv_type("focus", timeout=15)
    assert push["active"] is False and push["session_id"] is None and push["phase"] is None
    # The host answers as before, and `hello` from a new host sees the same state.
    assert host.request({"type": "query", "what": "today", "id": 2})["focus"]["active"] is False
    assert host.close() == 0
