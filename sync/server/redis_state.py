"""What the server's instances share, kept in Redis instead of the database when
`TRACKER_SERVER_REDIS_URL` is set: rate-limit counters, failed-login counters and locks, and
refresh tokens with their rotation. Every operation is atomic in Redis (INCRBY, a Lua script for
rotation), so any number of processes on one Redis enforce the same limits, lockouts and
single-use refresh tokens. Keys expire by themselves (windows, locks, tokens)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from .security import hash_refresh_token, new_refresh_token

# Rotation in one step: a live, unused token is marked used and its owner returned; a token
# presented again (used) revokes its whole family. Expired tokens are gone (their keys expire).
_ROTATE = """
local token = KEYS[1]
if redis.call('EXISTS', token) == 0 then return false end
local family = redis.call('HGET', token, 'family')
if redis.call('HGET', token, 'used') == '0' then
  redis.call('HSET', token, 'used', '1')
  return {redis.call('HGET', token, 'user'), family}
end
for _, member in ipairs(redis.call('SMEMBERS', 'rtf:' .. family)) do
  redis.call('DEL', 'rt:' .. member)
end
redis.call('DEL', 'rtf:' .. family)
return false
"""


class RedisShared:
    def __init__(self, url: str) -> None:
        import redis

        self.client: Any = redis.Redis.from_url(url, decode_responses=True)
        self._rotate = self.client.register_script(_ROTATE)

    def ping(self) -> None:
        self.client.ping()

    # ---- rate limits -----------------------------------------------------------------------

    def add_counts(self, counts: dict[str, tuple[int, int]], window_seconds: int) -> dict[str, int]:
        """Add (window, delta) to each key's counter of that window; the counts after."""
        keys = sorted(counts)
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            window, n = counts[key]
            name = f"rl:{key}:{window}"
            pipe.incrby(name, n)
            pipe.expire(name, 2 * window_seconds)
        replies = pipe.execute()
        return {key: int(replies[2 * i]) for i, key in enumerate(keys)}

    # ---- lockouts ----------------------------------------------------------------------------

    def locked_until(self, user_id: int) -> float | None:
        raw = self.client.get(f"lock:{user_id}")
        return float(raw) if raw is not None else None

    def failed_login(self, user_id: int, after: int, lock_seconds: float, now: float) -> float | None:
        """Count a failed login; the lock's end when this failure locks the account."""
        if int(self.client.incr(f"fails:{user_id}")) < after:
            return None
        until = now + lock_seconds
        pipe = self.client.pipeline()
        pipe.set(f"lock:{user_id}", repr(until), ex=max(1, int(lock_seconds) + 1))
        pipe.delete(f"fails:{user_id}")
        pipe.execute()
        return until

    def clear_failed_logins(self, user_id: int) -> None:
        self.client.delete(f"fails:{user_id}", f"lock:{user_id}")

    # ---- refresh tokens ----------------------------------------------------------------------

    def issue_refresh(self, user_id: int, days: float, family: str | None = None) -> str:
        token, digest = new_refresh_token()
        family = family or secrets.token_hex(16)
        ttl = max(1, int(days * 86400))
        pipe = self.client.pipeline()
        pipe.hset(f"rt:{digest}", mapping={"user": user_id, "family": family, "used": "0"})
        pipe.expire(f"rt:{digest}", ttl)
        pipe.sadd(f"rtf:{family}", digest)
        pipe.expire(f"rtf:{family}", ttl)
        pipe.sadd(f"rtu:{user_id}", family)
        pipe.expire(f"rtu:{user_id}", ttl)
        pipe.execute()
        return token

    def rotate_refresh(self, token: str) -> tuple[int, str] | None:
        found = self._rotate(keys=[f"rt:{hash_refresh_token(token)}"])
        if not found:
            return None
        return int(found[0]), str(found[1])

    def forget_user(self, user_id: int) -> None:
        """Every key of a deleted account: its refresh tokens, failed logins and lock."""
        for family in self.client.smembers(f"rtu:{user_id}"):
            members = self.client.smembers(f"rtf:{family}")
            if members:
                self.client.delete(*(f"rt:{m}" for m in members))
            self.client.delete(f"rtf:{family}")
        self.client.delete(f"rtu:{user_id}", f"fails:{user_id}", f"lock:{user_id}",
                           f"rl:user:{user_id}:{int(time.time() // 60)}")
