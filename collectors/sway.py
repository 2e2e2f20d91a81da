"""sway (and i3-compatible IPC): the focused window from the IPC socket ($SWAYSOCK), and a watcher
that subscribes to `window` events so a switch is recorded when it happens (issue 14).

The i3-ipc framing is small enough to speak directly: "i3-ipc", payload length and message type
as native-endian uint32, then JSON. Events have the type's high bit set.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import struct
import threading
from typing import Any, Callable, Iterator

from collectors.base import CollectorUnavailable
from collectors.window import UNKNOWN_APP, _process_name
from tracker_desktop.domain.window import WindowInfo

logger = logging.getLogger(__name__)

MAGIC = b"i3-ipc"
_HEADER = struct.Struct("=6sII")
RUN_COMMAND, SUBSCRIBE, GET_TREE, GET_VERSION = 0, 2, 4, 7
EVENT_BIT = 1 << 31
WINDOW_EVENT = EVENT_BIT | 3
_TIMEOUT = 5.0


class IpcError(OSError):
    """The IPC socket closed or answered something that is not i3-ipc."""


class I3Ipc:
    """One connection to an i3-ipc socket (sway's $SWAYSOCK, i3's $I3SOCK)."""

    def __init__(self, path: str, timeout: float | None = _TIMEOUT) -> None:
        self.path = path
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(timeout)
        try:
            self._sock.connect(path)
        except OSError:
            self._sock.close()
            raise

    def close(self) -> None:
        try:
            self._sock.close()
        except OSError:
            pass

    def fileno(self) -> int:
        return self._sock.fileno()

    def send(self, msg_type: int, payload: str = "") -> None:
        body = payload.encode()
        self._sock.sendall(_HEADER.pack(MAGIC, len(body), msg_type) + body)

    def _exactly(self, n: int) -> bytes:
        chunks, left = [], n
        while left:
            chunk = self._sock.recv(left)
            if not chunk:
                raise IpcError("the IPC socket closed")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def receive(self) -> tuple[int, Any]:
        magic, length, msg_type = _HEADER.unpack(self._exactly(_HEADER.size))
        if magic != MAGIC:
            raise IpcError(f"not an i3-ipc reply (magic {magic!r})")
        return msg_type, json.loads(self._exactly(length)) if length else None

    def request(self, msg_type: int, payload: str = "") -> Any:
        self.send(msg_type, payload)
        while True:
            got, body = self.receive()
            if got == msg_type:
                return body
            # An event on a subscribed connection: not the reply we wait for.


def focused_node(tree: dict[str, Any]) -> dict[str, Any] | None:
    """The focused window in a `get_tree` reply, or None (an empty workspace is focused)."""
    stack: list[dict[str, Any]] = [tree]
    while stack:
        node = stack.pop()
        if node.get("focused"):
            return node if node.get("type") in ("con", "floating_con") and _is_window(node) else None
        stack.extend(node.get("nodes") or ())
        stack.extend(node.get("floating_nodes") or ())
    return None


def _is_window(node: dict[str, Any]) -> bool:
    # A split container can hold the focus (focus parent); only views have an app or a pid.
    return bool(node.get("pid") or node.get("app_id") or node.get("window_properties"))


def window_info(node: dict[str, Any], names: dict[int, str] | None = None) -> WindowInfo:
    """The tracker's reading of a sway node: the app is the process's name (as on X11), else the
    Wayland app_id, else the XWayland window class."""
    pid = node.get("pid") if isinstance(node.get("pid"), int) and node["pid"] > 0 else None
    app: str | None = None
    if pid is not None:
        if names is not None and pid in names:
            app = names[pid]
        else:
            app = _process_name(pid)
            if names is not None and app is not None:
                names[pid] = app
    props = node.get("window_properties") or {}
    app = app or node.get("app_id") or props.get("class") or UNKNOWN_APP
    return WindowInfo(app=str(app), title=str(node.get("name") or ""), pid=pid)


def _socket_path(path: str | None) -> str:
    found = path or os.environ.get("SWAYSOCK") or os.environ.get("I3SOCK")
    if not found:
        raise CollectorUnavailable("SWAYSOCK is not set: the sway IPC socket is unknown")
    return found


class SwayWindowProbe:
    """The focused window from `get_tree` on one long-lived IPC connection (reconnects if sway
    restarted). App names are looked up once per pid."""

    def __init__(self, path: str | None = None) -> None:
        self.path = _socket_path(path)
        self._ipc: I3Ipc | None = None
        self._names: dict[int, str] = {}
        self._lost = False
        try:
            self._connect()
        except OSError as exc:
            raise CollectorUnavailable(
                f"cannot connect to the sway IPC socket {self.path} ({exc})") from None

    def _connect(self) -> I3Ipc:
        ipc = I3Ipc(self.path)
        version = ipc.request(GET_VERSION)
        logger.info("sway IPC: %s", (version or {}).get("human_readable", "?"))
        self._ipc = ipc
        return ipc

    def close(self) -> None:
        if self._ipc is not None:
            self._ipc.close()
            self._ipc = None

    def active_window(self) -> WindowInfo | None:
        try:
            ipc = self._ipc or self._connect()
            tree = ipc.request(GET_TREE)
        except (OSError, ValueError) as exc:
            if not self._lost:
                logger.warning("lost the sway IPC socket (%s); will reconnect on the next poll", exc)
            self._lost = True
            self.close()
            return None
        self._lost = False
        node = focused_node(tree) if isinstance(tree, dict) else None
        if len(self._names) > 512:
            self._names.clear()
        return window_info(node, self._names) if node is not None else None


class SwaySwitchWatcher:
    """Subscribes to sway's `window` events (focus, title, close...) on its own connection and
    wakes the poll loop at each, like the X11 watcher. Polling stays as the fallback."""

    def __init__(self, path: str | None = None) -> None:
        self.path = _socket_path(path)
        self._thread: threading.Thread | None = None
        self._ipc: I3Ipc | None = None
        self._stop = threading.Event()
        self.changes = 0

    def start(self, on_change: Callable[[], None]) -> None:
        if self._thread is not None:
            return
        try:
            ipc = I3Ipc(self.path, timeout=None)
            ipc.send(SUBSCRIBE, json.dumps(["window"]))
            _, reply = ipc.receive()
        except (OSError, ValueError) as exc:
            raise CollectorUnavailable(f"cannot subscribe to sway's window events ({exc})") from None
        if not (isinstance(reply, dict) and reply.get("success")):
            ipc.close()
            raise CollectorUnavailable(f"sway refused the window-event subscription: {reply!r}")
        self._ipc = ipc
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(ipc, on_change),
                                        name="sway-switch-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._ipc is not None:
            # Shutting the socket down ends the blocking read at once.
            try:
                self._ipc._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(3)
            self._thread = None
        if self._ipc is not None:
            self._ipc.close()
            self._ipc = None

    def events(self, ipc: I3Ipc) -> Iterator[dict[str, Any]]:
        while True:
            msg_type, body = ipc.receive()
            if msg_type == WINDOW_EVENT and isinstance(body, dict):
                yield body

    def _run(self, ipc: I3Ipc, on_change: Callable[[], None]) -> None:
        try:
            for event in self.events(ipc):
                # focus, title, close, new, move, floating, fullscreen_mode, urgent, mark: the
                # first three change what is recorded; the rest cost one extra cheap poll.
                if event.get("change") in ("urgent", "mark"):
                    continue
                self.changes += 1
                on_change()
        except (OSError, ValueError) as exc:
            if not self._stop.is_set():
                logger.warning("sway window events stopped (%s); polling only", exc)
        except Exception:
            logger.exception("the sway switch watcher failed; polling only")
