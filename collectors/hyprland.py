"""Hyprland: the active window from its request socket (`j/activewindow`, what `hyprctl -j
activewindow` sends) and a watcher on its event socket (`activewindow>>`, `activewindowv2>>`,
`windowtitle>>`, `closewindow>>` lines) that wakes the poll loop at each switch (issue 14).

Sockets: $XDG_RUNTIME_DIR/hypr/$HYPRLAND_INSTANCE_SIGNATURE/.socket.sock and .socket2.sock
(Hyprland ≥ 0.40), else /tmp/hypr/<signature>/ (older releases).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any, Callable

from collectors.base import CollectorUnavailable
from collectors.window import UNKNOWN_APP, _process_name
from tracker_desktop.domain.window import WindowInfo

logger = logging.getLogger(__name__)

SWITCH_EVENTS = frozenset({"activewindow", "activewindowv2", "windowtitle", "windowtitlev2",
                           "closewindow"})


def socket_dir(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    signature = env.get("HYPRLAND_INSTANCE_SIGNATURE")
    if not signature:
        raise CollectorUnavailable("HYPRLAND_INSTANCE_SIGNATURE is not set: Hyprland's sockets "
                                   "are unknown")
    candidates = []
    if env.get("XDG_RUNTIME_DIR"):
        candidates.append(Path(env["XDG_RUNTIME_DIR"]) / "hypr" / signature)
    candidates.append(Path("/tmp/hypr") / signature)
    for directory in candidates:
        if (directory / ".socket.sock").exists():
            return directory
    raise CollectorUnavailable(
        "Hyprland's request socket was not found in " + " or ".join(map(str, candidates)))


def request(path: Path, command: str, timeout: float = 5.0) -> bytes:
    """One request on the request socket: Hyprland answers and closes the connection."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(path))
        sock.sendall(command.encode())
        chunks: list[bytes] = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def window_info(reply: dict[str, Any], names: dict[int, str] | None = None) -> WindowInfo | None:
    """A `j/activewindow` reply as the tracker's reading ({} when nothing is focused)."""
    if not reply or not reply.get("address"):
        return None
    pid = reply.get("pid") if isinstance(reply.get("pid"), int) and reply["pid"] > 0 else None
    app = None
    if pid is not None:
        app = names.get(pid) if names is not None else None
        if app is None:
            app = _process_name(pid)
            if names is not None and app is not None:
                names[pid] = app
    app = app or reply.get("class") or reply.get("initialClass") or UNKNOWN_APP
    return WindowInfo(app=str(app), title=str(reply.get("title") or ""), pid=pid)


class HyprlandWindowProbe:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or socket_dir()
        self._names: dict[int, str] = {}
        self._lost = False
        try:
            request(self.directory / ".socket.sock", "j/version")
        except OSError as exc:
            raise CollectorUnavailable(f"cannot reach Hyprland's request socket ({exc})") from None

    def active_window(self) -> WindowInfo | None:
        try:
            raw = request(self.directory / ".socket.sock", "j/activewindow")
            reply = json.loads(raw or b"{}")
        except (OSError, ValueError) as exc:
            if not self._lost:
                logger.warning("Hyprland's request socket failed (%s); retrying each poll", exc)
            self._lost = True
            return None
        self._lost = False
        if len(self._names) > 512:
            self._names.clear()
        return window_info(reply if isinstance(reply, dict) else {}, self._names)


class HyprlandSwitchWatcher:
    """Reads event socket 2 and wakes the poll loop on focus and title changes."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or socket_dir()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.changes = 0

    def start(self, on_change: Callable[[], None]) -> None:
        if self._thread is not None:
            return
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(self.directory / ".socket2.sock"))
        except OSError as exc:
            sock.close()
            raise CollectorUnavailable(f"cannot connect to Hyprland's event socket ({exc})") from None
        self._sock = sock
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(sock, on_change),
                                        name="hyprland-switch-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(3)
            self._thread = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _run(self, sock: socket.socket, on_change: Callable[[], None]) -> None:
        buffer = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                if any(line.split(b">>", 1)[0].decode(errors="replace") in SWITCH_EVENTS
                       for line in lines):
                    self.changes += 1
                    on_change()
        except OSError as exc:
            if not self._stop.is_set():
                logger.warning("Hyprland events stopped (%s); polling only", exc)
            return
        if not self._stop.is_set():
            logger.warning("Hyprland closed its event socket; polling only")
