"""What every importer shares: the Importer protocol, the errors, the summary, and `run_import`,
which stores what a format's importer yields in one transaction without holding it in memory.

    class Importer(Protocol):
        name: str              # the --format value
        description: str       # one line for --help
        def read(self, stream: BinaryIO, progress: Progress,
                 on_invalid: Callable[[str], None] | None = None) -> Iterator[Event]: ...

`read` gets the file opened in binary mode and yields finished Events one at a time (never
heartbeats: each format's own duration rules are applied inside the importer, so nothing depends
on pulsetimes). It raises ImportFormatError for a file that is not of its format; a single
malformed record is skipped and reported to `on_invalid`, and a file whose every record is
malformed is refused as a whole. Records of a kind it does not take (a bucket type with no
source of ours) are passed to `on_unsupported` as one dict per kind, so the summary lists them.
"""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, BinaryIO, Callable, Iterator, Protocol

from tracker_desktop.domain.events import Event, InvalidEvent, check_not_ahead

logger = logging.getLogger(__name__)

Progress = Callable[[int, "int | None"], None]
ProgressFactory = Callable[[Any, str], Any]  # (total or None, description) -> tqdm-like bar
BATCH = 5000
MAX_REPORTED_ERRORS = 20
# How much stored history around the current record is held to find what is already recorded.
# Exports are sorted (ascending or descending), so a window is read about once.
WINDOW = timedelta(hours=12)
_US = timedelta(microseconds=1)


class ImportFormatError(InvalidEvent):
    """The file is not what the chosen format expects; the message says what was found.

    An InvalidEvent, so the CLI reports it as bad input (exit code 2) like any other."""


class BadImportLines(InvalidEvent):
    """A JSON-lines file has bad lines, so nothing was imported; `errors` lists the first ones
    as (line number, message) and `total_bad` counts them all."""

    def __init__(self, errors: list[tuple[int, str]], total_bad: int) -> None:
        self.errors = errors
        self.total_bad = total_bad
        shown = "\n".join(f"  line {n}: {msg}" for n, msg in errors)
        more = f"\n  ... and {total_bad - len(errors)} more bad lines" if total_bad > len(errors) else ""
        super().__init__(f"{total_bad} bad line(s); nothing was imported:\n{shown}{more}")


class Importer(Protocol):
    name: str
    description: str

    def read(self, stream: BinaryIO, progress: Progress,
             on_invalid: Callable[[str], None] | None = None,
             on_unsupported: Callable[[dict[str, Any]], None] | None = None) -> Iterator[Event]: ...


@dataclass
class ImportSummary:
    format: str
    read: int = 0  # events the file held that were converted
    imported: int = 0  # newly stored
    updated: int = 0  # stored before, now longer (a later export of a still-growing event)
    duplicates: int = 0  # already stored (same source, device, start and data, and no longer)
    invalid: int = 0  # malformed records skipped
    sources: dict[str, int] = field(default_factory=dict)  # newly stored, per source
    devices: dict[str, int] = field(default_factory=dict)  # newly stored, per device ("": this one)
    # What the file held that no source of ours takes (an aw-watcher-input bucket...): listed,
    # not dropped silently. Dicts such as {"bucket", "type", "events"}.
    unsupported: list[dict[str, Any]] = field(default_factory=list)
    first: datetime | None = None
    last: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format, "read": self.read, "imported": self.imported,
            "updated": self.updated, "duplicates": self.duplicates, "invalid": self.invalid,
            "sources": dict(self.sources), "devices": dict(self.devices),
            "unsupported": [dict(u) for u in self.unsupported],
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
        }

    def widen(self, start: datetime, end: datetime) -> None:
        self.first = start if self.first is None else min(self.first, start)
        self.last = end if self.last is None else max(self.last, end)


