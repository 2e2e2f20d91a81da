"""The local WakaTime API's use cases: record heartbeats (through the process's one Writer, with
WakaTime's time rule and a dedupe key), answer the status bar and summaries from our analysis,
and say which editors reach us. JSON shapes are WakaTime's; HTTP lives in tracker_desktop.endpoints.
"""

from __future__ import annotations

import logging
import secrets as _secrets
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, Sequence

from tracker_desktop.domain.clock import Clock
from tracker_desktop.domain.days import Period, day_bounds, days
from tracker_desktop.domain.events import Heartbeat
from tracker_desktop.domain.wakatime import (TIMEOUT, WakaHeartbeat, bridge, duration_json,
                                             named_list, timeline)

if TYPE_CHECKING:
    from storage.heartbeat_engine import HeartbeatEngine
    from storage.uow import UnitOfWork, UnitOfWorkFactory
    from storage.wakatime import EditorSeen, Received
    from storage.writer import Writer
    from tracker_desktop.secrets import SecretStore
    from tracker_desktop.services.rollups import RollupService

logger = logging.getLogger(__name__)

API_KEY_NAME = "wakatime-api-key"
STORED = 201  # a new heartbeat, committed
DUPLICATE = 202  # stored before: accepted, nothing new (wakatime-cli drops it from its queue)
NOT_YET = 503  # not committed (yet): wakatime-cli keeps it in its offline queue and resends
WAIT_SECONDS = 10.0  # how long a request waits for its commit before answering 503


_US = timedelta(microseconds=1)


class NotStored(RuntimeError):
    """The heartbeats were not committed in time (the database is locked or failing); the
    writer keeps trying, and a resent heartbeat is recognised by its key."""


def ensure_api_key(store: "SecretStore") -> str:
    """The local API key, generated on first use and kept in the keyring."""
    key = store.get(API_KEY_NAME)
    if not key:
        # A UUID, as WakaTime's own keys: some plugins check the format before saving one.
        import uuid

        key = str(uuid.UUID(bytes=_secrets.token_bytes(16), version=4))
        store.set(API_KEY_NAME, key)
    return key


@dataclass(slots=True)
class _Batch:
    items: Sequence[WakaHeartbeat]
    keys: list[str]
    on_done: Callable[[list[int]], object]
    statuses: list[int] = field(default_factory=list)
    new_keys: set[str] = field(default_factory=set)


