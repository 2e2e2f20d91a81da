"""Export (issue 10 item 6): the complete record as one re-importable JSON document (events with
their device, tasks, time entries, the manual log — `manual` events —, focus sessions and the
profile, the settings; no secrets: those live in the keyring), as CSV files (one per table, in a
folder or a zip), and `import --format native`, which restores a JSON export into an empty
database exactly. The PDF report is ui/report_pdf.py's (Qt), fed by `weekly_report_data`."""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Callable, Iterator

from tracker_desktop.domain.events import InvalidEvent

if TYPE_CHECKING:
    from sqlalchemy import Engine

logger = logging.getLogger(__name__)

FORMAT = "tracker-desktop-native"
VERSION = 1
Bar = Callable[[int], Any]


class NativeImportError(InvalidEvent):
    """A native dump that cannot be restored (exit 2, nothing written)."""


@dataclass(frozen=True, slots=True)
class ExportSummary:
    path: Path
    rows: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {"out": str(self.path), "rows": dict(self.rows)}


def _iso_us(us: int | None) -> str | None:
    from storage.codec import from_us

    return None if us is None else from_us(us).isoformat()


class ExportService:
    def __init__(self, engine: Callable[[], Engine], settings: dict[str, Any],
                 now: Callable[[], datetime]) -> None:
        self._engine = engine
        self._settings = settings
        self._now = now

    def counts(self, start: datetime | None = None, end: datetime | None = None
               ) -> dict[str, int]:
        from storage import dump

        with self._engine().connect() as conn:
            return {t: dump.count(conn, t, start, end) for t in dump.TABLES}

    def write_json(self, out: io.TextIOBase | Any, start: datetime | None = None,
                   end: datetime | None = None, bar: Bar | None = None) -> dict[str, int]:
        """The dump, written a row at a time (one read snapshot): memory stays flat."""
        from storage import dump
        from storage.schema import script_head

        header = {"format": FORMAT, "version": VERSION, "schema": script_head(),
                  "exported_at": self._now().astimezone(timezone.utc).isoformat(),
                  "range": {"start": None if start is None else start.isoformat(),
                            "end": None if end is None else end.isoformat()},
                  "settings": self._settings}
        text = json.dumps(header, ensure_ascii=False)
        out.write(text[:-1] + ', "tables": {')
        counts: dict[str, int] = {}
        with self._engine().connect() as conn:
            for i, table in enumerate(dump.TABLES):
                out.write(("," if i else "") + f"\n{json.dumps(table)}: [")
                n = 0
                for row in dump.rows(conn, table, start, end):
                    out.write(("," if n else "") + "\n" + json.dumps(row, ensure_ascii=False))
                    n += 1
                    if bar is not None:
                        bar(1)
                out.write("]")
                counts[table] = n
            conn.rollback()
        out.write("\n}}\n")
        return counts

    def write_csv(self, path: Path, start: datetime | None = None, end: datetime | None = None,
                  bar: Bar | None = None) -> dict[str, int]:
        """One CSV file per table: in the folder `path`, or in a zip if it ends in .zip. Times
        (the *_us columns) are ISO 8601 in UTC; JSON columns stay JSON text."""
        from storage import dump

        counts: dict[str, int] = {}
        archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) if path.suffix == ".zip" else None
        if archive is None:
            path.mkdir(parents=True, exist_ok=True)
        try:
            with self._engine().connect() as conn:
                for table in dump.TABLES:
                    names = dump.columns(conn, table)
                    header = [n[:-3] if n.endswith("_us") and n not in ("duration_us",
                                                                        "paused_us", "actual_us",
                                                                        "break_us", "expected_us")
                              else n for n in names]
                    # Streamed to the file (or the zip member): memory stays flat.
                    with _csv_target(archive, path, table) as f:
                        w = csv.writer(f)
                        w.writerow(header)
                        n = 0
                        for row in dump.rows(conn, table, start, end):
                            w.writerow([_csv_value(c, h, v) for c, h, v in
                                        zip(names, header, row.values())])
                            n += 1
                            if bar is not None:
                                bar(1)
                    counts[table] = n
                conn.rollback()
        finally:
            if archive is not None:
                archive.close()
        return counts

    def restore(self, stream: BinaryIO, bar: Bar | None = None) -> dict[str, Any]:
        """Restore a JSON export into this database, which must hold nothing yet: one
        transaction, all or nothing. Read a row at a time (`jsonstream`): memory stays flat."""
        from sqlalchemy.exc import IntegrityError

        from storage import dump
        from storage.engine import writer
        from tracker_desktop.services.importers.base import ImportFormatError
        from tracker_desktop.services.importers.jsonstream import Scanner

        doc = Scanner(stream, "a tracker-desktop export (export --format json)")
        header: dict[str, Any] = {}
        counts: dict[str, int] = {}
        known: dict[str, Any] = {}
        try:
            with writer(self._engine()).begin() as conn:
                holding = dump.is_empty(conn)
                if holding:
                    raise NativeImportError(
                        "a native import restores into an empty data dir, and this one holds "
                        f"{', '.join(holding)}: use a new --data-dir")
                if not doc.open("{"):
                    raise NativeImportError("not a tracker-desktop export (not a JSON object)")
                for key in doc.keys():
                    if key != "tables":
                        header[key] = doc.value()
                        continue
                    if header.get("format") != FORMAT:
                        raise NativeImportError(
                            f"not a tracker-desktop export (no \"format\": \"{FORMAT}\")")
                    if header.get("version") != VERSION:
                        raise NativeImportError(
                            f"export version {header.get('version')!r} is not {VERSION}")
                    if not doc.open("{"):
                        raise NativeImportError("\"tables\" is not an object")
                    for table in doc.keys():
                        if not doc.open("["):
                            raise NativeImportError(f"{table}: expected a list of rows")
                        chunk: list[Any] = []
                        counts.setdefault(table, 0)
                        for _ in doc.items():
                            chunk.append(doc.value())
                            if len(chunk) == 1000:
                                counts[table] += dump.insert_rows(conn, table, chunk, known)
                                if bar is not None:
                                    bar(len(chunk))
                                chunk = []
                        counts[table] += dump.insert_rows(conn, table, chunk, known)
                        if bar is not None:
                            bar(len(chunk))
                if header.get("format") != FORMAT:
                    raise NativeImportError(f"not a tracker-desktop export (no \"format\": "
                                            f"\"{FORMAT}\")")
        except ImportFormatError as exc:
            raise NativeImportError(str(exc)) from None
        except dump.DumpError as exc:
            raise NativeImportError(str(exc)) from None
        except IntegrityError as exc:
            raise NativeImportError(f"the export's rows do not fit: {exc.orig}") from None
        settings = header.get("settings") or {}
        differ = sorted(k for k, v in settings.items() if self._settings.get(k) != v) \
            if isinstance(settings, dict) else []
        return {"format": "native", "restored": counts, "settings_differ": differ}


@contextmanager
def _csv_target(archive: zipfile.ZipFile | None, folder: Path, table: str) -> Iterator[IO[str]]:
    if archive is None:
        with open(folder / f"{table}.csv", "w", encoding="utf-8", newline="") as f:
            yield f
        return
    with archive.open(f"{table}.csv", "w") as raw, \
            io.TextIOWrapper(raw, encoding="utf-8", newline="") as f:
        yield f


def _csv_value(column: str, header: str, value: Any) -> Any:
    if column != header and isinstance(value, int):  # a *_us time column
        return _iso_us(value)
    return "" if value is None else value


def settings_for_export(settings: Any) -> dict[str, Any]:
    """The settings without the machine's paths (secrets are never in them: keyring)."""
    dumped: dict[str, Any] = settings.model_dump(exclude={"data_dir"})
    return dumped
