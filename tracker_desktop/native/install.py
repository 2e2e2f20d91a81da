"""What `tracker-desktop install` writes and `uninstall` removes: the launcher the browsers start,
the native-messaging host manifests (per browser, per platform: files on Linux and macOS,
files plus registry keys on Windows) and the tray app's autostart entry (Linux)."""

from __future__ import annotations

import json
import os
import shlex
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .ids import CHROMIUM_EXTENSION_ID, GECKO_ID, HOST_DESCRIPTION, HOST_NAME

BROWSERS = ("chrome", "chromium", "brave", "edge", "firefox")
LAUNCHER = "tracker-desktop-host"
RECORD = "installed.json"
AUTOSTART_MARK = "X-Tracker-Desktop-Installed=true"

# Per-user manifest folders (Chrome's and Firefox's native-messaging docs).
_LINUX_CONFIG = {"chrome": "google-chrome", "chromium": "chromium",
                 "brave": "BraveSoftware/Brave-Browser", "edge": "microsoft-edge"}
_MAC_SUPPORT = {"chrome": "Google/Chrome", "chromium": "Chromium",
                "brave": "BraveSoftware/Brave-Browser", "edge": "Microsoft Edge",
                "firefox": "Mozilla"}
_WINDOWS_KEYS = {"chrome": r"Software\Google\Chrome", "chromium": r"Software\Chromium",
                 "brave": r"Software\BraveSoftware\Brave-Browser",
                 "edge": r"Software\Microsoft\Edge", "firefox": r"Software\Mozilla"}


class InstallError(Exception):
    """Something the person asked for cannot be done (a message for exit code 2)."""


@dataclass(frozen=True, slots=True)
class Target:
    browser: str
    manifest: Path  # the manifest file to write
    registry_key: str | None = None  # Windows: HKCU key whose default value is the manifest path


@dataclass(frozen=True, slots=True)
class Environment:
    """Where things go: the platform and the folders it uses (from the process environment, so
    tests point HOME / XDG_CONFIG_HOME at temp dirs)."""

    platform: str
    home: Path
    config_home: Path  # XDG_CONFIG_HOME on Linux
    local_app_data: Path  # Windows
    launcher_dir: Path

    @classmethod
    def current(cls) -> "Environment":
        from platformdirs import user_data_path

        home = Path(os.environ.get("HOME") or Path.home())
        config = os.environ.get("XDG_CONFIG_HOME")
        local = os.environ.get("LOCALAPPDATA")
        return cls(sys.platform, home, Path(config) if config else home / ".config",
                   Path(local) if local else home / "AppData" / "Local",
                   user_data_path("tracker-desktop", appauthor=False) / "native-host")


def targets(env: Environment, browsers: Iterable[str]) -> list[Target]:
    """The manifest (and registry key) each browser reads on this platform."""
    out = []
    for b in browsers:
        if env.platform.startswith("win"):
            out.append(Target(b, env.local_app_data / "tracker-desktop" / "native-host" / b
                              / f"{HOST_NAME}.json",
                              _WINDOWS_KEYS[b] + r"\NativeMessagingHosts" + "\\" + HOST_NAME))
        elif env.platform == "darwin":
            folder = "NativeMessagingHosts"
            out.append(Target(b, env.home / "Library" / "Application Support" / _MAC_SUPPORT[b]
                              / folder / f"{HOST_NAME}.json"))
        elif b == "firefox":
            out.append(Target(b, env.home / ".mozilla" / "native-messaging-hosts"
                              / f"{HOST_NAME}.json"))
        else:
            out.append(Target(b, env.config_home / _LINUX_CONFIG[b] / "NativeMessagingHosts"
                              / f"{HOST_NAME}.json"))
    return out


def manifest(browser: str, launcher: Path) -> dict[str, object]:
    base: dict[str, object] = {"name": HOST_NAME, "description": HOST_DESCRIPTION,
                               "path": str(launcher), "type": "stdio"}
    if browser == "firefox":
        base["allowed_extensions"] = [GECKO_ID]
    else:
        base["allowed_origins"] = [f"chrome-extension://{CHROMIUM_EXTENSION_ID}/"]
    return base


def launcher_text(platform: str, python: str, env_vars: dict[str, str]) -> str:
    """A launcher running the host with this interpreter: browsers start it with no arguments of
    ours and an environment of theirs, so what matters is baked in here."""
    if platform.startswith("win"):
        lines = ["@echo off", *(f'set "{k}={v}"' for k, v in env_vars.items()),
                 f'"{python}" -m tracker_desktop native-host %*', ""]
        return "\r\n".join(lines)
    lines = ["#!/bin/sh",
             "# Written by `tracker-desktop install`: starts the native-messaging host with the",
             "# interpreter it was installed with. `tracker-desktop uninstall` removes it."]
    for k, v in env_vars.items():
        lines.append(f"{k}={shlex.quote(v)}; export {k}")
    lines.append(f"exec {shlex.quote(python)} -m tracker_desktop native-host \"$@\"")
    return "\n".join(lines) + "\n"


def _desktop_exec_arg(arg: str) -> str:
    # Desktop Entry spec: quote arguments with reserved characters; escape " ` $ \ inside.
    if arg and all(c.isalnum() or c in "/._-+" for c in arg):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


