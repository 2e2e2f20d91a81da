"""Run a callable off the GUI thread and hand its result (or exception) back on the GUI thread.

Nothing on the GUI thread waits on the database: views and view-models call `Worker.submit`
with a query and get its result through a queued signal. The pool is the Qt global one unless
one is given (tests give a pool of their own and wait on it).
"""

from __future__ import annotations

import itertools
import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

logger = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the thread that created the Worker; signals emitted from the pool are queued."""

    done = Signal(int, object)
    failed = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, ticket: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._ticket, self._fn, self._relay = ticket, fn, relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, never lost
            self._relay.failed.emit(self._ticket, exc)
        else:
            self._relay.done.emit(self._ticket, result)


class Worker(QObject):
    """Runs callables on a thread pool; each `submit` gets its own callbacks, called on the
    thread that owns this object (the GUI thread).

    `key`: a newer submission with the same key supersedes an older one still running, whose
    result is then dropped (a date clicked twice quickly renders the second date only).
    """

    finished = Signal(int, object)  # ticket, result (after the submission's own callback)
    errored = Signal(int, object)   # ticket, exception

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool if pool is not None else QThreadPool.globalInstance()
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._relay.failed.connect(self._on_failed)
        self._tickets = itertools.count(1)
        self._pending: dict[int, tuple[Callable[[Any], None] | None,
                                       Callable[[BaseException], None] | None, str | None]] = {}
        self._latest: dict[str, int] = {}

    @property
    def pool(self) -> QThreadPool:
        return self._pool

    def submit(self, fn: Callable[[], Any], on_result: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               *, key: str | None = None) -> int:
        ticket = next(self._tickets)
        self._pending[ticket] = (on_result, on_error, key)
        if key is not None:
            self._latest[key] = ticket
        self._pool.start(_Job(ticket, fn, self._relay))
        return ticket

    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = -1) -> bool:
        """Block until the pool is idle (tests and the screenshot path only), then deliver
        the queued results. Returns False if it timed out."""
        from PySide6.QtCore import QCoreApplication

        ok = self._pool.waitForDone(msecs)
        QCoreApplication.processEvents()
        return ok

    def _superseded(self, ticket: int, key: str | None) -> bool:
        return key is not None and self._latest.get(key) != ticket

    @Slot(int, object)
    def _on_done(self, ticket: int, result: object) -> None:
        on_result, _, key = self._pending.pop(ticket, (None, None, None))
        if self._superseded(ticket, key):
            return
        if key is not None:
            self._latest.pop(key, None)
        if on_result is not None:
            on_result(result)
        self.finished.emit(ticket, result)

    @Slot(int, object)
    def _on_failed(self, ticket: int, exc: object) -> None:
        _, on_error, key = self._pending.pop(ticket, (None, None, None))
        if self._superseded(ticket, key):
            return
        if key is not None:
            self._latest.pop(key, None)
        if on_error is not None:
            assert isinstance(exc, BaseException)
            on_error(exc)
        else:
            logger.error("background job failed", exc_info=exc if isinstance(exc, BaseException) else None)
        self.errored.emit(ticket, exc)
