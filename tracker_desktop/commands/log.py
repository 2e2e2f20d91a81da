"""`log`: the manual activity log (seed 003): what you did for the last N minutes, with the
errors met and notes. It counts in reports as active time and as its own source."""

from __future__ import annotations

import argparse

from tracker_desktop.commands.base import Context
from tracker_desktop.commands.taskargs import hm, run, service, task_id

TEMPLATES = ("coding", "debugging", "learning", "meeting")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("log", help="log what you did for the last N minutes",
                       description="Add a manual activity log entry ending now. Quick templates: "
                                   + ", ".join(TEMPLATES) + " (the text may be left out then).")
    p.add_argument("text", nargs="?", default="", metavar="TEXT")
    p.add_argument("--minutes", type=float, required=True, metavar="N")
    p.add_argument("--errors", type=int, default=0, metavar="N", help="errors encountered")
    p.add_argument("--context", default="", metavar="TEXT", help="context notes")
    p.add_argument("--template", choices=TEMPLATES)
    p.add_argument("--task", type=task_id, metavar="ID")
    p.set_defaults(handler=_log, creates_database=True)


def _log(args: argparse.Namespace, ctx: Context) -> int:
    event = run(lambda: service(ctx).log(args.text, args.minutes, errors=args.errors,
                                         context=args.context, template=args.template,
                                         task_id=args.task))
    print(f"logged {hm(event.duration.total_seconds())}: {event.data['title']}", file=ctx.out)
    return 0
