"""`timer`: one running timer on a task (or a description): start, pause, resume, stop, status."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from tracker_desktop.commands.base import Context
from tracker_desktop.commands.taskargs import hm, run, service, task_id

if TYPE_CHECKING:
    from tracker_desktop.domain.tasks import TimeEntry


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("timer", help="the time-entry timer: start, pause, resume, stop, status",
                       description="One timer at a time, on a task or with a description. Its "
                                   "time entry's duration excludes the pauses.")
    verbs = p.add_subparsers(dest="timer_verb", metavar="VERB", required=True)
    start = verbs.add_parser("start", help="start the timer")
    start.add_argument("task", nargs="?", type=task_id, metavar="TASK_ID")
    start.add_argument("--description", default="", metavar="TEXT")
    start.add_argument("--json", action="store_true")
    start.set_defaults(handler=_act, creates_database=True)
    for name, text in (("pause", "pause the running timer"), ("resume", "resume it"),
                       ("stop", "stop it: the time entry is recorded")):
        v = verbs.add_parser(name, help=text)
        v.add_argument("--json", action="store_true")
        v.set_defaults(handler=_act, creates_database=True)
    status = verbs.add_parser("status", help="the running timer")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=_status)


def _show(entry: TimeEntry | None, args: argparse.Namespace, ctx: Context, verb: str) -> None:
    from tracker_desktop.services.tasks import entry_json

    svc = service(ctx)
    now = svc.now()
    if args.json:
        data = {"running": False} if entry is None else entry_json(entry, now, ctx.tz)
        print(json.dumps(data, ensure_ascii=False), file=ctx.out)
        return
    if entry is None:
        print("no timer is running", file=ctx.out)
        return
    on = f"task {entry.task_id}" if entry.task_id is not None else ""
    if entry.description:
        on += (" - " if on else "") + entry.description
    state = {"start": "started", "pause": "paused", "resume": "resumed", "stop": "stopped"}.get(
        verb, "paused" if entry.paused else "running")
    print(f"timer {state} (entry {entry.id}, {on}): {hm(entry.duration(now).total_seconds())}"
          + (f", paused {hm(entry.paused_time(now).total_seconds())}"
             if entry.pauses else ""), file=ctx.out)


def _act(args: argparse.Namespace, ctx: Context) -> int:
    svc = service(ctx)
    verb = args.timer_verb
    if verb == "start":
        entry = run(lambda: svc.timer_start(args.task, args.description))
    else:
        entry = run({"pause": svc.timer_pause, "resume": svc.timer_resume,
                     "stop": svc.timer_stop}[verb])
    _show(entry, args, ctx, verb)
    return 0


def _status(args: argparse.Namespace, ctx: Context) -> int:
    _show(service(ctx).timer_status(), args, ctx, "status")
    return 0
