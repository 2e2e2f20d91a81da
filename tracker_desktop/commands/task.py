"""`task`: add, list, edit, done, archive and delete tasks."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from tracker_desktop.commands.base import Context, UsageError
from tracker_desktop.commands.taskargs import run, service, task_id

if TYPE_CHECKING:
    from tracker_desktop.domain.tasks import Task

STATUSES = ("todo", "in_progress", "done", "archived")
PRIORITIES = ("low", "medium", "high", "urgent")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("task", help="tasks: add, list, edit, done, archive, delete",
                       description="Tasks with a status, priority, due date, tags, an estimate "
                                   "and a project. Time on them comes from `timer`, `entry` and "
                                   "focus sessions started with --task ID.")
    verbs = p.add_subparsers(dest="task_verb", metavar="VERB", required=True)

    add = verbs.add_parser("add", help="add a task (prints its id)")
    add.add_argument("title")
    _fields(add)
    add.set_defaults(handler=_add, creates_database=True)

    ls = verbs.add_parser("list", help="list tasks (archived ones only with --status archived)")
    ls.add_argument("--status", choices=STATUSES)
    ls.add_argument("--priority", choices=PRIORITIES)
    ls.add_argument("--project", metavar="NAME")
    ls.add_argument("--tag", metavar="TAG")
    ls.add_argument("--search", metavar="TEXT", help="in titles and descriptions")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=_list)

    edit = verbs.add_parser("edit", help="change a task's fields")
    edit.add_argument("id", type=task_id)
    edit.add_argument("--title")
    edit.add_argument("--status", choices=STATUSES)
    _fields(edit, editing=True)
    edit.set_defaults(handler=_edit, creates_database=True)

    for name, text in (("done", "mark a task done"), ("archive", "archive a task"),
                       ("delete", "delete a task (its time entries stay, without a task)"),
                       ("show", "one task as JSON")):
        v = verbs.add_parser(name, help=text)
        v.add_argument("id", type=task_id)
        v.set_defaults(handler=_one, creates_database=name != "show")


def _fields(p: argparse.ArgumentParser, editing: bool = False) -> None:
    clear = " (\"\" clears it)" if editing else ""
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--priority", choices=PRIORITIES, default=None if editing else "medium")
    p.add_argument("--due", metavar="DATE", help=f"YYYY-MM-DD, today or tomorrow{clear}")
    p.add_argument("--estimate", type=float, metavar="HOURS", help="estimated hours")
    p.add_argument("--tags", metavar="A,B", help=f"comma-separated{clear}")
    p.add_argument("--project", metavar="NAME", help=f"the project{clear}")
    if editing:
        p.add_argument("--no-estimate", action="store_true", help="clear the estimate")


def _changes(args: argparse.Namespace, ctx: Context) -> dict[str, object]:
    from tracker_desktop.services.tasks import parse_due

    changes: dict[str, object] = {}
    if args.description is not None:
        changes["description"] = args.description
    if args.priority is not None:
        changes["priority"] = args.priority
    if args.due is not None:
        today = ctx.app.rollups.today()
        changes["due"] = run(lambda: parse_due(args.due, today))
    if args.estimate is not None:
        changes["estimate_hours"] = args.estimate
    if getattr(args, "no_estimate", False):
        if args.estimate is not None:
            raise UsageError("--estimate and --no-estimate contradict each other")
        changes["estimate_hours"] = None
    if args.tags is not None:
        changes["tags"] = args.tags.split(",")
    if args.project is not None:
        changes["project"] = args.project or None
    return changes


def _print(task: Task, args: argparse.Namespace, ctx: Context) -> None:
    from tracker_desktop.services.tasks import task_json

    print(json.dumps(task_json(task, ctx.tz), ensure_ascii=False), file=ctx.out)


def _add(args: argparse.Namespace, ctx: Context) -> int:
    changes = _changes(args, ctx)
    task = run(lambda: service(ctx).add(args.title, **changes))
    print(task.id, file=ctx.out)
    return 0


def _edit(args: argparse.Namespace, ctx: Context) -> int:
    changes = _changes(args, ctx)
    if args.title is not None:
        changes["title"] = args.title
    if args.status is not None:
        changes["status"] = args.status
    if not changes:
        raise UsageError("nothing to change: give --title, --status, --priority, --due, ...")
    task = run(lambda: service(ctx).edit(args.id, **changes))
    print(f"task {task.id} updated", file=ctx.out)
    return 0


def _one(args: argparse.Namespace, ctx: Context) -> int:
    svc = service(ctx)
    verb = args.task_verb
    if verb == "show":
        _print(run(lambda: svc.get(args.id)), args, ctx)
        return 0
    act = {"done": svc.done, "archive": svc.archive, "delete": svc.delete}[verb]
    task = run(lambda: act(args.id))
    past = {"done": "done", "archive": "archived", "delete": "deleted"}[verb]
    print(f"task {task.id} {past}: {task.title}", file=ctx.out)
    return 0


def _list(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.services.tasks import task_json

    tasks = run(lambda: service(ctx).find(status=args.status, search=args.search,
                                          project=args.project, tag=args.tag,
                                          priority=args.priority))
    if args.json:
        print(json.dumps([task_json(x, ctx.tz) for x in tasks], ensure_ascii=False), file=ctx.out)
        return 0
    if not tasks:
        print("no tasks", file=ctx.out)
        return 0
    for x in tasks:
        extra = [x.priority]
        if x.due is not None:
            extra.append(f"due {x.due.isoformat()}")
        if x.estimate_hours:
            extra.append(f"est {x.estimate_hours:g}h")
        if x.project:
            extra.append(x.project)
        extra += [f"#{tag}" for tag in x.tags]
        print(f"{x.id:>4}  {x.status:<11} {x.title}  ({', '.join(extra)})", file=ctx.out)
    return 0
