"""The process's one database writer: a thread that owns every write, so nothing else waits on a lock.

The poll loop, the GUI thread and the scheduler hand it work (`heartbeat`, `insert`, `close`,
`submit`) and return at once. The writer merges heartbeats into the HeartbeatEngine's in-memory
events, runs write jobs in the order they came, and flushes the engine when a batch is due.
A write that finds the database locked (another process importing, say) waits on SQLite's busy
timeout here, in this thread only, while heartbeats keep arriving in the queue; a write that
fails is retried after a back-off, so nothing handed over is lost while the process runs.

Several processes (the tracker, the browser and editor hosts, the CLI) write the same file; WAL
lets their readers run beside one writer, and this class keeps each process's writes off the
threads that must never stall (issue 6: a tick took 2.3 s while another process held the lock).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from dataclasses import dataclass
from functools import partial
from typing import Callable

from tracker_desktop.domain.clock import Clock
from tracker_desktop.domain.events import Event, Heartbeat

from .heartbeat_engine import HeartbeatEngine

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 15.0
FINAL_FLUSH_TRIES = 3


@dataclass(slots=True)
class Job:
    name: str
    fn: Callable[[], object]
    key: str | None = None  # a newer job with the same key replaces this one while it waits
    retry: bool = True  # False: a failure is logged and the job dropped (a newer one follows)
    engine_op: bool = False  # an in-memory engine change waiting behind one that failed


@dataclass(slots=True)
class _EngineOp:
    """A change to the engine's in-memory events (merge a heartbeat, queue an insert, close)."""

    name: str
    fn: Callable[[], object]


_STOP = object()
_WAKE = object()


