"""What every request of one server process shares: settings, engine, sessions, keys."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .security import Keys, Passwords
from .settings import ServerSettings
from .store import server_secret


@dataclass
class ServerState:
    settings: ServerSettings
    engine: Engine
    sessions: sessionmaker[Session]

    @cached_property
    def keys(self) -> Keys:
        return Keys(self.settings.secret or server_secret(self.engine, "jwt"),
                    server_secret(self.engine, "pseudonym"))

    @cached_property
    def passwords(self) -> Passwords:
        return Passwords(self.settings.hash_time_cost, self.settings.hash_memory_kib)