def autostart_text(python: str, env_vars: dict[str, str]) -> str:
    """The tray app's autostart entry (packaging/linux/tracker-desktop-autostart.desktop with an
    Exec that runs this installation)."""
    command = [python, "-m", "tracker_desktop", "run"]
    if env_vars:
        command = ["env", *(f"{k}={v}" for k, v in env_vars.items()), *command]
    return "\n".join([
        "[Desktop Entry]", "Type=Application", "Name=Tracker Desktop",
        "Comment=Start recording activity when you log in",
        "Exec=" + " ".join(_desktop_exec_arg(a) for a in command),
        "Icon=utilities-system-monitor", "Terminal=false", "NoDisplay=true",
        "X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-Delay=5", AUTOSTART_MARK, ""])


@dataclass
class Installed:
    launcher: Path
    manifests: list[Path]
    registry_keys: list[str]
    autostart: Path | None

    def to_json(self) -> dict[str, object]:
        return {"launcher": str(self.launcher), "manifests": [str(p) for p in self.manifests],
                "registry_keys": self.registry_keys,
                "autostart": None if self.autostart is None else str(self.autostart)}


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def install(env: Environment, *, browsers: Iterable[str] = BROWSERS,
            manifest_dir: Path | None = None, autostart: bool = True,
            env_vars: dict[str, str] | None = None, python: str | None = None) -> Installed:
    """Write the launcher, the manifests (into `manifest_dir` if given: one browser) and the
    autostart entry; record what was written for `uninstall`."""
    browsers = list(browsers)
    for b in browsers:
        if b not in BROWSERS:
            raise InstallError(f"unknown browser {b!r}: one of {', '.join(BROWSERS)}")
    if manifest_dir is not None and len(browsers) != 1:
        raise InstallError("--manifest-dir writes one manifest: name its browser with --browser")
    python = python or sys.executable
    env_vars = env_vars or {}
    windows = env.platform.startswith("win")
    launcher = env.launcher_dir / (LAUNCHER + (".bat" if windows else ""))
    _write(launcher, launcher_text(env.platform, python, env_vars), 0o755)
    if not windows:
        os.chmod(launcher, os.stat(launcher).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

    if manifest_dir is not None:
        chosen = [Target(browsers[0], manifest_dir / f"{HOST_NAME}.json")]
    else:
        chosen = targets(env, browsers)
    done = Installed(launcher, [], [], None)
    for t in chosen:
        _write(t.manifest, json.dumps(manifest(t.browser, launcher), indent=2) + "\n")
        done.manifests.append(t.manifest)
        if t.registry_key is not None and manifest_dir is None:
            _set_registry(t.registry_key, str(t.manifest))
            done.registry_keys.append(t.registry_key)
    if autostart and manifest_dir is None and env.platform.startswith("linux"):
        path = env.config_home / "autostart" / "tracker-desktop.desktop"
        _write(path, autostart_text(python, env_vars))
        done.autostart = path
    _remember(env, done)
    return done


def _remember(env: Environment, done: Installed) -> None:
    record = env.launcher_dir / RECORD
    previous = _recorded(env)
    merged = {
        "launcher": str(done.launcher),
        "manifests": sorted({*_strings(previous.get("manifests")), *map(str, done.manifests)}),
        "registry_keys": sorted({*_strings(previous.get("registry_keys")), *done.registry_keys}),
        "autostart": str(done.autostart) if done.autostart else previous.get("autostart"),
    }
    _write(record, json.dumps(merged, indent=2) + "\n")


def _recorded(env: Environment) -> dict[str, list[str] | str | None]:
    try:
        data = json.loads((env.launcher_dir / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def uninstall(env: Environment) -> list[str]:
    """Remove what install wrote (as recorded, and our manifests at the standard places);
    returns what was removed. Files that are not ours are left alone."""
    record = _recorded(env)
    removed: list[str] = []
    candidates = {Path(p) for p in _strings(record.get("manifests"))}
    candidates |= {t.manifest for t in targets(env, BROWSERS)}
    for path in sorted(candidates):
        if _is_our_manifest(path):
            path.unlink()
            removed.append(str(path))
    keys = set(_strings(record.get("registry_keys")))
    if env.platform.startswith("win"):
        keys |= {t.registry_key for t in targets(env, BROWSERS) if t.registry_key}
        for key in sorted(keys):
            if _delete_registry(key):
                removed.append("HKCU\\" + key)
    auto = record.get("autostart")
    autostart = env.config_home / "autostart" / "tracker-desktop.desktop"
    for path in {autostart, *([Path(auto)] if isinstance(auto, str) else [])}:
        try:
            if AUTOSTART_MARK in path.read_text(encoding="utf-8"):
                path.unlink()
                removed.append(str(path))
        except OSError:
            pass
    for name in (LAUNCHER, LAUNCHER + ".bat", RECORD):
        path = env.launcher_dir / name
        if path.exists():
            path.unlink()
            if name != RECORD:
                removed.append(str(path))
    return removed


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _is_our_manifest(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("name") == HOST_NAME


def _set_registry(key: str, value: str) -> None:  # pragma: no cover - Windows only
    import winreg  # type: ignore[import-not-found,unused-ignore]

    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, key) as k:  # type: ignore[attr-defined,unused-ignore]
        winreg.SetValueEx(k, "", 0, winreg.REG_SZ, value)  # type: ignore[attr-defined,unused-ignore]


def _delete_registry(key: str) -> bool:  # pragma: no cover - Windows only
    import winreg  # type: ignore[import-not-found,unused-ignore]

    try:
        winreg.DeleteKey(winreg.HKEY_CURRENT_USER, key)  # type: ignore[attr-defined,unused-ignore]
    except OSError:
        return False
    return True
