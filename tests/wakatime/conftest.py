"""The local WakaTime API served for real: uvicorn on 127.0.0.1 (a free port) in this process,
over a real SQLite database, writing through a real Writer thread; the API key in a file keyring."""

from __future__ import annotations

import base64
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import keyring
import pytest

from tracker_desktop.domain.clock import Clock, FakeClock, SystemClock


@pytest.fixture
def file_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """keyrings.alt's file backend under a temp XDG_DATA_HOME (never the machine's keyring)."""
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    previous = keyring.get_keyring()
    keyring.core.init_backend()
    yield home
    keyring.set_keyring(previous)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(path: Path, port: int, extra: str = "") -> Path:
    path.write_text(f"[wakatime]\nport = {port}\n{extra}")
    return path


@dataclass
class Served:
    app: Any
    writer: Any
    endpoint: Any
    key: str

    @property
    def url(self) -> str:
        return self.endpoint.url

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(self.key.encode()).decode()}

    def client(self) -> Any:
        import httpx

        return httpx.Client(base_url=self.url, headers=self.auth, timeout=30)

    def events(self, source: str = "editor") -> list[Any]:
        with self.app.store.uow() as uow:
            return list(uow.events.stream(source))

    def received(self) -> int:
        with self.app.store.uow() as uow:
            return sum(e.heartbeats for e in uow.wakatime.editors())


def serve(data_dir: Path, config: Path, clock: Clock | None = None, *,
          on_first_connection: bool = False) -> Served:
    from storage.heartbeat_engine import HeartbeatEngine
    from storage.writer import Writer
    from tracker_desktop.app import build_app, build_wakatime_endpoint
    from tracker_desktop.config import resolve_settings, this_device
    from tracker_desktop.secrets import SecretStore
    from tracker_desktop.services.wakatime import ensure_api_key

    settings = resolve_settings(config, data_dir)
    app = build_app(settings, clock or SystemClock())
    writer = Writer(HeartbeatEngine(app.store.uow, app.clock, device=this_device(settings.tracking)),
                    app.clock)
    writer.start()
    endpoint = build_wakatime_endpoint(app, writer, 0, on_first_connection=on_first_connection)
    endpoint.start()
    return Served(app, writer, endpoint, ensure_api_key(SecretStore(data_dir)))


def stop(served: Served) -> None:
    served.endpoint.stop()
    assert served.writer.stop(), "pending writes were lost"
    served.app.close()


@pytest.fixture
def served(tmp_path: Path, data_dir: Path, file_keyring: Path) -> Iterator[Served]:
    s = serve(data_dir, write_config(tmp_path / "config.toml", 5292))
    yield s
    stop(s)


@pytest.fixture
def served_at_one_pm(tmp_path: Path, data_dir: Path, file_keyring: Path) -> Iterator[Served]:
    """The endpoint at a fixed 13:00 in a UTC analysis zone: "today" holds the hour before,
    whenever and wherever the suite runs (near midnight a test's minutes fell on two days)."""
    config = write_config(tmp_path / "config.toml", 5292, '[analysis]\ntimezone = "UTC"\n')
    s = serve(data_dir, config, FakeClock(datetime(2026, 1, 5, 13, tzinfo=timezone.utc)))
    yield s
    stop(s)
