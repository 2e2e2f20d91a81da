"""`tracker-desktop dashboard` with a tray app running on the same data dir hands the request to
it over the single-instance socket (a real process talking to a real QLocalServer) and exits."""

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import msgspec
import pytest

pytest.importorskip("PySide6")

from tracker_desktop.app import build_app  # noqa: E402
from tracker_desktop.config import Settings  # noqa: E402
from tracker_desktop.domain.clock import FakeClock  # noqa: E402


def test_dashboard_hands_over_to_the_running_tray(qtbot, data_dir, tmp_path):
    from ui.single_instance import InstanceServer

    build_app(msgspec.structs.replace(Settings(), data_dir=data_dir),
              FakeClock(datetime(2026, 1, 5, tzinfo=timezone.utc))).close()
    server = InstanceServer(data_dir)
    assert server.listen()
    try:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"))
        env.pop("TRACKER_CONFIG", None)
        exe = str(Path(sys.executable).parent / "tracker-desktop")
        with qtbot.waitSignal(server.message, timeout=30_000) as got:
            proc = subprocess.Popen([exe, "--data-dir", str(data_dir), "dashboard", "--week",
                                     "2026-W02"], env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=30_000)
        out, err = proc.communicate()
    finally:
        server.close()
    assert got.args[0] == {"open": "dashboard", "period": "week", "date": "2026-01-05"}
    assert proc.returncode == 0, err
    assert "The running tracker opened its dashboard." in out
