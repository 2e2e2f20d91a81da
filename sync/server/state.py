"""What every request of one server process shares: settings, engine, sessions, keys, the checked
access tokens and the rate limiter."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .limits import RateLimiter
from .security import AccessTokens, Keys, Passwords
from .settings import ServerSettings
from .store import DatabaseShared, server_secret

if TYPE_CHECKING:
    from .redis_state import RedisShared


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

    @cached_property
    def tokens(self) -> AccessTokens:
        return AccessTokens(self.keys.jwt_key)

    @cached_property
    def redis(self) -> RedisShared | None:
        """Where rate limits, lockouts and refresh tokens live when TRACKER_SERVER_REDIS_URL is
        set (else None: the database)."""
        if not self.settings.redis_url:
            return None
        from .redis_state import RedisShared

        shared = RedisShared(self.settings.redis_url)
        try:
            shared.ping()
        except Exception as exc:  # redis' own errors: not a reachable Redis at that URL
            raise ValueError(f"cannot reach Redis at TRACKER_SERVER_REDIS_URL: {exc}") from None
        return shared

    def shared(self, s: Session) -> RedisShared | DatabaseShared:
        """Lockouts and refresh tokens: in Redis when it is configured, else in the database
        through the request's session `s`."""
        return self.redis or DatabaseShared(s)

    @cached_property
    def limiter(self) -> RateLimiter:
        return RateLimiter(self.engine, redis=self.redis)

    @cached_property
    def reader(self) -> Engine:
        """The engine for routes that only read: no transaction (no BEGIN and ROLLBACK round
        trips); each statement sees the committed data of its moment."""
        return self.engine.execution_options(isolation_level="AUTOCOMMIT")
