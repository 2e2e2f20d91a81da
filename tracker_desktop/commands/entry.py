"""`entry`: time entries added or corrected by hand (end after start, no future end, no overlap
unless allowed)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tracker_desktop.commands.base import Context, UsageError
from tracker_desktop.commands.taskargs import hm, run, service, task_id, when


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("entry", help="time entries: add, list, edit, delete",
                       description="Time entries on tasks. Times are ISO 8601 with an offset "
                                   "(2026-01-05T09:00+01:00), or a date (midnight, local).")
    verbs = p.add_subparsers(dest="entry_verb", metavar="VERB", required=True)
    add = verbs.add_parser("add", help="add an entry by hand")
    add.add_argument("--start", required=True, metavar="ISO")
    add.add_argument("--end", required=True, metavar="ISO")
    add.add_argument("--task", type=task_id, metavar="ID")
    add.add_argument("--description", default="", metavar="TEXT")
    add.add_argument("--allow-overlap", action="store_true", help="keep it even if it overlaps")
    add.set_defaults(handler=_add, creates_database=True)

    ls = verbs.add_parser("list", help="entries, oldest first")
    ls.add_argument("--start", metavar="ISO")
    ls.add_argument("--end", metavar="ISO")
    ls.add_argument("--task", type=task_id, metavar="ID")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=_list)

    edit = verbs.add_parser("edit", help="correct an entry")
    edit.add_argument("id", type=task_id)
    edit.add_argument("--start", metavar="ISO")
    edit.add_argument("--end", metavar="ISO")
    edit.add_argument("--task", type=task_id, metavar="ID")
    edit.add_argument("--no-task", action="store_true", help="take it off its task")
    edit.add_argument("--description", metavar="TEXT")
    edit.add_argument("--allow-overlap", action="store_true")
    edit.set_defaults(handler=_edit, creates_database=True)

    delete = verbs.add_parser("delete", help="delete an entry")
    delete.add_argument("id", type=task_id)
    delete.set_defaults(handler=_delete, creates_database=True)


def _add(args: argparse.Namespace, ctx: Context) -> int:
    start, end = when(ctx, args.start, "--start"), when(ctx, args.end, "--end")
    entry = run(lambda: service(ctx).entry_add(start, end, task_id=args.task,
                                               description=args.description,
                                               allow_overlap=args.allow_overlap))
    print(entry.id, file=ctx.out)
    return 0


def _list(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.services.tasks import entry_json

    start = when(ctx, args.start, "--start") if args.start else None
    end = when(ctx, args.end, "--end") if args.end else None
    if start is not None and end is not None and end <= start:
        raise UsageError("--end must be after --start")
    svc = service(ctx)
    entries = svc.entries(start, end, args.task)
    now = svc.now()
    if args.json:
        print(json.dumps([entry_json(e, now, ctx.tz) for e in entries], ensure_ascii=False),
              file=ctx.out)
        return 0
    if not entries:
        print("no time entries", file=ctx.out)
    for e in entries:
        s = e.start.astimezone(ctx.tz)
        end_text = "running" if e.end is None else f"{e.end.astimezone(ctx.tz):%H:%M}"
        on = f"task {e.task_id}" if e.task_id is not None else "-"
        print(f"{e.id:>4}  {s:%Y-%m-%d %H:%M}–{end_text}  {hm(e.duration(now).total_seconds()):>7}"
              f"  {on}  {e.description}", file=ctx.out)
    return 0


def _edit(args: argparse.Namespace, ctx: Context) -> int:
    changes: dict[str, Any] = {}
    if args.start:
        changes["start"] = when(ctx, args.start, "--start")
    if args.end:
        changes["end"] = when(ctx, args.end, "--end")
    if args.task is not None and args.no_task:
        raise UsageError("--task and --no-task contradict each other")
    if args.task is not None:
        changes["task_id"] = args.task
    if args.no_task:
        changes["task_id"] = None
    if args.description is not None:
        changes["description"] = args.description
    if not changes:
        raise UsageError("nothing to change: give --start, --end, --task or --description")
    entry = run(lambda: service(ctx).entry_edit(args.id, allow_overlap=args.allow_overlap,
                                                **changes))
    print(f"entry {entry.id} updated", file=ctx.out)
    return 0


def _delete(args: argparse.Namespace, ctx: Context) -> int:
    entry = run(lambda: service(ctx).entry_delete(args.id))
    print(f"entry {entry.id} deleted", file=ctx.out)
    return 0
