"""`rebuild`: recompute the per-day rollups from the raw events, with a progress bar."""

from __future__ import annotations

import argparse
import json
import sys

from tracker_desktop.commands.base import Context


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "rebuild", help="recompute the per-day rollups reports read, from the raw events",
        description="Recompute every day's rollup (or those from --start to --end) from the raw "
                    "events. Rollups stay current by themselves; rebuild after restoring a backup, "
                    "editing the database by hand, or to check how long a full recomputation takes.")
    p.add_argument("--start", metavar="YYYY-MM-DD", help="first day to recompute")
    p.add_argument("--end", metavar="YYYY-MM-DD", help="last day to recompute (included)")
    p.add_argument("--json", action="store_true",
                   help='print {"days", "stored", "first", "last", "seconds"}')
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace, ctx: Context) -> int:
    from tqdm import tqdm

    from tracker_desktop.commands.base import UsageError
    from tracker_desktop.domain.days import InvalidPeriod, parse_date

    rollups = ctx.app.rollups
    today = rollups.today()
    try:
        first = parse_date(args.start, today) if args.start else None
        last = parse_date(args.end, today) if args.end else None
    except InvalidPeriod as exc:
        raise UsageError(str(exc)) from None
    if first and last and last < first:
        raise UsageError("--end is before --start")
    bar = tqdm(desc="rebuilding rollups", unit=" days", file=sys.stderr,
               disable=not sys.stderr.isatty())
    try:
        def total(n: int) -> None:
            bar.total = n
            bar.refresh()

        def step(n: int) -> None:
            bar.update(n)

        result = rollups.rebuild(first, last, progress=step, on_total=total)
    finally:
        bar.close()
    if args.json:
        print(json.dumps(result.to_json()), file=ctx.out)
    elif result.days == 0:
        print("Nothing to rebuild: no recorded events" + (" in that range." if first or last else "."),
              file=ctx.out)
    else:
        print(f"Rebuilt {result.days} day(s), {result.first} to {result.last}, "
              f"in {result.seconds:.1f} s ({result.stored} stored).", file=ctx.out)
    return 0
