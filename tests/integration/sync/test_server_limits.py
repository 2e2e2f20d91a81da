"""The server's rate limiter and access-token check on a real database (SQLite and PostgreSQL):
counted in memory far from a limit, in the database near it, and shared by every process."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from sync.server.db import make_engine, migrate
from sync.server.limits import BATCH_MIN_LIMIT, RateLimiter
from sync.server.models import RateBucket
from sync.server.security import AccessTokens, InvalidToken, make_access_token


class Clock:
    def __init__(self, now: float = 6_000_000.0) -> None:  # the start of a 60 s window
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


def shared(engine, key):
    with engine.connect() as conn:
        return conn.execute(select(RateBucket.count).where(RateBucket.key == key)).scalar()


def allowed(limiter: RateLimiter, key: str, limit: int) -> bool:
    """What the API does with one request: in memory if it may, else in the database."""
    return limiter.try_local(key, limit) or limiter.hit(key, limit) is None


def test_far_from_the_limit_requests_are_counted_in_memory_and_flushed_once_a_second(engine):
    clock = Clock()
    a = RateLimiter(engine, clock=clock)
    assert all(a.try_local("user:1", 600) for _ in range(40))
    assert shared(engine, "user:1") is None  # nothing written yet
    assert a.flush_due()
    a.flush()
    assert shared(engine, "user:1") == 40 and not a.flush_due()
    assert a.try_local("user:1", 600)
    clock.now += 0.5
    assert not a.flush_due()
    clock.now += 0.6
    assert a.flush_due()
    a.flush()
    assert shared(engine, "user:1") == 41


def test_two_processes_share_a_batched_limit(engine):
    """Two limiters on one database (two server processes), neither flushing: each counts in
    memory up to a tenth of the limit as far as it knows, then in the database with its own
    pending count. Both reach the database long before the limit, so it holds exactly."""
    clock = Clock()
    a, b = RateLimiter(engine, clock=clock), RateLimiter(engine, clock=clock)
    limit = BATCH_MIN_LIMIT
    answers = [allowed(p, "user:7", limit) for _ in range(limit) for p in (a, b)]
    assert answers == [True] * limit + [False] * limit
    assert shared(engine, "user:7") == 2 * limit
    # The next window starts from zero.
    clock.now += 60
    assert allowed(a, "user:7", limit) and allowed(b, "user:7", limit)


def test_another_processes_flushed_count_moves_this_one_to_exact_counting(engine):
    clock = Clock()
    a, b = RateLimiter(engine, clock=clock), RateLimiter(engine, clock=clock)
    assert [b.try_local("user:3", 100) for _ in range(11)] == [True] * 10 + [False]
    b.forget("user:3")  # b's 51st request is not counted: b had stopped there
    b.flush()  # nothing pending at b any more: nothing written
    assert shared(engine, "user:3") is None
    b = RateLimiter(engine, clock=clock)
    assert all(b.try_local("user:3", 100) for _ in range(10))
    b.flush()
    assert a.try_local("user:3", 100)
    a.flush()  # a learns the shared count: 11
    assert not a.try_local("user:3", 100)  # over a tenth: every request goes to the database now
    assert [a.hit("user:3", 100) is None for _ in range(91)] == [True] * 89 + [False] * 2


def test_small_limits_are_always_counted_in_the_database(engine):
    clock = Clock(6_000_030.0)
    a, b = RateLimiter(engine, clock=clock), RateLimiter(engine, clock=clock)
    assert not a.try_local("login:ann", BATCH_MIN_LIMIT - 1)
    codes = [p.hit("login:ann", 3) for p in (a, b, a, b)]
    assert codes[:3] == [None, None, None] and codes[3] == 31  # seconds to the next window
    assert shared(engine, "login:ann") == 4


def test_a_checked_access_token_still_expires():
    clock = Clock(time.time())  # PyJWT checks the first use against the real clock
    tokens = AccessTokens("k" * 48, clock=clock)
    token = make_access_token("k" * 48, 42, 15, now=clock.now)
    assert tokens.user_id(token) == 42
    clock.now += 15 * 60 - 1
    assert tokens.user_id(token) == 42  # from what was checked, not checked again
    clock.now += 1
    with pytest.raises(InvalidToken):
        tokens.user_id(token)
    with pytest.raises(InvalidToken):
        tokens.user_id(make_access_token("another key, as long as the first" + "x" * 16, 42, 15))


def test_the_checked_tokens_are_bounded():
    tokens = AccessTokens("k" * 48, size=3)
    ids = [tokens.user_id(make_access_token("k" * 48, n, 15)) for n in range(10)]
    assert ids == list(range(10)) and len(tokens._seen) == 3