class WakaTimeService:
    """Records heartbeats through `writer` (any thread may call `submit` or `record`; they wait
    for the commit, never for a lock: the writer thread does the waiting).

    One service writes a database's WakaTime heartbeats at a time (the endpoint holds
    `<db>.wakatime.lock`), so what it stored is known here: a heartbeat newer than every stored
    one cannot be a duplicate, and needs no query (the common, live case).
    """

    def __init__(self, writer: "Writer", uow: "UnitOfWorkFactory", clock: Clock,
                 timeout: timedelta = TIMEOUT, wait_seconds: float = WAIT_SECONDS) -> None:
        self._writer = writer
        self._uow = uow
        self._clock = clock
        self.timeout = timeout
        self.wait_seconds = wait_seconds
        # Touched on the writer thread only: keys handed to the engine but not committed yet,
        # and the latest heartbeat time stored or handed over (None: not read yet).
        self._uncommitted: set[str] = set()
        self._latest: datetime | None = None
        self._latest_known = False

    def submit(self, items: Sequence[WakaHeartbeat], keys: Sequence[str],
               done: Callable[[list[int]], object]) -> None:
        """Hand `items` (validated heartbeats, with their dedupe keys) to the writer; `done`
        gets one status per item, on the writer thread, once they are committed: STORED,
        DUPLICATE, or NOT_YET (an earlier copy is still being written; resending is safe)."""
        if not items:
            done([])
            return
        batch = _Batch(items, list(keys), done)
        self._writer.apply(lambda engine: self._apply(engine, batch), name="wakatime heartbeats",
                           done=lambda: self._committed(batch))

    def record(self, items: Sequence[WakaHeartbeat], keys: Sequence[str] | None = None) -> list[int]:
        """`submit`, waiting for the commit (NotStored after `wait_seconds`)."""
        result: list[list[int]] = []
        committed = threading.Event()

        def done(statuses: list[int]) -> None:
            result.append(statuses)
            committed.set()

        self.submit(items, keys if keys is not None else [hb.key() for hb in items], done)
        if not committed.wait(self.wait_seconds):
            raise NotStored(f"{len(items)} heartbeat(s) not written within {self.wait_seconds:g} s")
        return result[0]

    def _apply(self, engine: "HeartbeatEngine", batch: _Batch) -> None:
        """On the writer thread: dedupe, then WakaTime's time rule. Everything it reads, it
        reads before it changes anything (the writer runs it again if a read fails)."""
        from storage.wakatime import Received

        keys = batch.keys
        if not self._latest_known:
            with self._uow() as uow:
                self._latest = uow.wakatime.latest_time()
            self._latest_known = True
        latest = self._latest
        # Only a heartbeat no newer than the latest stored one can have been stored already.
        # (Stored times are whole microseconds: compare with a microsecond to spare.)
        maybe = [k for hb, k in zip(batch.items, keys) if latest is not None
                 and hb.when <= latest + _US and k not in self._uncommitted]
        stored: set[str] = set()
        if maybe:
            with self._uow() as uow:
                stored = uow.wakatime.seen(maybe)
        for source in {hb.source() for hb in batch.items}:
            engine.current(source)  # read a source's last event now, before any change
        received = self._clock.now()
        statuses = [0] * len(batch.items)
        new: dict[str, Received] = {}
        beats: list[Heartbeat] = []
        device = engine.device
        # In time order: a bulk from the offline queue may come in any order.
        for i in sorted(range(len(batch.items)), key=lambda n: batch.items[n].time):
            hb, key = batch.items[i], keys[i]
            if key in stored or key in new:
                statuses[i] = DUPLICATE
            elif key in self._uncommitted:
                statuses[i] = NOT_YET  # an earlier request's copy is still being written
            else:
                # Built once, on this machine's name: no second validation in the engine.
                beat = hb.heartbeat(device)
                beats.append(beat)
                new[key] = Received(key, beat.timestamp, received, (hb.editor or "")[:64],
                                    beat.source, beat.data, beat.counts)
                statuses[i] = STORED
        batch.statuses = statuses
        if not new:
            return
        rows = list(new.values())
        if latest is not None and rows[0].time < latest:
            self._redo(engine, rows)
            return
        pulse = self.timeout.total_seconds()
        for beat in beats:
            carry = bridge(engine.current(beat.source), beat, self.timeout)
            if carry is not None:
                engine.heartbeat(carry, pulse)
            engine.heartbeat(beat, pulse)
        batch.new_keys = set(new)
        self._uncommitted.update(new)
        self._latest = rows[-1].time if latest is None else max(latest, rows[-1].time)

        def write(uow: "UnitOfWork") -> None:
            uow.wakatime.add_many(rows)

        # The keys are committed with the events they became, or neither is.
        engine.also(write)

    def _redo(self, engine: "HeartbeatEngine", rows: list["Received"]) -> None:
        """Late heartbeats (older than one already stored: wakatime-cli sends its offline queue
        after the heartbeat of the moment; two plugins' CLIs race): store them, and recompute
        the events they change from the stored heartbeats, as WakaTime computes durations
        whatever the arrival order. Per source, those are the event holding the heartbeat just
        before them through the event holding the one just after them: from the first heartbeat
        of the first to the heartbeat starting the event after the second (there the events
        stay as they are). One transaction; the engine forgets its cached events after it."""
        if not engine.flush():  # what the engine holds first (the op is retried if this fails)
            raise NotStored("the database refused the pending writes")
        device = engine.device
        redone = 0
        with self._uow(write=True) as uow:
            for source in sorted({r.source for r in rows}):
                late = [r for r in rows if r.source == source]
                first = (uow.wakatime.run_start(source, late[0].time, self.timeout)
                         or late[0].time)
                stop = uow.wakatime.next_run_start(source, late[-1].time, self.timeout)
                uow.wakatime.add_many(late)
                beats = [Heartbeat(source, r.time, data=r.data, counts=r.counts, device=device)
                         for r in uow.wakatime.between(source, first, stop)]
                ours = {(b.timestamp, tuple(sorted(b.data.items()))) for b in beats}
                old = [e.id for e in uow.events.range(source, first, stop)
                       if e.id is not None and e.start >= first and (stop is None or e.start < stop)
                       and (e.device or device) == device
                       and (e.start, tuple(sorted(e.data.items()))) in ours]
                uow.events.delete_many(old)
                uow.events.add_many([e for e in timeline(beats, self.timeout)
                                     if stop is None or e.start < stop])
                redone += len(beats)
            uow.commit()
        for source in {r.source for r in rows}:
            engine.forget(source)
        self._latest = max(self._latest or rows[-1].time, rows[-1].time)
        logger.info("WakaTime: %d late heartbeat(s); %d heartbeats recomputed", len(rows), redone)

    def _committed(self, batch: _Batch) -> None:
        """On the writer thread, after the flush that wrote `batch`."""
        self._uncommitted.difference_update(batch.new_keys)
        batch.on_done(batch.statuses)

    def editors(self) -> list["EditorSeen"]:
        """Which editors reached us: heartbeats, the latest heartbeat, the last arrival."""
        with self._uow() as uow:
            return uow.wakatime.editors()


