"""`events`: the merged events, oldest first."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("events", help="list recorded events, oldest first",
                       description="List merged events overlapping [start, end), oldest first.")
    p.add_argument("--source", help="only this source (window, afk, input, browser, editor, ...)")
    p.add_argument("--start", help="ISO 8601 datetime with offset, or a date (local midnight)")
    p.add_argument("--end", help="ISO 8601 datetime with offset, or a date (local midnight)")
    p.add_argument("--limit", type=int, help="at most this many events")
    p.add_argument("--json", action="store_true",
                   help='a JSON array of {"source","start","end","duration","data","counts"}')
    p.set_defaults(handler=handle)


def _fmt_seconds(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def handle(args: argparse.Namespace, ctx) -> int:  # type: ignore[no-untyped-def]
    from tracker_desktop.cli import UsageError
    from tracker_desktop.commands.timeargs import parse_when
    from tracker_desktop.services.importing import event_json

    start = parse_when(args.start, "--start") if args.start else None
    end = parse_when(args.end, "--end") if args.end else None
    if start and end and end <= start:
        raise UsageError("--end must be after --start")
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must not be negative")
    with ctx.store.uow() as uow:
        events = uow.events.range(args.source, start, end, args.limit)
    if args.json:
        json.dump([event_json(e) for e in events], ctx.out, ensure_ascii=False)
        ctx.out.write("\n")
        return 0
    if not events:
        print("no events", file=ctx.out)
        return 0
    print(f"{'start (local)':<19}  {'duration':>9}  {'source':<8}  what", file=ctx.out)
    for e in events:
        what = "  ".join(f"{k}={v}" for k, v in e.data.items())
        if e.counts:
            what += ("  " if what else "") + " ".join(f"{k}:{v}" for k, v in e.counts.items())
        local = e.start.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        print(f"{local:<19}  {_fmt_seconds(e.duration.total_seconds()):>9}  {e.source:<8}  {what}",
              file=ctx.out)
    return 0
