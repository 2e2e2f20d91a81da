"""`pause` and `resume`: stop and restart recording, for every tracker on this database."""

from __future__ import annotations

import argparse
import json

from tracker_desktop.commands.base import Context


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "pause", help="pause tracking (until resumed, or for --minutes)",
        description="Stop recording windows, AFK time and input counts, for every tracker on "
                    "this database (the tray app and `run --headless` alike), until `resume` or "
                    "for --minutes. The pause is stored in the database, so a tracker started "
                    "later stays paused too; the current window and AFK events end at the pause, "
                    'so nothing merges across it. Prints {"paused", "until"}.')
    p.add_argument("--minutes", type=float, help="resume by itself after this many minutes")
    p.set_defaults(handler=pause)
    r = sub.add_parser(
        "resume", help="resume tracking",
        description="Resume recording after `pause` (a timed pause also ends by itself). Idle "
                    'time counts from the resume. Prints {"paused", "until"}.')
    r.set_defaults(handler=resume)


def pause(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.commands.base import UsageError

    if args.minutes is not None and not (0 < args.minutes <= 7 * 24 * 60):
        raise UsageError("--minutes must be between 0 and 10080 (a week)")
    state = ctx.app.state.pause(ctx.clock.now(), args.minutes)
    print(json.dumps(state.to_json(ctx.app.analysis.tz)), file=ctx.out)
    return 0


def resume(args: argparse.Namespace, ctx: Context) -> int:
    state = ctx.app.state.resume(ctx.clock.now())
    print(json.dumps(state.to_json(ctx.app.analysis.tz)), file=ctx.out)
    return 0
