"""Passwords (Argon2id), access tokens (JWT, HS256) and refresh tokens (opaque, rotated, stored
as SHA-256 in the database)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Callable

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Keys:
    jwt_key: str
    pseudonym_key: str


class Passwords:
    def __init__(self, time_cost: int, memory_kib: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        # Checked against when the username is unknown, so a login takes as long either way.
        self._dummy = self._hasher.hash(secrets.token_hex(8))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False


def make_access_token(key: str, user_id: int, minutes: float, now: float | None = None) -> str:
    now = time.time() if now is None else now
    claims = {"sub": str(user_id), "iat": int(now), "exp": int(now + minutes * 60), "typ": "access"}
    return jwt.encode(claims, key, algorithm="HS256")


def _claims(key: str, token: str) -> tuple[int, float]:
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from None
    if claims.get("typ") != "access":
        raise InvalidToken("not an access token")
    try:
        return int(claims["sub"]), float(claims["exp"])
    except (TypeError, ValueError):
        raise InvalidToken("bad subject") from None


def read_access_token(key: str, token: str) -> int:
    return _claims(key, token)[0]


class AccessTokens:
    """Access tokens checked once: the signature and claims of a token are verified the first
    time it is seen; later requests with it only compare its expiry with the clock. Bounded (the
    oldest entries go first); used from the event loop's thread."""

    def __init__(self, key: str, size: int = 16384, clock: Callable[[], float] = time.time) -> None:
        self._key, self._size, self._clock = key, size, clock
        self._seen: dict[str, tuple[int, float]] = {}

    def user_id(self, token: str) -> int:
        seen = self._seen.get(token)
        if seen is None:
            seen = _claims(self._key, token)
            if len(self._seen) >= self._size:
                del self._seen[next(iter(self._seen))]
            self._seen[token] = seen
        if seen[1] <= self._clock():
            raise InvalidToken("Signature has expired")
        return seen[0]


def new_refresh_token() -> tuple[str, str]:
    """(the token handed out, the hash stored)."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pseudonym(key: str, user_id: int) -> str:
    """A stable name for an anonymous user: the same every time, not reversible without the key."""
    digest = hmac.new(key.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()
    return f"anonymous-{digest[:10]}"
