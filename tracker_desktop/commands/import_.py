"""`import`: bring heartbeats (or another tracker's history) into the store."""

from __future__ import annotations

import argparse
import io
import json
import sys
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help="import heartbeats from JSON lines (or another tracker's export)",
        description="Import heartbeats, one JSON object per line: "
                    '{"source": "window", "timestamp": "2026-01-05T09:00:00+00:00", "duration": 0, '
                    '"data": {"app": "code", "title": "main.py"}, "counts": {"keys": 3}, '
                    '"pulsetime": 2.0}. duration, counts and pulsetime are optional (pulsetime '
                    "defaults to 2 s for window, 185 s for afk). Heartbeats merge by ActivityWatch's "
                    "rule. All or nothing: if any line is bad, nothing is imported and every bad "
                    'line is reported. Prints {"received": N, "events": M}: M counts the stored '
                    "events the heartbeats ended up in (new or extended).")
    p.add_argument("file", metavar="FILE", help="path, or - for standard input")
    p.add_argument("--format", default="jsonl", metavar="NAME", help=_format_help())
    p.set_defaults(handler=handle)


def _other_formats() -> dict[str, Any]:
    try:
        from tracker_desktop.services.importers import FORMATS
    except ImportError:
        return {}
    return dict(FORMATS)


def _format_help() -> str:
    names = ["jsonl", *sorted(_other_formats())]
    return "input format: " + ", ".join(names) + " (default: jsonl)"


def _open(path: str, binary: bool = False):  # type: ignore[no-untyped-def]
    from tracker_desktop.cli import UsageError

    if path == "-":
        return sys.stdin.buffer if binary else io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8")
    try:
        return open(path, "rb") if binary else open(path, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def _progress(total: int | None, desc: str):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=" heartbeats", disable=not sys.stderr.isatty(),
                file=sys.stderr, leave=False)


def handle(args: argparse.Namespace, ctx) -> int:  # type: ignore[no-untyped-def]
    from tracker_desktop.cli import UsageError
    from tracker_desktop.services.importing import ImportError_, import_heartbeats, parse_jsonl

    if args.format != "jsonl":
        formats = _other_formats()
        if args.format not in formats:
            raise UsageError(f"unknown format {args.format!r}; choose from: "
                             + ", ".join(["jsonl", *sorted(formats)]))
        from tracker_desktop.services.importers import run_import

        with _open(args.file, binary=True) as stream:
            result = run_import(args.format, stream, ctx.store.uow, _progress)
        print(json.dumps(result.to_json()), file=ctx.out)
        return 0
    stream = _open(args.file)
    try:
        heartbeats = parse_jsonl(stream)
    except UnicodeDecodeError as exc:
        raise UsageError(f"{args.file} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except ImportError_ as exc:
        raise UsageError(str(exc)) from None
    finally:
        if stream is not sys.stdin:
            stream.close()
    with _progress(len(heartbeats), "importing") as bar:
        result = import_heartbeats(ctx.store.uow, heartbeats, bar.update)
    print(json.dumps(result.to_json()), file=ctx.out)
    return 0
