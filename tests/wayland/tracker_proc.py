"""`tracker-desktop run --headless` inside the headless sway, as the sway session's user."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.wayland.desktop import USER_VENV, SwayDesktop
from tests.x11.tracker_proc import Run


class SwayRun(Run):
    """The X11 suite's `Run` (read-only looks at the file, stop, kill), started in sway as its
    user from the Debian-Python virtualenv."""

    def __init__(self, desktop: SwayDesktop, name: str) -> None:
        self.desktop = desktop
        base = desktop.mkdir(name)
        self.data_dir = desktop.mkdir(f"{name}/data")
        self.db = self.data_dir / "tracker.sqlite3"
        self.env = desktop.env(XDG_CONFIG_HOME=str(desktop.mkdir(f"{name}/config")),
                               TRACKER_LOG_DIR=str(desktop.mkdir(f"{name}/logs")),
                               PYTHONDONTWRITEBYTECODE="1")
        self.log = base / "tracker.log"
        self.proc: subprocess.Popen | None = None
        self.cli_path = str((USER_VENV if os.geteuid() == 0 else Path(os.sys.executable).parent.parent)
                            / "bin" / "tracker-desktop")

    def start(self, poll: float = 0.5, afk_timeout: float = 120) -> None:
        self.proc = self.desktop.popen(
            [self.cli_path, "--data-dir", str(self.data_dir), "-v", "run", "--headless",
             "--poll-seconds", str(poll), "--afk-timeout", str(afk_timeout)],
            self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.log, "wb"))

    def cli(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        kw = {}
        if self.desktop.user is not None:
            kw = dict(user=self.desktop.user.pw_uid, group=self.desktop.user.pw_gid, extra_groups=[])
        return subprocess.run([self.cli_path, "--data-dir", str(self.data_dir), *args],
                              env=self.env, capture_output=True, text=True, timeout=timeout,
                              cwd=str(self.desktop.workdir), **kw)
