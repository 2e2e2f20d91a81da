"""Fixed-window rate limits shared by every server process on one database, without a database
write per request.

Each key (`user:42`, `ip:…`, `login:…`) has a counter per minute in `rate_buckets`. A process
counts its own requests in memory and adds them to the shared counter in one batched upsert at
most once per `flush_seconds` (done by whichever request comes along, never a background thread),
learning the other processes' counts from what the upsert returns. While a key is far from its
limit (below a tenth of it, LOCAL_SHARE, as far as this process knows) a request costs a
dictionary update. Beyond that, and for every small limit (under `BATCH_MIN_LIMIT`, such as logins
and registrations), each request is counted in the database at once, atomically, so every process
enforces the same exact limit. What a batched key can pass its limit by is what the processes
hold in memory and have not flushed yet: at most a tenth of the limit per process, for at most a
flush interval (two instances: the tests see one request); the small limits stay exact.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import BigInteger, Engine, Integer, String, bindparam, case, func, select
from sqlalchemy.dialects import postgresql, sqlite

from .models import RateBucket

BATCH_MIN_LIMIT = 100  # smaller limits are counted in the database on every request
LOCAL_SHARE = 10  # a key is counted in memory while under 1/LOCAL_SHARE of its limit


def _adding(ins: Any) -> Any:
    b, new = RateBucket, ins.excluded
    return ins.on_conflict_do_update(
        index_elements=["key"],
        set_={"count": case((b.window == new.window, b.count + new.count),
                            (b.window < new.window, new.count), else_=b.count),
              "window": case((b.window < new.window, new.window), else_=b.window)},
    ).returning(b.key, b.window, b.count)


@functools.cache
def _add_unnested() -> Any:
    """PostgreSQL: any number of rows in one statement of fixed shape (array parameters,
    unnested), compiled and prepared once; multi-row VALUES would be compiled at every flush."""
    rows = func.unnest(bindparam("keys", type_=postgresql.ARRAY(String)),
                       bindparam("windows", type_=postgresql.ARRAY(BigInteger)),
                       bindparam("counts", type_=postgresql.ARRAY(Integer))
                       ).table_valued("key", "window", "count").render_derived()
    ins = postgresql.insert(RateBucket).from_select(
        ["key", "window", "count"], select(rows.c.key, rows.c.window, rows.c.count))
    return _adding(ins)


@dataclass(slots=True)
class _Key:
    window: int
    known: int = 0  # the shared count of this window as of this process's last flush
    pending: int = 0  # counted here, not yet added to the shared count


@dataclass
class RateLimiter:
    engine: Engine
    window_seconds: int = 60
    flush_seconds: float = 1.0
    clock: Callable[[], float] = time.time
    redis: Any = None  # a RedisShared: the shared counters are in Redis instead
    _keys: dict[str, _Key] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _flushing: threading.Lock = field(default_factory=threading.Lock)
    _last_flush: float = 0.0

    def _retry_after(self, window: int, now: float) -> int:
        return max(1, int((window + 1) * self.window_seconds - now) + 1)

    def try_local(self, key: str, limit: int) -> bool:
        """Count one request in memory if the key is safely under its limit (True); False: the
        caller must count it in the database with `hit` (it may be over)."""
        if limit < BATCH_MIN_LIMIT:
            return False
        now = self.clock()
        window = int(now // self.window_seconds)
        with self._lock:
            k = self._keys.get(key)
            if k is None or k.window != window:
                k = self._keys[key] = _Key(window)
            if (k.known + k.pending + 1) * LOCAL_SHARE > limit:
                return False
            k.pending += 1
            return True

    def flush_due(self) -> bool:
        return bool(self._keys) and self.clock() - self._last_flush >= self.flush_seconds

    def hit(self, key: str, limit: int) -> int | None:
        """Count one request in the database now (with this process's pending count of the key);
        the seconds to wait if it is over `limit` in this window, else None."""
        now = self.clock()
        window = int(now // self.window_seconds)
        with self._lock:
            k = self._keys.get(key)
            pending = k.pending if k is not None and k.window == window else 0
            if k is not None:
                k.pending = 0
        count = self._add({key: (window, pending + 1)}).get(key, pending + 1)
        if count > limit:
            return self._retry_after(window, now)
        return None

    def flush(self) -> None:
        """Add every pending count to the shared counters in one statement (if no other thread of
        this process is doing it), and drop keys of past windows."""
        if not self._flushing.acquire(blocking=False):
            return
        try:
            now = self.clock()
            window = int(now // self.window_seconds)
            with self._lock:
                self._last_flush = now
                batch = {key: (k.window, k.pending) for key, k in self._keys.items() if k.pending}
                for key, k in list(self._keys.items()):
                    k.pending = 0
                    if k.window != window:
                        del self._keys[key]
            if batch:
                self._add(batch)
        finally:
            self._flushing.release()

    def _add(self, counts: dict[str, tuple[int, int]]) -> dict[str, int]:
        """Upsert (key, window, delta) rows in key order (so two processes flushing together take
        the rows' locks in the same order); a row of an older window restarts at delta, a delta
        for a window already past is dropped. In Redis: INCRBY on a counter per key and window.
        Returns the shared counts."""
        keys = sorted(counts)
        returned: list[Any]
        if self.redis is not None:
            shared = self.redis.add_counts(counts, self.window_seconds)
            returned = [(k, counts[k][0], shared[k]) for k in keys]
        else:
            with self.engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    returned = list(conn.execute(_add_unnested(), {
                        "keys": keys, "windows": [counts[k][0] for k in keys],
                        "counts": [counts[k][1] for k in keys]}).all())
                else:
                    rows = [{"key": k, "window": counts[k][0], "count": counts[k][1]}
                            for k in keys]
                    returned = list(conn.execute(
                        _adding(sqlite.insert(RateBucket).values(rows))).all())
        out: dict[str, int] = {}
        with self._lock:
            for key, w, count in returned:
                out[key] = int(count)
                k = self._keys.get(key)
                if k is not None and k.window == w:
                    k.known = int(count)
        return out

    def forget(self, key: str) -> None:
        with self._lock:
            self._keys.pop(key, None)
