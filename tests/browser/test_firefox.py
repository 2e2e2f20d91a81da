"""The same extension source, packaged for Firefox (dist/firefox), in Debian's Firefox ESR
(headless, Marionette) with the host registered by `tracker-desktop install --browser firefox`:
visits land as browser events of `firefox`, through `allowed_extensions` and the gecko id."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from tests.native.hostproc import HostEnv

from .chromium import Pages
from .firefox import Firefox, available

EXTENSION = Path(__file__).resolve().parents[2] / "extensions" / "browser"


def test_visits_in_firefox_land_in_the_database(tmp_path: Path, pages: Pages) -> None:
    if not available():
        message = "firefox-esr (apt) and npm are needed: scripts/setup_node.sh installs them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    host = HostEnv(tmp_path)
    env = dict(host.env, XDG_DATA_HOME=str(tmp_path / "home" / ".local" / "share"))
    done = subprocess.run([sys.executable, "-m", "tracker_desktop", "install", "--browser",
                           "firefox", "--no-autostart"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "home/.mozilla/native-messaging-hosts/org.tracker_desktop.host.json").exists()
    packaged = subprocess.run(["npm", "run", "--silent", "package"], cwd=EXTENSION,
                              capture_output=True, text=True, timeout=120)
    assert packaged.returncode == 0, packaged.stderr

    firefox = Firefox(tmp_path / "ff-profile", env, ["site-a.test", "site-b.test"])
    try:
        assert firefox.install_temporary(EXTENSION / "dist" / "firefox") == "browser@tracker-desktop.org"
        time.sleep(2)  # the background script starts and says hello to the host
        firefox.navigate(pages.url("site-a.test", "a"))
        time.sleep(4)
        firefox.navigate(pages.url("site-b.test", "b"))
        time.sleep(3)
        firefox.navigate(pages.url("site-a.test", "c"))
        deadline = time.monotonic() + 30
        per: dict[str, float] = {}
        while time.monotonic() < deadline:
            events = host.events("browser") if host.db.exists() else []
            per = defaultdict(float)
            for e in events:
                per[e["data"]["domain"]] += e["duration"]
            if per.get("site-a.test", 0) >= 3 and per.get("site-b.test", 0) >= 2:
                break
            time.sleep(0.5)
    finally:
        firefox.close()
    assert per.get("site-a.test", 0) == pytest.approx(4, abs=1.5), dict(per)
    assert per.get("site-b.test", 0) == pytest.approx(3, abs=1.5), dict(per)
    events = host.events("browser")
    assert {e["data"]["browser"] for e in events} == {"firefox"}
    assert {"Page a", "Page b"} <= {e["data"]["title"] for e in events}
