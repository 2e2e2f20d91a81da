"""`import`: bring heartbeats (or another tracker's history) into the store."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, BinaryIO

from tracker_desktop.commands.base import Context


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import", help="import heartbeats from JSON lines (or another tracker's export)",
        description="Import heartbeats, one JSON object per line: "
                    '{"source": "window", "timestamp": "2026-01-05T09:00:00+00:00", "duration": 0, '
                    '"data": {"app": "code", "title": "main.py"}, "counts": {"keys": 3}, '
                    '"pulsetime": 2.0}. duration, counts and pulsetime are optional (pulsetime '
                    "defaults to 2 s for window, 185 s for afk). Heartbeats merge by ActivityWatch's "
                    "rule; one already recorded (importing a file twice) is skipped. All or nothing: "
                    "if any line is bad, nothing is imported and the bad lines are reported. "
                    'Prints {"received": N, "events": M}: M counts the stored events the heartbeats '
                    "ended up in (new or extended). Limits on what is stored: see the README.")
    p.add_argument("file", metavar="FILE", help="path, or - for standard input")
    p.add_argument("--format", default="jsonl", metavar="NAME", help=_format_help())
    p.set_defaults(handler=handle)


# The --format names, for --help without importing the importers (start-up time); a test keeps
# this equal to services.importers.FORMATS plus jsonl.
FORMAT_NAMES = ("jsonl", "native", "activitywatch", "wakatime")


def _format_help() -> str:
    return ("input format: " + ", ".join(FORMAT_NAMES) + " (default: jsonl). native: an "
            "`export --format json` file, restored exactly into an empty data dir")


def _open(path: str) -> BinaryIO:
    from tracker_desktop.commands.base import UsageError

    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def _size(stream: BinaryIO) -> int | None:
    try:
        st = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return st.st_size if st.st_size > 0 else None


def _progress(total: int | None, desc: str, unit: str = " records"):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not sys.stderr.isatty(),
                file=sys.stderr, leave=False, unit_scale=unit == "B")


class _Restored:
    def __init__(self, summary: dict[str, Any]) -> None:
        self._summary = summary

    def to_json(self) -> dict[str, Any]:
        return self._summary


def handle(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.commands.base import UsageError
    from tracker_desktop.services.importers import FORMATS, import_jsonl, run_import

    if args.format not in ("jsonl", "native") and args.format not in FORMATS:
        raise UsageError(f"unknown format {args.format!r}; choose from: "
                         + ", ".join(["jsonl", "native", *sorted(FORMATS)]))
    now = ctx.clock.now()
    stream = _open(args.file)
    result: Any
    try:
        if args.format == "native":
            with _progress(None, "restoring", " rows") as bar:
                result = _Restored(ctx.app.export.restore(stream, bar.update))
        elif args.format == "jsonl":
            with _progress(_size(stream), "importing", "B") as bar:
                result = import_jsonl(stream, ctx.store.uow, now, bar.update)
        else:
            result = run_import(FORMATS[args.format], stream, ctx.store.uow, _progress, now)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    # BadImportLines and ImportFormatError are InvalidEvents: the CLI prints them, exit code 2.
    print(json.dumps(result.to_json()), file=ctx.out)
    return 0