class Recorded:
    """The stored events of one source near a time, read a window at a time, plus what this
    import wrote there: answers "is this already recorded?" without loading a whole history.

    The writer is flushed before a window is read, so rows this import has queued are in it;
    with `own=False` they are left out instead (with the stored events this import changed seen
    as they were), so only what was recorded before the import counts. `ordered` keeps the
    events sorted by start too, which `covering` needs (JSON lines only)."""

    def __init__(self, uow: Any, source: str, writer: "Writer", ordered: bool = False,
                 own: bool = True, device: str = "") -> None:
        self._uow = uow
        self._source = source
        self._device = device  # the device is part of an event's identity
        self._writer = writer
        self._ordered = ordered
        self._own = own
        self._originals: dict[int, Event] = {}
        self._lo: datetime | None = None
        self._hi: datetime | None = None
        self._by_start: dict[datetime, list[Event]] = {}
        self._starts: list[datetime] = []
        self._events: list[Event] = []
        self._longest = timedelta(0)

    def keep_original(self, event: Event) -> None:
        """`event` is stored and this import may change it: see it as it is now."""
        if event.id is not None:
            self._originals[event.id] = event

    def _load(self, when: datetime) -> None:
        self._writer.flush()
        # The window reaches ahead in the direction the file goes (exports run oldest first or
        # newest first), so rows this import just wrote behind it are not read back.
        if self._lo is not None and when < self._lo:
            self._lo, self._hi = when - 2 * WINDOW, when + _US
        else:
            self._lo, self._hi = when, when + 2 * WINDOW
        # One microsecond before the window, so an event ending exactly at its start is seen.
        events = [e for e in self._uow.events.range(self._source, self._lo - _US, self._hi)
                  if e.device == self._device]
        if not self._own:
            first = self._writer.first_id  # rows with this id or later are this import's
            events = [e if e.id is None else self._originals.get(e.id, e) for e in events
                      if first is None or e.id is None or e.id < first]
        self._by_start = {}
        for e in events:
            self._by_start.setdefault(e.start, []).append(e)
        if self._ordered:
            self._events = sorted(events, key=lambda e: e.start)
            self._starts = [e.start for e in self._events]
            self._longest = max((e.duration for e in self._events), default=timedelta(0))

    def reload(self, when: datetime) -> None:
        """Read the window around `when` again (after this import wrote into it)."""
        self._load(when)

    def _ensure(self, when: datetime) -> None:
        if self._lo is None or self._hi is None or not self._lo <= when < self._hi:
            self._load(when)

    def covering(self, start: datetime, end: datetime, data: Any) -> Event | None:
        """A recorded event with this data spanning [start, end], if any (needs `ordered`)."""
        self._ensure(start)
        i = bisect.bisect_right(self._starts, start) - 1
        while i >= 0 and self._starts[i] >= start - self._longest:
            e = self._events[i]
            if e.end >= end and e.data == data:
                return e
            i -= 1
        return None

    def same_start(self, start: datetime, data: Any) -> Event | None:
        """A recorded event with this start and data, if any."""
        self._ensure(start)
        for e in self._by_start.get(start, ()):
            if e.data == data:
                return e
        return None

    def note(self, event: Event, replaces: Event | None = None) -> None:
        """`event` is now recorded (written by this import, or queued to be)."""
        if self._lo is None or self._hi is None or not self._lo <= event.start < self._hi:
            return  # outside the window: read from the store when a window reaches it
        same = self._by_start.setdefault(event.start, [])
        if replaces is not None and replaces in same:
            same[same.index(replaces)] = event
        else:
            same.append(event)
        if self._ordered:
            if replaces is not None:
                i = bisect.bisect_left(self._starts, replaces.start)
                while i < len(self._events) and self._starts[i] == replaces.start:
                    if self._events[i] == replaces:
                        self._events[i] = event
                        break
                    i += 1
                else:
                    self._insert(event)
            else:
                self._insert(event)
            self._longest = max(self._longest, event.duration)

    def _insert(self, event: Event) -> None:
        i = bisect.bisect_right(self._starts, event.start)
        self._starts.insert(i, event.start)
        self._events.insert(i, event)


def _index_order(e: Event) -> tuple[str, datetime]:
    return e.source, e.start


