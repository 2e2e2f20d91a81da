"""`export`: the record as a re-importable JSON dump, CSV files (a folder or a zip), or a PDF
weekly report a person reads."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker_desktop.commands.base import Context, UsageError

if TYPE_CHECKING:
    from tracker_desktop.domain.days import Period


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export", help="export everything as JSON or CSV, or a PDF weekly report",
        description="json: one document with everything (events with their device, tasks, time "
                    "entries, the manual log, focus sessions, settings; never secrets), which "
                    "`import --format native FILE` restores into an empty data dir. csv: one "
                    "file per table, in the folder PATH or in PATH if it ends in .zip. pdf: a "
                    "report of the 7 days up to --end (default today), or of --start..--end. "
                    "--start/--end are local days (included); json and csv default to "
                    "everything.")
    p.add_argument("--format", required=True, choices=("json", "csv", "pdf"))
    p.add_argument("--out", required=True, type=Path, metavar="PATH",
                   help="the file (json, pdf; - for standard output with json) or folder/zip (csv)")
    p.add_argument("--start", metavar="D", help="first day, YYYY-MM-DD")
    p.add_argument("--end", metavar="D", help="last day, included (default: today)")
    p.set_defaults(handler=handle)


def _period(args: argparse.Namespace, ctx: Context) -> Period | None:
    from tracker_desktop.domain.days import InvalidPeriod, parse_date, range_period

    if args.start is None and args.end is None and args.format != "pdf":
        return None
    today = ctx.app.rollups.today()
    try:
        last = parse_date(args.end, today) if args.end else today
        first = parse_date(args.start, today) if args.start else last - timedelta(days=6)
        return range_period(first, last)
    except InvalidPeriod as exc:
        raise UsageError(str(exc)) from None


def _bar(total: int):  # type: ignore[no-untyped-def]
    """A tqdm bar on stderr, only on a terminal and only if the export takes a while."""
    from tqdm import tqdm

    return tqdm(total=total, desc="exporting", unit=" rows", file=sys.stderr,
                disable=not sys.stderr.isatty(), leave=False, delay=0.3)


def handle(args: argparse.Namespace, ctx: Context) -> int:
    out: Path = args.out
    str_out = str(out)
    if str_out != "-" and not out.parent.is_dir():
        raise UsageError(f"--out {out}: the folder {out.parent} does not exist")
    if str_out == "-" and args.format != "json":
        raise UsageError("--out - (standard output) is for --format json only")
    if args.format == "csv" and out.exists() and not out.is_dir() and out.suffix != ".zip":
        raise UsageError(f"--out {out} is a file: csv needs a folder, or a path ending in .zip")
    period = _period(args, ctx)
    start = end = None
    if period is not None:
        setup = ctx.app.analysis
        start, end = period.bounds(setup.tz, setup.day_start_hour)
    if args.format == "pdf":
        return _pdf(args, ctx, period, start, end)
    svc = ctx.app.export
    total = sum(svc.counts(start, end).values())
    with _bar(total) as bar:
        if args.format == "csv":
            counts = svc.write_csv(out, start, end, bar.update)
        elif str_out == "-":
            counts = svc.write_json(ctx.out, start, end, bar.update)
            return 0
        else:
            tmp = out.with_name(f".{out.name}.part")
            try:
                with open(tmp, "w", encoding="utf-8") as f:
                    counts = svc.write_json(f, start, end, bar.update)
                os.replace(tmp, out)
            finally:
                tmp.unlink(missing_ok=True)
    print(json.dumps({"format": args.format, "out": str_out, "rows": counts}), file=ctx.out)
    return 0


def weekly_report_data(ctx: Context, period: Period, start: datetime, end: datetime
                       ) -> dict[str, Any]:
    """What the PDF shows: the period's report and its tasks section, as plain data (the PDF
    renderer is a view: it only draws this)."""
    report = ctx.app.reports.report(period, blocks=False)
    data = report.to_json()
    data["tasks"] = ctx.app.tasks.report(start, end).to_json()
    data["generated"] = ctx.clock.now().astimezone(ctx.app.analysis.tz).strftime("%Y-%m-%d %H:%M")
    return data


def _pdf(args: argparse.Namespace, ctx: Context, period: Period | None,
         start: datetime | None, end: datetime | None) -> int:
    assert period is not None and start is not None and end is not None
    data = weekly_report_data(ctx, period, start, end)
    from ui.report_pdf import render_pdf  # Qt: imported only here

    pages = render_pdf(data, args.out)
    print(json.dumps({"format": "pdf", "out": str(args.out), "pages": pages,
                      "period": data["period"]}), file=ctx.out)
    return 0
