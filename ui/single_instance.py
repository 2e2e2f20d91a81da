"""One tray app per data directory: the first `run` listens on a local socket; a second `run`
(or `dashboard`) hands its message to it and exits.

Messages are one JSON object a line: `{"open": "dashboard", "period": "day|week|month",
"date": "YYYY-MM-DD"}` or `{"open": "settings"}`; the server answers `ok` once it took one.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

logger = logging.getLogger(__name__)

MAX_MESSAGE = 64 * 1024
ACK = b"ok\n"


def server_name(data_dir: Path) -> str:
    """The socket's name: per user and per data directory (two test runs never meet)."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name (a container's uid): the home is as good
        user = str(Path.home())
    key = f"{user}\0{Path(data_dir).expanduser().resolve()}".encode()
    return "tracker-desktop-" + hashlib.sha256(key).hexdigest()[:20]


def send_to_running(data_dir: Path, message: dict[str, Any], timeout_ms: int = 500) -> bool:
    """Hand `message` to the tray app running on `data_dir`; True when it took it."""
    sock = QLocalSocket()
    sock.connectToServer(server_name(data_dir))
    if not sock.waitForConnected(timeout_ms):
        return False
    try:
        sock.write(json.dumps(message).encode() + b"\n")
        if not sock.waitForBytesWritten(timeout_ms):
            return False
        reply = b""
        while not reply.endswith(b"\n"):
            if not sock.waitForReadyRead(timeout_ms):
                return False
            reply += bytes(sock.readAll().data())
        return reply == ACK
    finally:
        sock.abort()


class InstanceServer(QObject):
    """Listens for the messages of later launches; `message(dict)` on the GUI thread."""

    message = Signal(dict)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(data_dir)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start listening. A socket file left by a crashed instance is removed first: the
        caller has checked that nobody answers on it (send_to_running returned False)."""
        if self._server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)
        if self._server.listen(self.name):
            return True
        logger.warning("single-instance socket %s: %s", self.name, self._server.errorString())
        return False

    def close(self) -> None:
        # Forget the connections first: a socket torn down with the server must not call back
        # into this object while it is being destroyed.
        for sock in list(self._buffers):
            sock.readyRead.disconnect()
            sock.disconnected.disconnect()
            sock.abort()
        self._buffers.clear()
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            self._buffers[sock] = b""
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._drop(s))

    def _drop(self, sock: QLocalSocket) -> None:
        if self._buffers.pop(sock, None) is not None:
            sock.deleteLater()

    def _read(self, sock: QLocalSocket) -> None:
        data = self._buffers.get(sock, b"") + bytes(sock.readAll().data())
        if b"\n" not in data:
            if len(data) > MAX_MESSAGE:
                sock.abort()
            else:
                self._buffers[sock] = data
            return
        line = data.split(b"\n", 1)[0]
        self._buffers[sock] = b""
        try:
            message = json.loads(line)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            logger.warning("ignored a malformed message from another launch")
            sock.abort()
            return
        sock.write(ACK)
        sock.flush()
        self.message.emit(message)
