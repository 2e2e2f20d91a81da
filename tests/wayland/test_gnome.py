"""GNOME on Wayland: the extension's D-Bus interface and Mutter's IdleMonitor, read by the
tracker's probes over a real dbus-daemon session bus from a stand-in service speaking exactly
those interfaces (no GNOME Shell runs here); and the extension's installation."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.wayland.standins import DBusService, SessionBus

pytestmark = pytest.mark.wayland


@pytest.fixture
def bus(tmp_path, monkeypatch):
    session = SessionBus(tmp_path).start()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session.address)
    yield session
    session.stop()


class FakeShell:
    """What the extension's Get() returns, and Mutter's idle time."""

    def __init__(self) -> None:
        self.window = (False, "", "", "", 0)
        self.idle_ms = 0

    def services(self, address: str) -> list[DBusService]:
        from collectors import gnome

        return [
            DBusService(address, gnome.BUS_NAME, {
                (gnome.INTERFACE, "Get"): lambda: ("bsssu", self.window)}),
            DBusService(address, gnome.MUTTER_IDLE_NAME, {
                (gnome.MUTTER_IDLE_NAME, "GetIdletime"): lambda: ("t", (self.idle_ms,))}),
        ]


@pytest.fixture
def shell(bus):
    fake = FakeShell()
    services = fake.services(bus.address)
    yield fake
    for s in services:
        s.stop()


def test_window_probe_reads_the_extension(shell):
    from collectors.gnome import GnomeWindowProbe

    sleeper = subprocess.Popen(["sleep", "60"])
    probe = GnomeWindowProbe()
    try:
        assert probe.active_window() is None  # nothing focused
        shell.window = (True, "org.gnome.TextEditor.desktop", "org.gnome.TextEditor", "notes — Text Editor",
                        sleeper.pid)
        info = probe.active_window()
        assert info is not None
        assert (info.app, info.title, info.pid) == ("sleep", "notes — Text Editor", sleeper.pid)
        shell.window = (True, "org.gnome.Nautilus.desktop", "", "Home", 0)
        info = probe.active_window()
        assert info is not None and (info.app, info.title, info.pid) == ("org.gnome.Nautilus", "Home", None)
    finally:
        probe.close()
        sleeper.kill()
        sleeper.wait()


def test_window_probe_without_the_extension_says_how_to_install_it(bus):
    from collectors.base import CollectorUnavailable
    from collectors.gnome import GnomeWindowProbe

    with pytest.raises(CollectorUnavailable, match="tracker-desktop install.*gnome-extensions enable"):
        GnomeWindowProbe()


def test_mutter_idle_probe_reads_milliseconds(shell):
    from collectors.gnome import MutterIdleProbe

    probe = MutterIdleProbe()
    try:
        shell.idle_ms = 4250
        assert probe.idle_seconds() == 4.25
        shell.idle_ms = 0
        assert probe.idle_seconds() == 0.0
    finally:
        probe.close()


def test_the_plan_builds_the_gnome_probes(shell, monkeypatch):
    from collectors.gnome import GnomeWindowProbe, MutterIdleProbe
    from tracker_desktop.app import build_collectors
    from tracker_desktop.config import Settings
    from tracker_desktop.domain.clock import SystemClock

    for key in ("DISPLAY", "SWAYSOCK", "HYPRLAND_INSTANCE_SIGNATURE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "ubuntu:GNOME")
    shell.window = (True, "org.gnome.Console.desktop", "kgx", "~", 0)
    collectors, listener, watcher = build_collectors(Settings(), SystemClock())
    try:
        assert isinstance(collectors.window_probe, GnomeWindowProbe)
        assert isinstance(collectors.idle_probe, MutterIdleProbe)
        assert watcher is None and listener is None
        assert collectors.probes == {"window": "gnome-shell-extension", "afk": "mutter-idle-monitor"}
        assert set(collectors.unavailable) == {"input"}
    finally:
        collectors.close()


@pytest.mark.parametrize("major, module", [(46, True), (43, False)])
def test_install_gnome_extension_copies_the_copy_for_the_shell(tmp_path, major, module):
    from collectors.gnome import EXTENSION_UUID, extension_source, install_gnome_extension

    home = tmp_path / "home"
    target = install_gnome_extension(home, shell_major=major)
    assert target == home / ".local/share/gnome-shell/extensions" / EXTENSION_UUID
    metadata = json.loads((target / "metadata.json").read_text())
    assert metadata["uuid"] == EXTENSION_UUID == target.name
    assert str(major) in metadata["shell-version"]
    code = (target / "extension.js").read_text()
    assert code == (extension_source(major) / "extension.js").read_text()
    assert ("export default class" in code) is module
    assert ("function init()" in code) is not module
    # Installing again replaces the files in place.
    (target / "extension.js").write_text("old")
    install_gnome_extension(home, shell_major=major)
    assert (target / "extension.js").read_text() == code


@pytest.mark.parametrize("major", [46, 43])
def test_extension_declares_exactly_the_interface_the_probe_calls(major):
    """The stand-in above answers what the probe asks; this pins both copies of the extension
    to the same names and signature (bus name, object path, interface, Get's out arguments).
    The legacy copy also runs for real in test_gnome_real.py."""
    from collectors import gnome

    source = (gnome.extension_source(major) / "extension.js").read_text()
    assert f"'{gnome.BUS_NAME}'" in source and f"'{gnome.OBJECT_PATH}'" in source
    assert f'<interface name="{gnome.INTERFACE}">' in source
    outs = [line.split('type="')[1][0] for line in source.splitlines() if 'direction="out"' in line]
    assert "".join(outs) == "bsssu"


@pytest.mark.parametrize("major, suffix", [(46, ".mjs"), (43, ".js")])
def test_extension_code_parses(tmp_path, major, suffix):
    """The GNOME 45+ copy cannot run here (Debian 12 has GNOME 43): node at least parses it as
    the ES module GNOME loads it as (the legacy copy parses as a script and runs for real in
    test_gnome_real.py)."""
    import shutil

    from collectors import gnome
    from tests.x11.desktop import unavailable

    if not shutil.which("node"):
        unavailable("checking the extension's syntax needs node (apt package nodejs)")
    copy = tmp_path / f"extension{suffix}"
    copy.write_text((gnome.extension_source(major) / "extension.js").read_text())
    done = subprocess.run(["node", "--check", str(copy)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
