"""The server's settings, read from the environment (and the command line) by a factory, never at
import time."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///tracker-server.sqlite3"


@dataclass(frozen=True, slots=True)
class ServerSettings:
    database_url: str = DEFAULT_DATABASE_URL
    # The JWT signing key; None: a random one made once and kept in the database, so every
    # instance on that database signs and checks with the same key.
    secret: str | None = None
    access_minutes: float = 15.0
    refresh_days: float = 7.0
    lockout_after: int = 5  # failed logins in a row
    lockout_minutes: float = 15.0
    ip_per_minute: int = 30  # auth requests (register, login, refresh) per client address
    user_per_minute: int = 600  # authenticated requests per user
    login_per_minute: int = 10  # login attempts per username
    # Argon2id cost (argon2-cffi's defaults); tests lower them so hashing is not what they time.
    hash_time_cost: int = 3
    hash_memory_kib: int = 65536
    # Rate limits, lockouts and refresh tokens in Redis instead of the database (redis://...).
    redis_url: str | None = None

    @classmethod
    def from_env(cls, database_url: str | None = None) -> "ServerSettings":
        env = os.environ

        def num(name: str, default: float) -> float:
            raw = env.get(name)
            if raw is None or raw == "":
                return default
            try:
                return float(raw)
            except ValueError:
                raise ValueError(f"{name} must be a number, not {raw!r}") from None

        d = cls()
        return cls(
            database_url=database_url or env.get("TRACKER_SERVER_DATABASE_URL") or d.database_url,
            secret=env.get("TRACKER_SERVER_SECRET") or None,
            ip_per_minute=int(num("TRACKER_SERVER_IP_PER_MINUTE", d.ip_per_minute)),
            user_per_minute=int(num("TRACKER_SERVER_USER_PER_MINUTE", d.user_per_minute)),
            login_per_minute=int(num("TRACKER_SERVER_LOGIN_PER_MINUTE", d.login_per_minute)),
            hash_time_cost=int(num("TRACKER_SERVER_HASH_TIME_COST", d.hash_time_cost)),
            hash_memory_kib=int(num("TRACKER_SERVER_HASH_MEMORY_KIB", d.hash_memory_kib)),
            redis_url=env.get("TRACKER_SERVER_REDIS_URL") or None,
        )
