"""Stand-ins for the desktops this machine cannot run (issue 14): each speaks exactly the
interface the tracker's probe uses, over the real transport (a Unix socket for Hyprland, a real
dbus-daemon session bus for GNOME and KDE). They are stand-ins, not the desktops: docs/
ARCHITECTURE.md says which probes were tested against which.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
from pathlib import Path

from tests.x11.desktop import wait_until


class FakeHyprland:
    """Hyprland's two sockets: requests (`j/version`, `j/activewindow`: answer, then close) and
    events (`name>>data` lines to every listener)."""

    def __init__(self, runtime_dir: Path, signature: str = "standin_1700000000_1") -> None:
        self.signature = signature
        self.dir = runtime_dir / "hypr" / signature
        self.dir.mkdir(parents=True)
        self.active: dict = {}
        self.requests: list[str] = []
        self._listeners: list[socket.socket] = []
        self._servers: list[socket.socket] = []
        self._stop = threading.Event()

    def env(self, runtime_dir: Path) -> dict[str, str]:
        return {"HYPRLAND_INSTANCE_SIGNATURE": self.signature, "XDG_RUNTIME_DIR": str(runtime_dir)}

    def start(self) -> "FakeHyprland":
        for name, handler in ((".socket.sock", self._answer), (".socket2.sock", self._listen)):
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.bind(str(self.dir / name))
            server.listen(8)
            server.settimeout(0.2)
            self._servers.append(server)
            threading.Thread(target=self._accept, args=(server, handler), daemon=True).start()
        return self

    def _accept(self, server: socket.socket, handler) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            handler(conn)

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            command = conn.recv(4096).decode()
            self.requests.append(command)
            if command == "j/version":
                reply = {"branch": "standin", "tag": "v0.41.2"}
            elif command == "j/activewindow":
                reply = self.active
            else:
                conn.sendall(b"unknown request")
                return
            conn.sendall(json.dumps(reply).encode())

    def _listen(self, conn: socket.socket) -> None:
        self._listeners.append(conn)

    def listening(self) -> int:
        return len(self._listeners)

    def focus(self, address: str, cls: str, title: str, pid: int) -> None:
        """A window gets the focus: the state first, then the events, as Hyprland does."""
        self.active = {"address": f"0x{address}", "mapped": True, "hidden": False,
                       "workspace": {"id": 1, "name": "1"}, "floating": False, "monitor": 0,
                       "class": cls, "title": title, "initialClass": cls, "initialTitle": title,
                       "pid": pid, "xwayland": False, "pinned": False, "fullscreen": 0}
        self.emit(f"activewindow>>{cls},{title}", f"activewindowv2>>{address}")

    def close_all(self) -> None:
        self.active = {}
        self.emit("activewindow>>,", "activewindowv2>>")

    def emit(self, *lines: str) -> None:
        data = "".join(line + "\n" for line in lines).encode()
        for conn in list(self._listeners):
            try:
                conn.sendall(data)
            except OSError:
                self._listeners.remove(conn)

    def stop(self) -> None:
        self._stop.set()
        for sock in self._servers + self._listeners:
            sock.close()


def private_home(workdir: Path) -> dict[str, str]:
    """HOME and the XDG directories inside `workdir`, so a desktop started by a test (KWin,
    GNOME Shell, dconf) writes its settings and caches there, never into the real home."""
    env = {}
    for key, sub in (("HOME", "home"), ("XDG_CONFIG_HOME", "home/.config"),
                     ("XDG_CACHE_HOME", "home/.cache"), ("XDG_DATA_HOME", "home/.local/share"),
                     ("XDG_STATE_HOME", "home/.local/state")):
        path = workdir / sub
        path.mkdir(parents=True, exist_ok=True)
        env[key] = str(path)
    return env


class SessionBus:
    """A real dbus-daemon session bus in a temp dir (`address` for DBUS_SESSION_BUS_ADDRESS)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None
        self.address = ""

    def start(self, env: dict[str, str] | None = None) -> "SessionBus":
        """`env`: what services it activates (dconf) see; give a desktop's private HOME here,
        or they write into the real one."""
        read_fd, write_fd = os.pipe()
        self.proc = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--nopidfile",
             f"--address=unix:dir={self.workdir}", f"--print-address={write_fd}"],
            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        os.close(write_fd)
        with os.fdopen(read_fd) as f:
            self.address = f.readline().strip()
        assert self.address, "dbus-daemon printed no address"
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(5)


class DBusService:
    """A tiny D-Bus service on its own jeepney connection: owns `name` and answers method calls
    with `handlers[(interface, member)](*body) -> (signature, body)` in a thread."""

    def __init__(self, address: str, name: str, handlers: dict) -> None:
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self.conn = open_dbus_connection(bus=address)
        reply = self.conn.send_and_get_reply(message_bus.RequestName(name))
        assert reply.body[0] == 1, f"could not own {name}: {reply.body}"
        self.handlers = handlers
        self.calls: list[tuple[str, str, tuple]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        from jeepney import MessageType, new_error, new_method_return

        while not self._stop.is_set():
            try:
                msg = self.conn.receive(timeout=0.2)
            except TimeoutError:
                continue
            except OSError:
                return
            h = msg.header
            if h.message_type != MessageType.method_call:
                continue
            iface = h.fields.get(2)  # HeaderFields.interface
            member = h.fields.get(3)  # HeaderFields.member
            self.calls.append((iface, member, msg.body))
            handler = self.handlers.get((iface, member))
            if handler is None:
                self.conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))
                continue
            signature, body = handler(*msg.body)
            self.conn.send(new_method_return(msg, signature, body))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.conn.close()


def wait_for(condition, what: str, timeout: float = 5.0):
    return wait_until(condition, timeout, what, interval=0.02)
