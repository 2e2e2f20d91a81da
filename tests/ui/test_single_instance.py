"""One instance per data dir: a second launch's message reaches the first over a local socket."""

import json
import subprocess
import sys

import pytest

pytest.importorskip("PySide6")

from ui.single_instance import InstanceServer, send_to_running, server_name  # noqa: E402

CLIENT = """
import json, sys
from pathlib import Path
from ui.single_instance import send_to_running
print(json.dumps(send_to_running(Path(sys.argv[1]), json.loads(sys.argv[2]), 5000)))
"""


def test_names_differ_per_data_dir(tmp_path):
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a") == server_name(tmp_path / "x" / ".." / "a")


def test_nobody_running_is_false(tmp_path, qapp):
    assert send_to_running(tmp_path, {"open": "settings"}, timeout_ms=200) is False


def test_a_second_process_hands_its_message_to_the_first(tmp_path, qtbot):
    server = InstanceServer(tmp_path)
    assert server.listen()
    msg = {"open": "dashboard", "period": "week", "date": "2026-01-05"}
    client = subprocess.Popen([sys.executable, "-c", CLIENT, str(tmp_path), json.dumps(msg)],
                              stdout=subprocess.PIPE, text=True)
    try:
        with qtbot.waitSignal(server.message, timeout=10000) as got:
            pass
        out, _ = client.communicate(timeout=10)
    finally:
        client.kill()
        server.close()
    assert got.args == [msg]
    assert json.loads(out) is True


def test_a_stale_socket_is_taken_over(tmp_path, qapp):
    first = InstanceServer(tmp_path)
    assert first.listen()
    second = InstanceServer(tmp_path)
    # A second listener on the same name (a crashed first instance's leftover) takes it over.
    assert second.listen()
    first.close()
    second.close()
