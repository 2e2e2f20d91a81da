"""`focus`: Pomodoro, Flowtime and countdown focus sessions, kept in the database so the tray
and the CLI act on the same session."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any, Callable

from tracker_desktop.commands.base import Context, UsageError

MAX_TASK_ID = 128  # the column's width
MAX_TEXT = 2000  # as for every text the tracker stores (domain/events.py)

if TYPE_CHECKING:
    from tracker_desktop.services.focus import FocusService, FocusStatus


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "focus", help="focus sessions: Pomodoro, Flowtime, countdown",
        description="Focus sessions. Pomodoro: work / short break / long break (the [focus] "
                    "settings: 25/5/15 minutes, a long break every 4). Flowtime: work counts up; "
                    "`focus skip` ends it and starts a break a fifth as long. Countdown: one "
                    "timer. The session lives in the database: the tray and every `focus` "
                    "command act on the same one. A session with at least one finished work "
                    "phase is completed, else abandoned; every pause counts as an interruption.")
    verbs = p.add_subparsers(dest="focus_verb", metavar="VERB", required=True)

    start = verbs.add_parser("start", help="start a session",
                             description="Start a focus session (one at a time).")
    start.add_argument("--mode", choices=("pomodoro", "flowtime", "countdown"),
                       help="default: [focus] mode (pomodoro)")
    start.add_argument("--minutes", type=float,
                       help="the work phase's length (pomodoro) or the timer (countdown); for "
                            "flowtime, your estimate of the focus time")
    start.add_argument("--context", default="", metavar="TEXT",
                       help='what you are working on, e.g. "Chapter 5 - Biology"')
    start.add_argument("--task", metavar="ID", help="the task this session is for (optional)")
    start.set_defaults(handler=_start, creates_database=True)

    for name, text, handler in (
            ("pause", "pause the timer (counts as an interruption)", _pause),
            ("resume", "resume a paused timer", _resume),
            ("skip", "end the current phase and move to the next (flowtime: end the work)",
             _skip),
            ("next", "start the phase waiting for you (when auto-start is off)", _next)):
        v = verbs.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        v.add_argument("--json", action="store_true", help="print the session as JSON")
        v.set_defaults(handler=handler, creates_database=True)

    stop = verbs.add_parser("stop", help="end the session, with your rating",
                            description="End the session; it is recorded with your focus score "
                                        "and notes, and the focus profile is recomputed.")
    stop.add_argument("--score", type=int, metavar="1-5", help="how focused you were, 1 to 5")
    stop.add_argument("--notes", default="", metavar="TEXT")
    stop.add_argument("--json", action="store_true", help="print the session as JSON")
    stop.set_defaults(handler=_stop, creates_database=True)

    status = verbs.add_parser("status", help="the running session",
                              description="The running session: phase, time left, focus time.")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=_status)

    profile = verbs.add_parser(
        "profile", help="your focus profile",
        description="Averages over your finished sessions: focus and break length, "
                    "interruptions, completion ratio, under/over-estimation, peak hours and days.")
    profile.add_argument("--json", action="store_true")
    profile.set_defaults(handler=_profile)


def _service(ctx: Context) -> FocusService:
    return ctx.app.focus


def _run(ctx: Context, fn: Callable[[], Any]) -> Any:
    from tracker_desktop.domain.focus import FocusError

    try:
        return fn()
    except FocusError as exc:
        raise UsageError(str(exc)) from None


def _minutes(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _describe(status: FocusStatus, ctx: Context) -> str:
    data = status.to_json(ctx.app.analysis.tz)
    if not data["running"]:
        return "no focus session is running"
    lines = []
    for c in data["changes"]:
        lines.append(f"{c['ended'].replace('_', ' ')} ended at {c['at'][11:16]}"
                     + ("" if c["next"] is None else
                        f"; {c['next'].replace('_', ' ')} {'started' if c['started'] else 'waits (focus next)'}"))
    if data["phase"] is not None:
        left = ("" if data["remaining_seconds"] is None
                else f", {_minutes(data['remaining_seconds'])} left")
        state = "paused" if data["paused"] else data["phase"].replace("_", " ")
        lines.append(f"{data['mode']} session {data['id']}: {state}{left}")
    elif data["waiting"] is not None:
        lines.append(f"{data['mode']} session {data['id']}: {data['waiting'].replace('_', ' ')} "
                     "waits: `focus next` starts it")
    else:
        lines.append(f"{data['mode']} session {data['id']}: the timer ran out: `focus stop` "
                     "records it")
    lines.append(f"focus {data['focus_minutes']:g} min, breaks {data['break_minutes']:g} min, "
                 f"{data['cycles']} cycle(s), {data['interruptions']} interruption(s)"
                 + (f" - {data['context']}" if data["context"] else ""))
    return "\n".join(lines)


def _show(status: FocusStatus, args: argparse.Namespace, ctx: Context) -> int:
    if getattr(args, "json", False):
        print(json.dumps(status.to_json(ctx.app.analysis.tz)), file=ctx.out)
    else:
        print(_describe(status, ctx), file=ctx.out)
    return 0


def _start(args: argparse.Namespace, ctx: Context) -> int:
    if args.task is not None and not (args.task.strip() and len(args.task) <= MAX_TASK_ID):
        raise UsageError(f"--task must be a non-blank id of at most {MAX_TASK_ID} characters")
    if len(args.context) > MAX_TEXT:
        raise UsageError(f"--context is longer than {MAX_TEXT} characters")
    status = _run(ctx, lambda: _service(ctx).start(
        mode=args.mode, minutes=args.minutes, context=args.context.strip(),
        task_id=args.task))
    return _show(status, args, ctx)


def _pause(args: argparse.Namespace, ctx: Context) -> int:
    return _show(_run(ctx, lambda: _service(ctx).pause()), args, ctx)


def _resume(args: argparse.Namespace, ctx: Context) -> int:
    return _show(_run(ctx, lambda: _service(ctx).resume()), args, ctx)


def _skip(args: argparse.Namespace, ctx: Context) -> int:
    return _show(_run(ctx, lambda: _service(ctx).skip()), args, ctx)


def _next(args: argparse.Namespace, ctx: Context) -> int:
    return _show(_run(ctx, lambda: _service(ctx).start_next()), args, ctx)


def _stop(args: argparse.Namespace, ctx: Context) -> int:
    if len(args.notes) > MAX_TEXT:
        raise UsageError(f"--notes is longer than {MAX_TEXT} characters")
    if args.score is not None and not 1 <= args.score <= 5:
        raise UsageError(f"--score must be 1 to 5, not {args.score}")
    stopped = _run(ctx, lambda: _service(ctx).stop(score=args.score, notes=args.notes.strip()))
    data = stopped.to_json(ctx.app.analysis.tz)
    if args.json:
        print(json.dumps(data), file=ctx.out)
        return 0
    print(f"session {data['id']} {'completed' if data['completed'] else 'abandoned'}: "
          f"focus {data['focus_minutes']:g} min, breaks {data['break_minutes']:g} min, "
          f"{data['cycles']} cycle(s), {data['interruptions']} interruption(s)", file=ctx.out)
    for line in data["insights"]:
        print(f"  {line}", file=ctx.out)
    return 0


def _status(args: argparse.Namespace, ctx: Context) -> int:
    return _show(_service(ctx).status(), args, ctx)


def _profile(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.services.focus import profile_to_json

    data = profile_to_json(_service(ctx).profile())
    if args.json:
        print(json.dumps(data), file=ctx.out)
        return 0
    if not data["sessions"]:
        print("no finished focus sessions yet", file=ctx.out)
        return 0
    est = data["estimation_pct"]
    print(f"{data['sessions']} session(s), {data['completed']} completed "
          f"({data['completion_ratio']:.0%})\n"
          f"average focus {data['avg_focus_minutes']:g} min, breaks "
          f"{data['avg_break_minutes']:g} min, {data['avg_interruptions']:g} interruption(s)"
          + ("" if est is None else
             f"\nsessions run {abs(est):g} % {'longer' if est >= 0 else 'shorter'} than expected")
          + (f"\npeak hours {', '.join(f'{h}:00' for h in data['peak_hours'])}; "
             f"peak days {', '.join(data['peak_days'])}" if data["peak_hours"] else ""),
          file=ctx.out)
    return 0
