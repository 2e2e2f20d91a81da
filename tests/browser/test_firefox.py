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
from typing import Callable

import pytest

from tests.native.hostproc import HostEnv
from tests.x11.desktop import wait_until

from .chromium import Pages
from .firefox import Firefox, available

EXTENSION = Path(__file__).resolve().parents[2] / "extensions" / "browser"


def _host_registered_and_extension_packaged(tmp_path: Path) -> tuple[HostEnv, dict[str, str]]:
    """The host installed for Firefox under a temporary home (`install --browser firefox`) and
    the extension packaged into dist/firefox; fails under CI (skips elsewhere) without Firefox."""
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
    packaged = subprocess.run(["npm", "run", "--silent", "package"], cwd=EXTENSION,
                              capture_output=True, text=True, timeout=120)
    assert packaged.returncode == 0, packaged.stderr
    return host, env


def test_visits_in_firefox_land_in_the_database(tmp_path: Path, pages: Pages) -> None:
    host, env = _host_registered_and_extension_packaged(tmp_path)
    assert (tmp_path / "home/.mozilla/native-messaging-hosts/org.tracker_desktop.host.json").exists()

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


def _depth(host: HostEnv, url: str) -> int:
    events = host.events("browser") if host.db.exists() else []
    return max((e["counts"].get("scroll_depth", -1) for e in events if e["data"]["url"] == url),
               default=-1)


def _wait_depth(host: HostEnv, url: str, ok: Callable[[int], bool], timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while True:
        depth = _depth(host, url)
        if ok(depth) or time.monotonic() > deadline:
            return depth
        time.sleep(0.5)


def test_the_deepest_scroll_in_firefox_is_kept_as_a_gauge(tmp_path: Path, pages: Pages) -> None:
    """Issue 9 in Firefox: the same content script and worker code. Each scroll is followed by a
    navigation, whose heartbeat ends the page's event carrying its deepest scroll (the worker
    learned it after the page's last heartbeat)."""
    host, env = _host_registered_and_extension_packaged(tmp_path)
    article = pages.url("read.test", "article?tall=12000")
    elsewhere = pages.url("site-b.test", "b")
    firefox = Firefox(tmp_path / "ff-profile", env, ["read.test", "site-b.test"])
    try:
        firefox.install_temporary(EXTENSION / "dist" / "firefox")
        time.sleep(2)  # the background script starts and says hello to the host
        firefox.navigate(article)
        time.sleep(1)
        firefox.execute("window.scrollTo(0, document.documentElement.scrollHeight / 2"
                        " - window.innerHeight)")
        time.sleep(3)  # the content script's 250 ms throttle, then its message to the worker
        firefox.navigate(elsewhere)
        half = _wait_depth(host, article, lambda d: d >= 45)
        # Back to the article (a new visit: another page came between), all the way down.
        firefox.navigate(article)
        time.sleep(1)
        firefox.execute("window.scrollTo(0, document.documentElement.scrollHeight)")
        time.sleep(3)
        firefox.navigate(elsewhere)
        bottom = _wait_depth(host, article, lambda d: d != half)
    finally:
        firefox.close()
    assert half == pytest.approx(50, abs=2)
    assert bottom == 100
    # One event per visit, each holding the maximum of its heartbeats (load, title, the last one
    # at the navigation), none a sum; the second visit started over from the top.
    visits = [e["counts"].get("scroll_depth") for e in host.events("browser")
              if e["data"]["url"] == article and e["data"]["title"] == "Page article"]
    assert len(visits) == 2 and visits[0] == half and visits[1] == 100, visits


def _wait_page(firefox: Firefox, ok: Callable[[str, str], bool], what: str,
               timeout: float = 30) -> tuple[str, str]:
    """The current page's (URL, title) once `ok` holds for them."""
    return wait_until(lambda: page if ok(*(page := firefox.current())) else None, timeout, what,
                      interval=0.3)


def test_focus_mode_blocks_a_listed_site_in_firefox_and_unblocks_it_after(
        tmp_path: Path, pages: Pages) -> None:
    """Issue 9's focus blocking in Firefox: the same declarativeNetRequest rules (Firefox's own
    implementation) send a listed site to the extension's local page while a session runs; when it
    ends that page goes back to the site and the site loads again."""
    host, env = _host_registered_and_extension_packaged(tmp_path)
    news = pages.url("blocked.test", "news")
    firefox = Firefox(tmp_path / "ff-profile", env, ["blocked.test", "site-a.test"])
    try:
        firefox.install_temporary(EXTENSION / "dist" / "firefox")
        firefox.navigate(news)
        assert firefox.current() == (news, "Page news")  # no session yet: the site loads

        started = host.cli("focus", "start", "--minutes", "25")
        assert started.returncode == 0, started.stderr

        def blocked(url: str, title: str) -> bool:
            if url.startswith("moz-extension://"):
                return True
            firefox.navigate(news)  # the rules come with the host's next focus push
            return False

        url, _ = _wait_page(firefox, blocked, "the listed site to be blocked")
        assert "blocked.html" in url
        _wait_page(firefox, lambda u, t: "is blocked" in firefox.execute(
            "return document.body.innerText"), "the blocked page's text")
        shown = firefox.execute("return document.body.innerText")
        assert "blocked.test is blocked" in shown
        left = shown.split(" left")[0].split()[-1]  # "24:58 left"
        minutes, seconds = map(int, left.split(":"))
        assert 23 * 60 < minutes * 60 + seconds <= 25 * 60
        other = pages.url("site-a.test", "ok")
        firefox.navigate(other)
        assert firefox.current() == (other, "Page ok")  # a site not on the list loads
        firefox.navigate(news)
        _wait_page(firefox, lambda u, t: u.startswith("moz-extension://"), "blocked again")

        stopped = host.cli("focus", "stop")
        assert stopped.returncode == 0, stopped.stderr
        # The blocked page goes back to the site by itself once the session has ended.
        assert _wait_page(firefox, lambda u, t: (u, t) == (news, "Page news"),
                          "the blocked page to go back to the site") == (news, "Page news")
    finally:
        firefox.close()
