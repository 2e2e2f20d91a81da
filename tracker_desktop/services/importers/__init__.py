"""Importers for other trackers' histories: `tracker-desktop import --format NAME FILE`.

The interface (the `import` command dispatches `--format jsonl` itself and looks every other name
up in FORMATS):

    class Importer(Protocol):
        name: str              # the --format value
        description: str       # one line for --help
        def read(self, stream: BinaryIO, progress: Progress,
                 on_invalid: Callable[[str], None] | None = None) -> Iterator[Event]: ...

    Progress = Callable[[int, int | None], None]   # (items converted so far, total if known)

`read` gets the file opened in binary mode and yields finished Events (never heartbeats: each
format's own duration rules are applied inside the importer, so nothing depends on pulsetimes).
It raises ImportFormatError for a file that is not of its format; a single malformed record is
skipped and reported to `on_invalid` (counted as `invalid`, the first few logged), and a file
whose every record is malformed is refused as a whole. `run_import` stores what an importer yields in one transaction,
skips events already stored (re-importing a file adds nothing), marks the imported time dirty
for the rollups, and returns an ImportSummary whose `to_json()` the command prints.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO, Callable, Iterator, Protocol

from storage.codec import dump_map
from tracker_desktop.domain.events import Event, InvalidEvent

logger = logging.getLogger(__name__)

Progress = Callable[[int, "int | None"], None]
ProgressFactory = Callable[[Any, str], Any]  # (total or None, description) -> tqdm-like bar
BATCH = 5000


class ImportFormatError(InvalidEvent):
    """The file is not what the chosen format expects; the message says what was found.

    An InvalidEvent, so the CLI reports it as bad input (exit code 2) like any other."""


class Importer(Protocol):
    name: str
    description: str

    def read(self, stream: BinaryIO, progress: Progress,
             on_invalid: Callable[[str], None] | None = None) -> Iterator[Event]: ...


@dataclass
class ImportSummary:
    format: str
    read: int = 0  # events the file held that were converted
    imported: int = 0  # newly stored
    duplicates: int = 0  # already stored before (same source, start, duration, data)
    invalid: int = 0  # malformed records skipped
    sources: dict[str, int] = field(default_factory=dict)  # newly stored, per source
    first: datetime | None = None
    last: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format, "read": self.read, "imported": self.imported,
            "duplicates": self.duplicates, "invalid": self.invalid, "sources": dict(self.sources),
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
        }


def _key(e: Event) -> tuple[Any, ...]:
    return (e.source, e.start, e.duration, dump_map(e.data))


def run_import(name: str, stream: BinaryIO, uow_factory: Callable[..., Any],
               progress_factory: ProgressFactory | None = None) -> ImportSummary:
    """Read `stream` with FORMATS[name] and store the result, all in one transaction."""
    importer = FORMATS[name]
    summary = ImportSummary(name)

    bar = progress_factory(None, f"reading {name}") if progress_factory else None
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
        events = list(importer.read(stream, on_progress, on_invalid))
    finally:
        if bar is not None:
            bar.close()
    summary.read = len(events)
    if not events and summary.invalid:
        # Nothing usable at all: the file is bad input, not an empty history.
        raise ImportFormatError(f"no {name} record could be read: {summary.invalid} malformed "
                                f"(the first: {first_invalid[0]})")
    if not events:
        return summary
    events.sort(key=lambda e: (e.source, e.start))

    store_bar = progress_factory(len(events), "storing") if progress_factory else None
    try:
        with uow_factory(write=True) as uow:
            fresh: list[Event] = []
            by_source: dict[str, list[Event]] = {}
            for e in events:
                by_source.setdefault(e.source, []).append(e)
            for source, evs in by_source.items():
                lo, hi = evs[0].start, max(e.end for e in evs)
                existing = {_key(e) for e in uow.events.range(source, lo, hi)}
                batch_keys: set[tuple[Any, ...]] = set()
                for e in evs:
                    k = _key(e)
                    if k in existing or k in batch_keys:
                        summary.duplicates += 1
                    else:
                        batch_keys.add(k)
                        fresh.append(e)
            for i in range(0, len(fresh), BATCH):
                chunk = fresh[i:i + BATCH]
                uow.events.add_many(chunk)
                if store_bar is not None:
                    store_bar.update(len(chunk))
            if fresh:
                summary.first = min(e.start for e in fresh)
                summary.last = max(e.end for e in fresh)
                rollups = getattr(uow, "rollups", None)
                if rollups is not None:
                    rollups.mark_dirty(summary.first, summary.last)
            uow.commit()
    finally:
        if store_bar is not None:
            store_bar.close()
    summary.imported = len(fresh)
    for e in fresh:
        summary.sources[e.source] = summary.sources.get(e.source, 0) + 1
    return summary


def _formats() -> dict[str, Importer]:
    from .activitywatch import ActivityWatchImporter
    from .wakatime import WakaTimeImporter

    return {"activitywatch": ActivityWatchImporter(), "wakatime": WakaTimeImporter()}


FORMATS: dict[str, Importer] = _formats()

__all__ = ["FORMATS", "Importer", "ImportFormatError", "ImportSummary", "Progress", "run_import"]
