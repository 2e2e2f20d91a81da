"""The hot path: heartbeats merged in memory, written in batches.

The last event of each source and device lives in memory (loaded from the store the first time a source is
seen), so a merge costs no query. A batch is due when more than `max_pending` heartbeats are
waiting or the oldest has waited `max_delay` seconds; `flush()` writes it in one transaction.
A failed write keeps everything pending for the next try.

One thread uses an engine: the process's `storage.writer.Writer`, which decides when to flush.
The engine has no lock, so nothing can hold one while it waits on the database.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Callable

from tracker_desktop.domain.clock import Clock
from tracker_desktop.domain.events import Event, Heartbeat
from tracker_desktop.domain.heartbeat import apply, default_pulsetime, rebase

from .uow import UnitOfWork, UnitOfWorkFactory

logger = logging.getLogger(__name__)
Key = tuple[str, str]  # (source, device): events merge only within one

class HeartbeatEngine:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        max_pending: int = 100,
        max_delay: float = 5.0,
        device: str = "",
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self.max_pending = max_pending
        self.max_delay = max_delay
        # Heartbeats that name no device were observed here: they are stored under this name.
        self.device = device
        self._last: dict[Key, Event | None] = {}
        self._dirty: set[Key] = set()  # (source, device)s whose last event is not yet stored
        self._closed_new: list[Event] = []  # finished events never stored
        self._closed_updated: list[Event] = []  # finished events stored earlier, since changed
        self._pending = 0
        self._first_pending_at: float | None = None
        self._no_merge: set[str] = set()  # sources whose next heartbeat starts a new event
        # The stored version of each event we may still update, to notice another process
        # (an import, a second writer) changing it meanwhile.
        self._base: dict[int, Event] = {}
        self._also: list[Callable[[UnitOfWork], object]] = []  # more writes for the next flush
        self.flushes = 0

    # -- writing ---------------------------------------------------------------------------
    def heartbeat(self, hb: Heartbeat, pulsetime: float | None = None) -> Event:
        """Merge `hb` into its source's last event (or start a new one); returns the current event."""
        pulse = timedelta(seconds=default_pulsetime(hb.source) if pulsetime is None else pulsetime)
        if not hb.device and self.device:
            hb = replace(hb, device=self.device)
        key = (hb.source, hb.device)
        last = self._last_event(key)
        if hb.source in self._no_merge:
            self._no_merge.discard(hb.source)
            current, merged = hb.to_event(), False
        else:
            current, merged = apply(last, hb, pulse)
        if not merged and last is not None and key in self._dirty:
            (self._closed_updated if last.id is not None else self._closed_new).append(last)
        if current is not last:
            self._dirty.add(key)
        self._last[key] = current
        self._note_pending()
        return current

    def close(self, source: str) -> None:
        """End `source`'s current event: its next heartbeat starts a new one (tracking paused)."""
        self._no_merge.add(source)

    def insert(self, event: Event) -> None:
        """Store an event as it is, never merged (per-minute input counts, manual entries)."""
        if not event.device and self.device:
            event = event.with_(device=self.device)
        self._closed_new.append(event)
        self._note_pending()

    def also(self, write: Callable[[UnitOfWork], object]) -> None:
        """Run `write(uow)` in the next flush's transaction, so what it writes is committed
        together with the heartbeats handed over before it (e.g. their dedupe keys), or not at all."""
        self._also.append(write)
        self._note_pending()

    def _note_pending(self) -> None:
        self._pending += 1
        if self._first_pending_at is None:
            self._first_pending_at = self._clock.monotonic()

    def _last_event(self, key: Key) -> Event | None:
        if key in self._last:
            return self._last[key]
        with self._uow_factory() as uow:
            last = uow.events.last(*key)
        self._last[key] = last
        if last is not None and last.id is not None:
            self._base[last.id] = last
        return last

    # -- flushing --------------------------------------------------------------------------
    @property
    def pending(self) -> int:
        return self._pending

    def due_in(self) -> float | None:
        """Seconds until a batch is due (0: now), None while nothing is pending."""
        if self._first_pending_at is None:
            return None
        if self._pending > self.max_pending:
            return 0.0
        return max(0.0, self.max_delay - (self._clock.monotonic() - self._first_pending_at))

    def due(self) -> bool:
        return self.due_in() == 0.0

    def maybe_flush(self) -> bool:
        """Flush if more than `max_pending` heartbeats wait or the oldest waited `max_delay`."""
        if self.due():
            return self.flush()
        return False

    def flush(self) -> bool:
        """Write everything pending in one transaction. False (and nothing lost) if it failed."""
        if not self._pending and not self._dirty and not self._also:
            return True
        try:
            assigned: dict[Key, int] = {}
            updates = [*self._closed_updated,
                       *(e for s in self._dirty if (e := self._last[s]) is not None and e.id is not None)]
            with self._uow_factory(write=True) as uow:
                uow.events.add_many(self._closed_new)
                resolved = self._write_updates(uow, updates)
                for key in self._dirty:
                    event = self._last[key]
                    assert event is not None
                    if event.id is None:
                        assigned[key] = uow.events.add(event)
                for write in self._also:
                    write(uow)
                uow.commit()
        except Exception:
            logger.warning("could not write %d pending heartbeats; will retry", self._pending,
                           exc_info=True)
            return False
        for key, event_id in assigned.items():
            event = self._last[key]
            assert event is not None
            self._last[key] = event.with_(id=event_id)
        for key in self._dirty:
            event = self._last[key]
            if event is not None and event.id in resolved:
                if resolved[event.id] is None:
                    self._last.pop(key)  # deleted elsewhere: re-read on the next heartbeat
                else:
                    self._last[key] = resolved[event.id]
        self._base = {e.id: e for e in self._last.values() if e is not None and e.id is not None}
        self._closed_new.clear()
        self._closed_updated.clear()
        self._also.clear()
        self._dirty.clear()
        self._pending = 0
        self._first_pending_at = None
        self.flushes += 1
        return True

    def _write_updates(self, uow: UnitOfWork, events: list[Event]) -> dict[int, Event | None]:
        """Write our changes to stored events; returns what each became (None: deleted elsewhere).

        Each update applies only if the row is still what we read (the common case: one cheap
        statement). Otherwise another writer (an import) changed it: we re-read it and rebase our
        changes onto theirs. This runs in the write transaction (BEGIN IMMEDIATE), so nothing
        changes between the re-read and the write. A row deleted meanwhile stays deleted.
        """
        out: dict[int, Event | None] = {}
        for e in events:
            assert e.id is not None
            base = self._base.get(e.id)
            if base is None:
                uow.events.update_many([e])
                out[e.id] = e
            elif uow.events.update_if(e, base):
                out[e.id] = e
            else:
                now = uow.events.get_many([e.id]).get(e.id)
                if now is None:
                    logger.warning("event %s was deleted by another process; its update is dropped", e.id)
                    out[e.id] = None
                else:
                    logger.info("event %s was changed by another process; merging both changes", e.id)
                    rebased = rebase(e, base, now)
                    uow.events.update_many([rebased])
                    out[e.id] = rebased
        return out

    def forget(self, source: str | None = None) -> None:
        """Drop the cached last event(s) so they are re-read; after another writer changed them."""
        self.flush()
        if source is None:
            self._last.clear()
        else:
            for key in [k for k in self._last if k[0] == source]:
                self._last.pop(key)

    def current(self, source: str, device: str | None = None) -> Event | None:
        """The last event of `source` recorded on `device` (default: this engine's)."""
        return self._last_event((source, self.device if device is None else device))
