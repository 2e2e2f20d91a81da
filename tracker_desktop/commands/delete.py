"""`delete` (a range of days) and `delete-all` (everything, secrets included)."""

from __future__ import annotations

import argparse
import json

from tracker_desktop.commands.base import Context, UsageError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "delete", help="delete what was recorded on a range of days",
        description="Delete everything recorded between the start of --start and the end of "
                    "--end (local days, included): events (cut at the bounds), time entries "
                    "(likewise), the manual log, focus sessions; the rollups of those days are "
                    "rebuilt. Tasks stay. Cannot be undone: `export --format json` first.")
    p.add_argument("--start", required=True, metavar="D", help="first day, YYYY-MM-DD")
    p.add_argument("--end", required=True, metavar="D", help="last day, included")
    p.add_argument("--dry-run", action="store_true", help="only say what would be deleted")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_delete)

    a = sub.add_parser(
        "delete-all", help="delete EVERYTHING: all data, rollups and the stored secrets",
        description="Delete every event, task, time entry, log entry, focus session and rollup "
                    "in the data dir, and every secret this app keeps in the keyring (API keys, "
                    "tokens). Cannot be undone. Refused without --yes.")
    a.add_argument("--yes", action="store_true", help="yes, delete everything")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=_delete_all)


def _what(rows: dict[str, int]) -> str:
    names = {"events": "events", "time_entries": "time entries",
             "focus_sessions": "focus sessions", "tasks": "tasks"}
    return ", ".join(f"{n} {names.get(t, t)}" for t, n in rows.items() if t in names)


def _delete(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.domain.days import InvalidPeriod, parse_date, range_period
    from tracker_desktop.domain.tasks import TaskError

    today = ctx.app.rollups.today()
    try:
        period = range_period(parse_date(args.start, today), parse_date(args.end, today))
    except InvalidPeriod as exc:
        raise UsageError(str(exc)) from None
    setup = ctx.app.analysis
    start, end = period.bounds(setup.tz, setup.day_start_hour)
    svc = ctx.app.delete
    if args.dry_run:
        rows = svc.preview(start, end)
        print(json.dumps({"would_delete": rows}) if args.json else
              f"would delete, from {period.first} to {period.last}: {_what(rows)}", file=ctx.out)
        return 0
    try:
        done = svc.delete_range(period.first, period.last, start, end)
    except TaskError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps(done.to_json()), file=ctx.out)
    else:
        print(f"deleted from {period.first} to {period.last}: {_what(done.rows)}; "
              f"{done.days_rebuilt} day(s) rolled up again", file=ctx.out)
    return 0


def _delete_all(args: argparse.Namespace, ctx: Context) -> int:
    if not args.yes:
        raise UsageError("delete-all deletes every event, task, time entry, log entry, focus "
                         "session and rollup, and the secrets in the keyring, for good: run "
                         "`delete-all --yes` to confirm (and `export --format json` first to "
                         "keep a copy)")
    done = ctx.app.delete.delete_all()
    if args.json:
        print(json.dumps(done.to_json()), file=ctx.out)
    else:
        print(f"deleted everything: {_what(done.rows)}, "
              f"{sum(done.rows.values())} row(s) in all; {len(done.secrets)} secret(s) removed "
              "from the keyring", file=ctx.out)
    return 0
