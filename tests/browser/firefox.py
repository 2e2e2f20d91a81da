"""Debian's Firefox ESR, headless, driven over Marionette (its built-in remote protocol: a
length-prefixed JSON stream on a loopback port) with the extension installed as a temporary
add-on, as `about:debugging` would."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

FIREFOX = os.environ.get("FIREFOX", "/usr/bin/firefox-esr")

PREFS = {
    "marionette.port": 0,  # any free port; Firefox writes it to <profile>/MarionetteActivePort
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True,
    "extensions.autoDisableScopes": 0,
    "browser.aboutwelcome.enabled": False,
}


class Firefox:
    def __init__(self, profile: Path, env: dict[str, str], local_domains: list[str]) -> None:
        profile.mkdir(parents=True, exist_ok=True)
        prefs = dict(PREFS)
        prefs["network.dns.localDomains"] = ",".join(local_domains)  # resolve to 127.0.0.1
        (profile / "user.js").write_text("".join(
            f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items()))
        self.profile = profile
        self.proc = subprocess.Popen(
            [FIREFOX, "--headless", "--marionette", "--no-remote", "--profile", str(profile)],
            env={**env, "MOZ_HEADLESS": "1"}, stdout=subprocess.DEVNULL,
            stderr=open(profile / "firefox.log", "wb"))
        port_file = profile / "MarionetteActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("Firefox did not start Marionette: "
                                   + (profile / "firefox.log").read_text(errors="replace")[-2000:])
            time.sleep(0.2)
        self.sock = socket.create_connection(("127.0.0.1", int(port_file.read_text())), timeout=60)
        self._buf = b""
        self._id = 0
        self._read()  # the server's greeting
        self("WebDriver:NewSession", {"capabilities": {"alwaysMatch": {}}})

    def _read(self) -> Any:
        while b":" not in self._buf:
            self._buf += self._recv()
        head, _, rest = self._buf.partition(b":")
        n = int(head)
        while len(rest) < n:
            rest += self._recv()
        self._buf = rest[n:]
        return json.loads(rest[:n])

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("Marionette closed the connection")
        return chunk

    def __call__(self, command: str, params: dict[str, Any] | None = None) -> Any:
        self._id += 1
        body = json.dumps([0, self._id, command, params or {}]).encode()
        self.sock.sendall(str(len(body)).encode() + b":" + body)
        while True:
            kind, msg_id, error, result = self._read()
            if kind == 1 and msg_id == self._id:
                if error:
                    raise RuntimeError(f"{command}: {error}")
                return result

    def install_temporary(self, path: Path) -> str:
        return self("Addon:Install", {"path": str(path), "temporary": True})["value"]  # type: ignore[no-any-return]

    def navigate(self, url: str) -> None:
        self("WebDriver:Navigate", {"url": url})

    def current(self) -> tuple[str, str]:
        """The current page's URL and title."""
        return (self("WebDriver:GetCurrentURL")["value"], self("WebDriver:GetTitle")["value"])

    def execute(self, script: str) -> Any:
        """Run a function body in the current page (its own world), e.g. to scroll it."""
        return self("WebDriver:ExecuteScript", {"script": script, "args": []})["value"]

    def close(self) -> None:
        try:
            self("Marionette:Quit", {"flags": ["eForceQuit"]})
        except Exception:
            pass
        try:
            self.sock.close()
        except OSError:
            pass
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def available() -> bool:
    return Path(FIREFOX).exists() and shutil.which("npm") is not None
