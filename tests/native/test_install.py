"""`install` / `uninstall` in temp HOME / XDG dirs: manifests per browser, a launcher that really
starts the host, the autostart entry, and everything removed again."""

from __future__ import annotations

import base64
import configparser
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tracker_desktop.native.ids import CHROMIUM_EXTENSION_ID, GECKO_ID, HOST_NAME
from tracker_desktop.native.install import Environment, targets

from .hostproc import HEADER

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "extensions" / "browser" / "manifest.json"


def test_the_extension_ids_follow_from_the_manifest() -> None:
    manifest = json.loads(MANIFEST.read_text())
    digest = hashlib.sha256(base64.b64decode(manifest["key"])).hexdigest()[:32]
    assert "".join(chr(ord("a") + int(c, 16)) for c in digest) == CHROMIUM_EXTENSION_ID
    assert manifest["browser_specific_settings"]["gecko"]["id"] == GECKO_ID


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TRACKER_CONFIG", None)
    env.update(HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"),
               XDG_DATA_HOME=str(tmp_path / "home" / ".local" / "share"),
               TRACKER_LOG_DIR=str(tmp_path / "logs"), TRACKER_DATA_DIR=str(tmp_path / "data"))
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tracker_desktop", *args], env=env,
                          capture_output=True, text=True, timeout=60)


def test_install_writes_every_manifest_a_working_launcher_and_autostart(tmp_path: Path) -> None:
    env = _env(tmp_path)
    home = tmp_path / "home"
    done = _cli(env, "install", "--gnome-extension")
    assert done.returncode == 0, done.stderr
    gnome = home / ".local/share/gnome-shell/extensions/tracker-desktop@tracker-desktop.github.io"
    assert (gnome / "metadata.json").is_file() and (gnome / "extension.js").is_file()
    assert "gnome-extensions enable" in done.stdout
    expected = {
        "chrome": home / ".config/google-chrome/NativeMessagingHosts",
        "chromium": home / ".config/chromium/NativeMessagingHosts",
        "brave": home / ".config/BraveSoftware/Brave-Browser/NativeMessagingHosts",
        "edge": home / ".config/microsoft-edge/NativeMessagingHosts",
        "firefox": home / ".mozilla/native-messaging-hosts",
    }
    launcher = home / ".local/share/tracker-desktop/native-host/tracker-desktop-host"
    for browser, folder in expected.items():
        manifest = json.loads((folder / f"{HOST_NAME}.json").read_text())
        assert manifest["name"] == HOST_NAME and manifest["type"] == "stdio"
        assert manifest["path"] == str(launcher)
        if browser == "firefox":
            assert manifest["allowed_extensions"] == [GECKO_ID]
            assert "allowed_origins" not in manifest
        else:
            assert manifest["allowed_origins"] == [f"chrome-extension://{CHROMIUM_EXTENSION_ID}/"]
    assert os.access(launcher, os.X_OK)

    # The launcher runs the host with this interpreter and the data dir install was given, in
    # an environment that has neither (as a browser starts it).
    bare = {"PATH": "/usr/bin:/bin", "HOME": env["HOME"], "TRACKER_LOG_DIR": env["TRACKER_LOG_DIR"]}
    body = json.dumps({"type": "hello", "id": 1, "client": "chromium"}).encode()
    run = subprocess.run([str(launcher), f"chrome-extension://{CHROMIUM_EXTENSION_ID}/"],
                         input=HEADER.pack(len(body)) + body, capture_output=True, env=bare,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    (n,) = HEADER.unpack(run.stdout[:4])
    assert json.loads(run.stdout[4:4 + n])["ok"] is True
    assert (tmp_path / "data" / "tracker.sqlite3").exists()

    entry = home / ".config/autostart/tracker-desktop.desktop"
    tool = shutil.which("desktop-file-validate")
    if tool is not None:
        check = subprocess.run([tool, str(entry)], capture_output=True, text=True)
        assert check.returncode == 0 and check.stdout == "", check.stdout + check.stderr
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(entry)
    exec_line = parser["Desktop Entry"]["Exec"]
    assert exec_line.endswith(f"{sys.executable} -m tracker_desktop run")
    assert f"TRACKER_DATA_DIR={tmp_path / 'data'}" in exec_line

    # Something of the person's own in the same folders stays.
    foreign = expected["chromium"] / "com.example.other.json"
    foreign.write_text('{"name": "com.example.other"}')
    removed = _cli(env, "uninstall")
    assert removed.returncode == 0, removed.stderr
    for folder in expected.values():
        assert not (folder / f"{HOST_NAME}.json").exists()
    assert not entry.exists() and not launcher.exists() and not gnome.exists()
    assert foreign.exists()
    assert "nothing to remove" in _cli(env, "uninstall").stdout


def test_install_into_one_manifest_dir(tmp_path: Path) -> None:
    env = _env(tmp_path)
    target = tmp_path / "profile" / "NativeMessagingHosts"
    done = _cli(env, "install", "--browser", "chromium", "--manifest-dir", str(target))
    assert done.returncode == 0, done.stderr
    assert [p.name for p in target.iterdir()] == [f"{HOST_NAME}.json"]
    assert not (tmp_path / "home" / ".config" / "autostart").exists()
    assert not (tmp_path / "home" / ".config" / "chromium").exists()
    assert _cli(env, "uninstall").returncode == 0
    assert not any(target.iterdir())


@pytest.mark.parametrize("args, words", [
    (["--manifest-dir", "x"], "one --browser"),
    (["--browser", "chrome", "--browser", "firefox", "--manifest-dir", "x"], "one --browser"),
    (["--browser", "netscape"], "invalid choice"),
])
def test_bad_install_requests_exit_2_and_write_nothing(tmp_path: Path, args: list[str],
                                                       words: str) -> None:
    env = _env(tmp_path)
    done = _cli(env, "install", *args)
    assert done.returncode == 2 and words in done.stderr
    assert not (tmp_path / "home").exists()


def test_macos_and_windows_places() -> None:
    home = Path("/Users/ann")
    mac = Environment("darwin", home, home / ".config", home / "AppData", home / "x")
    got = {t.browser: t.manifest for t in targets(mac, ["chrome", "firefox", "edge"])}
    support = home / "Library/Application Support"
    assert got == {
        "chrome": support / "Google/Chrome/NativeMessagingHosts" / f"{HOST_NAME}.json",
        "firefox": support / "Mozilla/NativeMessagingHosts" / f"{HOST_NAME}.json",
        "edge": support / "Microsoft Edge/NativeMessagingHosts" / f"{HOST_NAME}.json",
    }
    win = Environment("win32", home, home, home / "AppData/Local", home / "x")
    keys = {t.browser: t.registry_key for t in targets(win, ["chrome", "brave", "firefox"])}
    assert keys == {
        "chrome": rf"Software\Google\Chrome\NativeMessagingHosts\{HOST_NAME}",
        "brave": rf"Software\BraveSoftware\Brave-Browser\NativeMessagingHosts\{HOST_NAME}",
        "firefox": rf"Software\Mozilla\NativeMessagingHosts\{HOST_NAME}",
    }