class Writer:
    """Owns the HeartbeatEngine and every database write of this process.

    `start()` runs the loop in a daemon thread; without it (tests), `run_pending()` does one
    pass of the loop on the caller's thread. `stop()` drains the queue, writes everything and
    ends the thread.
    """

    def __init__(self, engine: HeartbeatEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._jobs: deque[Job] = deque()
        self._retry_at: float | None = None
        self._backoff = FIRST_RETRY_SECONDS
        self._thread: threading.Thread | None = None
        self._ops_waiting = 0  # engine changes queued as jobs behind one that failed
        self._flush_now = False  # `apply` asked for a write now rather than when a batch is due
        self._after_flush: list[Callable[[], object]] = []  # `apply`'s `done`, once committed
        self.failures = 0  # writes that failed and were (or will be) retried

    # -- handing work over (any thread; never blocks) -----------------------------------------
    def heartbeat(self, hb: Heartbeat, pulsetime: float | None = None) -> None:
        self._queue.put(_EngineOp(f"{hb.source} heartbeat", partial(self._engine.heartbeat, hb,
                                                                    pulsetime)))

    def insert(self, event: Event) -> None:
        """Store an event as it is, never merged (per-minute input counts, manual entries)."""
        self._queue.put(_EngineOp(f"{event.source} event", partial(self._engine.insert, event)))

    def close(self, source: str) -> None:
        """End `source`'s current event: its next heartbeat starts a new one (tracking paused)."""
        self._queue.put(_EngineOp(f"close {source}", partial(self._engine.close, source)))

    def apply(self, fn: Callable[[HeartbeatEngine], object], *, name: str,
              done: Callable[[], object] | None = None) -> None:
        """Run `fn(engine)` on the writer thread, in order with the heartbeats handed over, then
        write at once rather than when a batch is due; `done()` runs on the writer thread when
        that write is committed (a caller waiting to say "stored" waits for it, not for a lock).
        `fn` must do its reads (`engine.current`, queries) before it changes anything: if a read
        fails, it runs again later, in order."""
        def run() -> None:
            fn(self._engine)
            self._flush_now = True
            if done is not None:
                self._after_flush.append(done)

        self._queue.put(_EngineOp(name, run))

    def submit(self, fn: Callable[[], object], *, name: str | None = None, key: str | None = None,
               retry: bool = True) -> None:
        """Run `fn` on the writer thread, after the work handed over before it."""
        label = name or key or str(getattr(fn, "__name__", "job"))
        self._queue.put(Job(label, fn, key, retry))

    # -- the loop ------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="db-writer", daemon=True)
            self._thread.start()

    def stop(self, timeout: float | None = None) -> bool:
        """Write everything handed over so far, then end the thread. False if writes remain."""
        if self._thread is None:
            self._drain()
            return self._final()
        self._queue.put(_STOP)
        self._thread.join(timeout)
        if self._thread.is_alive():
            logger.error("the database writer did not finish within %s s", timeout)
            return False
        self._thread = None
        return not self._jobs and self._engine.pending == 0

    def wake(self) -> None:
        """Make the loop look at its timers now (tests with a fake clock)."""
        self._queue.put(_WAKE)

    def run_pending(self) -> None:
        """One pass of the loop on this thread: apply what was handed over, write what is due."""
        self._drain()
        self._write_due()

    def alive(self) -> bool:
        """The writer thread runs (started and not stopped)."""
        return self._thread is not None and self._thread.is_alive()

    def backlog(self) -> int:
        """Work handed over and not yet written (approximate; any thread): what waits in the
        queue plus the heartbeats and events the engine holds since its last commit. A producer
        that may outrun the writer (a native host reading a pipelined backlog, or one whose
        commits wait on another process's lock) waits while it is high, so its memory stays
        bounded; the tracker's tick never waits on it."""
        return self._queue.qsize() + self._engine.pending

    @property
    def pending(self) -> int:
        """Heartbeats and events not yet written (read from the writer thread or when stopped)."""
        return self._engine.pending

    def _loop(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=self._wait_seconds())
            except queue.Empty:
                item = None
            stop = item is _STOP or self._accept(item) or self._drain()
            if stop:
                self._final()
                return
            self._write_due()

    def _wait_seconds(self) -> float:
        now = self._clock.monotonic()
        if self._retry_at is not None:
            return max(0.01, self._retry_at - now)
        if self._jobs:
            return 0.0
        due_in = self._engine.due_in()
        return 1.0 if due_in is None else max(0.01, min(due_in, 1.0))

    def _drain(self) -> bool:
        """Take everything queued; True if a stop request was among it."""
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return False
            if item is _STOP or self._accept(item):
                return True

    def _accept(self, item: object) -> bool:
        if item is None or item is _WAKE:
            return False
        if item is _STOP:
            return True
        if isinstance(item, Job):
            if item.key is not None:
                for i, waiting in enumerate(self._jobs):
                    if waiting.key == item.key:
                        del self._jobs[i]
                        break
            self._jobs.append(item)
            return False
        assert isinstance(item, _EngineOp)
        if self._ops_waiting:  # an earlier change failed: keep the order behind it
            self._queue_op(item)
            return False
        # The engine's in-memory merges cost no I/O except reading a source's last stored event
        # the first time it is seen; that read happens here, on the writer thread.
        try:
            item.fn()
        except Exception:
            # Only that first read can fail; the change waits (with those after it) for a retry.
            logger.warning("could not apply %s; will retry", item.name, exc_info=True)
            self._queue_op(item)
            self._failed()
        return False

    def _queue_op(self, op: _EngineOp) -> None:
        self._ops_waiting += 1
        self._jobs.append(Job(op.name, op.fn, engine_op=True))

    def _write_due(self, *, final: bool = False) -> bool:
        """Run waiting jobs in order and flush a due batch; False if a write failed."""
        if not final and self._retry_at is not None and self._clock.monotonic() < self._retry_at:
            return False
        while self._jobs:
            job = self._jobs[0]
            try:
                job.fn()
            except Exception:
                if job.retry:
                    logger.warning("database write %r failed; will retry", job.name, exc_info=True)
                    self._failed()
                    return False
                logger.warning("database write %r failed; a newer one follows", job.name,
                               exc_info=True)
            if self._jobs.popleft().engine_op:
                self._ops_waiting -= 1
        if final or self._flush_now or self._engine.due():
            if not self._engine.flush():
                self._failed()
                return False
            self._flush_now = False
            done, self._after_flush = self._after_flush, []
            for fn in done:
                try:
                    fn()
                except Exception:
                    logger.exception("a write's completion callback failed")
        self._retry_at = None
        self._backoff = FIRST_RETRY_SECONDS
        return True

    def _failed(self) -> None:
        self.failures += 1
        self._retry_at = self._clock.monotonic() + self._backoff
        self._backoff = min(self._backoff * 2, MAX_RETRY_SECONDS)

    def _final(self) -> bool:
        for _ in range(FINAL_FLUSH_TRIES):
            if self._write_due(final=True):
                return True
        logger.error("%d heartbeat(s) and %d write(s) could not be written at shutdown",
                     self._engine.pending, len(self._jobs))
        return False
