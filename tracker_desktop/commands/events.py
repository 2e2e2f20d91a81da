"""`events`: the merged events, oldest first; the latest ones unless a range or --all is asked for.

Output is written as events are read, so a range of years costs neither minutes of waiting for the
first line nor memory for all of them (issue 7, item 11).
"""

from __future__ import annotations

import argparse
import json
from datetime import tzinfo
from typing import Any, Iterable, TextIO

from tracker_desktop.commands.base import Context

# A bare `events` on years of data would print millions of lines; it shows this many, the latest.
DEFAULT_LAST = 1000


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "events", help="list recorded events (the latest 1000 unless told otherwise)",
        description="List merged events overlapping [start, end), oldest first. Without --start "
                    f"or --end it lists the latest {DEFAULT_LAST} (and says so on stderr when "
                    "there are more); --last N lists the latest N, --first N the earliest N, "
                    "--all every event. Output streams: events are written as they are read.")
    p.add_argument("--source", help="only this source (window, afk, input, browser, editor, ...)")
    p.add_argument("--start", help="ISO 8601 datetime with offset, or a date (local midnight)")
    p.add_argument("--end", help="ISO 8601 datetime with offset, or a date (local midnight)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--last", "--limit", dest="last", type=int, metavar="N",
                       help="the latest N events (of the range, if one is given)")
    which.add_argument("--first", type=int, metavar="N", help="the earliest N events")
    which.add_argument("--all", action="store_true",
                       help="every event (of the range, if one is given), however many")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true",
                     help='a JSON array of {"source","start","end","duration","data","counts"}, '
                          "written incrementally")
    fmt.add_argument("--jsonl", action="store_true",
                     help="the same objects as JSON lines, one event per line")
    p.set_defaults(handler=handle)


def _fmt_seconds(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _write_json_array(objects: Iterable[dict[str, Any]], out: TextIO) -> None:
    out.write("[")
    for i, obj in enumerate(objects):
        out.write(("," if i else "") + json.dumps(obj, ensure_ascii=False))
    out.write("]\n")


def _write_text(events: Iterable[Any], out: TextIO, tz: tzinfo | None) -> None:
    header = False
    for e in events:
        if not header:
            out.write(f"{'start (local)':<19}  {'duration':>9}  {'source':<8}  what\n")
            header = True
        what = "  ".join(f"{k}={v}" for k, v in e.data.items())
        if e.counts:
            what += ("  " if what else "") + " ".join(f"{k}:{v}" for k, v in e.counts.items())
        local = e.start.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
        out.write(f"{local:<19}  {_fmt_seconds(e.duration.total_seconds()):>9}  {e.source:<8}  {what}\n")
    if not header:
        out.write("no events\n")


def handle(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.commands.base import UsageError
    from tracker_desktop.commands.timeargs import parse_when
    from tracker_desktop.services.importers.jsonl import event_json

    tz = ctx.tz  # dates and the table in the same zone as `report`
    start = parse_when(args.start, "--start", tz) if args.start else None
    end = parse_when(args.end, "--end", tz) if args.end else None
    if start and end and end <= start:
        raise UsageError("--end must be after --start")
    for name in ("last", "first"):
        if getattr(args, name) is not None and getattr(args, name) < 0:
            raise UsageError(f"--{name} must not be negative")
    last = args.last
    if last is None and args.first is None and not args.all and start is None and end is None:
        last = DEFAULT_LAST
    with ctx.store.uow() as uow:
        if last is not None:
            # The latest N, newest first from the index; one more tells whether any were left out.
            newest = list(uow.events.stream(args.source, start, end, newest_first=True,
                                            limit=last + 1))
            if len(newest) > last and args.last is None:
                print(f"tracker-desktop: showing the latest {last} events; there are more. Use "
                      "--last N, --start/--end for a range, or --all for every event.",
                      file=ctx.err)
            events: Iterable[Any] = reversed(newest[:last])
        else:
            events = uow.events.stream(args.source, start, end, limit=args.first)
        if args.json:
            _write_json_array((event_json(e) for e in events), ctx.out)
        elif args.jsonl:
            for e in events:
                ctx.out.write(json.dumps(event_json(e), ensure_ascii=False) + "\n")
        else:
            _write_text(events, ctx.out, tz)
    return 0
