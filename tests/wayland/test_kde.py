"""KDE Plasma on Wayland: the tracker exposes its receiver on a real dbus-daemon session bus and
loads its KWin script through a stand-in for KWin's Scripting D-Bus interface; the stand-in runs
the real script in node with a KWin-like `workspace`, whose `callDBus` calls the receiver for real
(dbus-send). No KWin runs here (kwin_wayland --virtual is not used: see docs/ARCHITECTURE.md)."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from tests.wayland.standins import DBusService, SessionBus, wait_for
from tests.x11.desktop import unavailable

pytestmark = pytest.mark.wayland
SHIM = Path(__file__).with_name("kwin_shim.js")


class FakeKWin:
    """org.kde.KWin's Scripting interface: loadScript/unloadScript, and Script.run, which starts
    the loaded script in the node shim."""

    def __init__(self, address: str, plasma: str) -> None:
        self.plasma = plasma
        self.loaded: dict[str, str] = {}  # plugin -> the script's text
        self.unloaded: list[str] = []
        self.runtime: subprocess.Popen | None = None
        self._path = ""
        self._lock = threading.Lock()
        self.service = DBusService(address, "org.kde.KWin", {
            ("org.kde.kwin.Scripting", "loadScript"): self.load,
            ("org.kde.kwin.Scripting", "unloadScript"): self.unload,
            ("org.kde.kwin.Script", "run"): self.run,
        })

    def load(self, path: str, plugin: str):
        self.loaded[plugin] = Path(path).read_text()
        self._path = path
        return "i", (7,)

    def unload(self, plugin: str):
        self.unloaded.append(plugin)
        return "b", (plugin in self.loaded,)

    def run(self):
        # The script calls the tracker as soon as it runs (the active window): start it and reply
        # at once, as KWin does, so the tracker's receiver is free to answer.
        self.runtime = subprocess.Popen(
            ["node", str(SHIM), self._path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, env={**__import__("os").environ, "PLASMA": self.plasma})
        return "", ()

    def send(self, line: str) -> str:
        assert self.runtime is not None and self.runtime.stdin is not None
        self.runtime.stdin.write(line + "\n")
        self.runtime.stdin.flush()
        while True:
            out = self.runtime.stdout.readline()
            if not out:
                raise AssertionError("the KWin script runtime exited")
            if out.startswith("done"):
                return out.strip()

    def stop(self) -> None:
        if self.runtime is not None:
            self.runtime.kill()
            self.runtime.wait()
        self.service.stop()


@pytest.fixture(params=["6", "5"], ids=["plasma6", "plasma5"])
def kwin(request, tmp_path, monkeypatch):
    if not shutil.which("node"):
        unavailable("the KWin script runtime stand-in needs node (apt package nodejs)")
    bus = SessionBus(tmp_path).start()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    fake = FakeKWin(bus.address, request.param)
    yield fake
    fake.stop()
    bus.stop()


def test_kwin_script_reports_activations_and_captions_to_the_probe(kwin):
    from collectors.kde import KWinWindowProbe

    sleeper = subprocess.Popen(["sleep", "60"])
    probe = KWinWindowProbe()
    woken = threading.Event()
    probe.start(woken.set)
    try:
        assert list(kwin.loaded) == [probe.plugin]
        assert f'"{probe.bus_name}"' in kwin.loaded[probe.plugin]
        kwin.send("ready?")  # the runtime's "ready" line is consumed here
        # The script reports the active window as soon as it runs: none yet.
        wait_for(lambda: probe.reports >= 1, "the script's first report")
        assert probe.active_window() is None
        kwin.send(f"activate org.kde.kate {sleeper.pid} notes.txt — Kate")
        info = wait_for(probe.active_window, "the activation to reach the probe")
        assert (info.app, info.title, info.pid) == ("sleep", "notes.txt — Kate", sleeper.pid)
        assert woken.is_set()
        woken.clear()
        kwin.send("caption notes.txt * — Kate")
        wait_for(lambda: (probe.active_window() or info).title == "notes.txt * — Kate",
                 "the caption change")
        assert woken.is_set()
        out = kwin.send("activate org.kde.dolphin 0 Home — Dolphin")
        assert out.endswith("followers=1"), out  # the old window's caption is no longer followed
        info = wait_for(lambda: (w := probe.active_window()) and w.app == "org.kde.dolphin" and w,
                        "Dolphin")
        assert (info.title, info.pid) == ("Home — Dolphin", None)
        kwin.send("none")
        wait_for(lambda: probe.active_window() is None, "no active window")
    finally:
        probe.close()
        sleeper.kill()
        sleeper.wait()
    assert kwin.unloaded[-1] == probe.plugin  # closing unloads the script


def test_no_kwin_on_the_bus_turns_the_probe_off_with_the_reason(tmp_path, monkeypatch):
    from collectors.base import CollectorUnavailable
    from collectors.kde import KWinWindowProbe

    bus = SessionBus(tmp_path).start()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    try:
        with pytest.raises(CollectorUnavailable, match="KWin did not load the tracker's script"):
            KWinWindowProbe()
    finally:
        bus.stop()