class WakaTimeReports:
    """The status bar and summaries in WakaTime's shapes, from our rollups (the same numbers as
    `report`). Coding time is the time in `[analysis] coding_category` (and its subcategories)."""

    def __init__(self, rollups: "RollupService", coding_category: str, clock: Clock) -> None:
        self._rollups = rollups
        self._coding = coding_category
        self._clock = clock
        self._lock = threading.Lock()  # one rollup read at a time (HTTP threads share it)

    def today(self) -> date:
        return self._rollups.today()

    def summaries(self, first: date, last: date) -> dict[str, Any]:
        Period(first, last, f"{first}..{last}")  # the range reports cover, or InvalidPeriod
        with self._lock:
            rolled = self._rollups.read(first, last, blocks=False)
        setup = self._rollups.setup
        data = [self._day(d, rolled[d].summary, setup.tz, setup.day_start_hour, setup.tz_name)
                for d in days(first, last)]
        total = sum(day["grand_total"]["total_seconds"] for day in data)
        n = len(data)
        start, _ = day_bounds(first, setup.tz, setup.day_start_hour)
        _, end = day_bounds(last, setup.tz, setup.day_start_hour)
        return {
            "data": data,
            "cumulative_total": {"seconds": round(total, 3), "text": duration_json(total)["text"],
                                 "decimal": f"{total / 3600:.2f}",
                                 "digital": duration_json(total)["digital"]},
            "daily_average": {"holidays": 0, "days_including_holidays": n,
                              "days_minus_holidays": n, "seconds": round(total / n, 3),
                              "text": duration_json(total / n)["text"]},
            "start": start.isoformat(), "end": end.isoformat(),
        }

    def statusbar(self) -> dict[str, Any]:
        today = self.today()
        day = self.summaries(today, today)["data"][0]
        return {"data": {**day, "is_up_to_date": True}, "cached_at": self._clock.now().isoformat()}

    def _coding_seconds(self, categories: Any) -> float:
        prefix = self._coding + " > "
        return float(sum(v[0] for name, v in categories.items()
                         if name == self._coding or name.startswith(prefix)))

    def _day(self, d: date, summary: Any, tz: Any, start_hour: int, tz_name: str) -> dict[str, Any]:
        coding = self._coding_seconds(summary.categories)
        start, end = day_bounds(d, tz, start_hour)
        return {
            "grand_total": duration_json(coding),
            "categories": named_list({"Coding": coding}),
            "projects": named_list(summary.projects),
            "languages": named_list(summary.languages),
            "entities": [{**item, "type": "file"} for item in named_list(summary.files)],
            "editors": [], "operating_systems": [], "machines": [], "dependencies": [],
            "branches": [],
            "range": {"date": d.isoformat(), "start": start.isoformat(), "end": end.isoformat(),
                      "text": d.strftime("%a %b %d"), "timezone": tz_name},
        }