class Writer:
    """Queues new and changed events and writes them in batches, inside the caller's transaction."""

    def __init__(self, uow: Any, on_written: Callable[[int], None] | None = None) -> None:
        self._uow = uow
        self._new: list[Event] = []
        self._changed: list[Event] = []
        self._on_written = on_written
        self.first_id: int | None = None  # the id of the first row this import added
        self.first: datetime | None = None
        self.last: datetime | None = None

    def add(self, event: Event) -> None:
        self._span(event)
        if self.first_id is None:
            # Added alone for its id: every row stored before the import has a smaller one.
            self.first_id = self._uow.events.add(event)
            return
        self._new.append(event)
        if len(self._new) >= BATCH:
            self.flush()

    def change(self, event: Event, was: Event) -> None:
        self._changed.append(event)
        self._span(was)
        self._span(event)
        if len(self._changed) >= BATCH:
            self.flush()

    def _span(self, e: Event) -> None:
        self.first = e.start if self.first is None else min(self.first, e.start)
        self.last = e.end if self.last is None else max(self.last, e.end)

    def flush(self) -> None:
        if self._changed:
            self._uow.events.update_many(self._changed)
        if self._new:
            # In index order: SQLite fills pages when keys arrive ascending (exports may run
            # newest first).
            self._new.sort(key=_index_order)
            self._uow.events.add_many(self._new)
        if self._on_written is not None:
            self._on_written(len(self._new) + len(self._changed))
        self._new, self._changed = [], []

    def finish(self) -> None:
        """Write what is queued and mark the changed time for the rollups (same transaction)."""
        self.flush()
        rollups = getattr(self._uow, "rollups", None)
        if self.first is not None and self.last is not None and rollups is not None:
            rollups.mark_dirty(self.first, self.last)


def run_import(importer: Importer, stream: BinaryIO, uow_factory: Callable[..., Any],
               progress_factory: ProgressFactory | None = None, now: datetime | None = None) -> ImportSummary:
    """Read `stream` with `importer` and store its events, all in one transaction.

    An event already stored (same source, device, start and data) is skipped, or made longer if this
    file's copy is longer: a later export of an event that was still growing updates it instead
    of adding an overlapping near-copy. Nothing is held in memory but one window of history.
    """
    name = importer.name
    summary = ImportSummary(name)
    bar = progress_factory(None, f"importing {name}") if progress_factory else None
    seen = [0]

    def on_progress(done: int, total: int | None) -> None:
        if bar is None:
            return
        if total is not None and bar.total != total:
            bar.total = total
            bar.refresh()
        bar.update(done - seen[0])
        seen[0] = done

    first_invalid: list[str] = []

    def on_invalid(message: str) -> None:
        summary.invalid += 1
        if not first_invalid:
            first_invalid.append(message)
        if summary.invalid <= 5:
            logger.warning("%s import: skipped a record: %s", name, message)

    try:
        with uow_factory(write=True) as uow:
            writer = Writer(uow)
            recorded: dict[tuple[str, str], Recorded] = {}
            for e in importer.read(stream, on_progress, on_invalid, summary.unsupported.append):
                if now is not None:
                    try:
                        check_not_ahead(e.start, now, "event")
                    except InvalidEvent as exc:
                        on_invalid(str(exc))
                        continue
                summary.read += 1
                rec = recorded.get((e.source, e.device))
                if rec is None:
                    rec = recorded[e.source, e.device] = Recorded(uow, e.source, writer, device=e.device)
                stored = rec.same_start(e.start, e.data)
                if stored is None:
                    writer.add(e)
                    rec.note(e)
                    summary.imported += 1
                    summary.sources[e.source] = summary.sources.get(e.source, 0) + 1
                    summary.devices[e.device] = summary.devices.get(e.device, 0) + 1
                    summary.widen(e.start, e.end)
                elif e.duration > stored.duration:
                    if stored.id is None:  # queued by this very import: store it, then lengthen it
                        rec.reload(e.start)
                        stored = rec.same_start(e.start, e.data)
                    assert stored is not None and stored.id is not None
                    longer = stored.with_(duration=e.duration, counts=e.counts or stored.counts)
                    writer.change(longer, stored)
                    rec.note(longer, replaces=stored)
                    summary.updated += 1
                    summary.widen(longer.start, longer.end)
                else:
                    summary.duplicates += 1
            if summary.read == 0 and summary.invalid:
                # Nothing usable at all: the file is bad input, not an empty history.
                raise ImportFormatError(f"no {name} record could be read: {summary.invalid} malformed "
                                        f"(the first: {first_invalid[0]})")
            writer.finish()
            uow.commit()
    finally:
        if bar is not None:
            bar.close()
    return summary
