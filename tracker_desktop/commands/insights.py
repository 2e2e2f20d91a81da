"""`insights` and `plan`: the Analyzer's and the Planner's answers for a day (seed 003), from
Claude when an API key is set, from local heuristics otherwise (or with --local)."""

from __future__ import annotations

import argparse
import json
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tracker_desktop.commands.base import Context, UsageError

if TYPE_CHECKING:
    from tracker_desktop.services.ai import AiResult

IMPACT_MARK = {"high": "!!!", "medium": "!! ", "low": "!  "}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "insights", help="bottlenecks, patterns and suggestions for a day",
        description="Analyse a day: bottlenecks, insights and tool suggestions. With an "
                    "Anthropic API key (`ai set-key` or ANTHROPIC_API_KEY) Claude analyses the "
                    "day's aggregates (see exactly what is sent with `ai preview`); without one, "
                    "or with --local, local heuristics do. The result is stored for the day; "
                    "the same day with the same data is not sent twice.")
    p.add_argument("--date", metavar="D", help="YYYY-MM-DD, today or yesterday (default today)")
    p.add_argument("--local", action="store_true", help="local heuristics only: nothing is sent")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_insights, creates_database=True)

    plan = sub.add_parser(
        "plan", help="a plan for a day: tasks, a learning goal, a reflection question",
        description="Make (or show) the plan for a day: tasks in order with priorities and "
                    "estimates, a learning task and a reflection question, from your recent "
                    "days, the latest insights, your open tasks and how much of the last plan "
                    "you finished. `plan tick N` ticks task N off.")
    plan.add_argument("--date", metavar="D",
                      help="YYYY-MM-DD, today, tomorrow or yesterday (default today)")
    plan.add_argument("--local", action="store_true", help="local planning only: nothing is sent")
    plan.add_argument("--show", action="store_true",
                      help="show the stored plan without making a new one")
    plan.add_argument("--json", action="store_true")
    plan.set_defaults(handler=_plan, creates_database=True)
    verbs = plan.add_subparsers(dest="plan_verb", metavar="VERB")
    tick = verbs.add_parser("tick", help="tick a task of the plan off",
                            description="Tick task N (as listed, from 1) of a plan off.")
    tick.add_argument("index", type=int, metavar="N")
    tick.add_argument("--date", dest="tick_date", metavar="D", help="the plan's day (default today)")
    tick.add_argument("--undo", action="store_true", help="mark it not done again")
    tick.set_defaults(handler=_tick, creates_database=True)


def _day(text: str | None, ctx: Context) -> date:
    from tracker_desktop.domain.days import InvalidPeriod, parse_date

    today = ctx.app.rollups.today()
    if text is None:
        return today
    if text.strip().lower() == "tomorrow":
        return today + timedelta(days=1)
    try:
        return parse_date(text, today)
    except InvalidPeriod as exc:
        raise UsageError(str(exc)) from None


def _answer(kind: str, args: argparse.Namespace, ctx: Context) -> AiResult | None:
    from tracker_desktop.services.ai import AiFailed

    service = ctx.app.ai
    day = _day(args.date, ctx)
    if getattr(args, "show", False):
        return service.stored(kind, day)
    try:
        return service.insights(day, local=args.local) if kind == "analysis" else \
            service.plan(day, local=args.local)
    except AiFailed as exc:
        print(f"tracker-desktop: {exc}", file=ctx.err)
        return None


def _insights(args: argparse.Namespace, ctx: Context) -> int:
    result = _answer("analysis", args, ctx)
    if result is None:
        return 1
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False), file=ctx.out)
        return 0
    a = result.analysis
    assert a is not None
    print(f"Insights for {result.day.isoformat()} — {_source(result)}", file=ctx.out)
    for title, rows in (
            ("Bottlenecks", [f"{IMPACT_MARK.get(b.impact, '')} {b.description} "
                             f"[{b.type}, {b.frequency}x, {b.impact} impact]"
                             for b in a.bottlenecks]),
            ("Patterns", [f"- {i.observation}\n    → {i.recommendation}" for i in a.insights]),
            ("Suggestions", [f"- {t.tool} ({t.priority}): {t.reason}"
                             for t in a.tool_suggestions])):
        print(f"\n{title}", file=ctx.out)
        print("\n".join(f"  {r}" for r in rows) if rows else "  none", file=ctx.out)
    return 0


def _source(result: AiResult) -> str:
    if result.source == "claude":
        return f"Claude ({result.model})" + (", stored answer" if result.cached else "")
    return result.note or "local heuristics"


def _plan(args: argparse.Namespace, ctx: Context) -> int:
    result = _answer("plan", args, ctx)
    if result is None:
        if getattr(args, "show", False):
            print(f"no plan for {_day(args.date, ctx).isoformat()} yet (make one with "
                  "`tracker-desktop plan`)", file=ctx.out)
            return 0
        return 1
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False), file=ctx.out)
        return 0
    p = result.plan
    assert p is not None
    total = sum(t.estimated_duration for t in p.tomorrow_tasks)
    print(f"Plan for {p.date.isoformat()} ({p.date.strftime('%A')}) — {_source(result)}\n"
          f"{p.done}/{len(p.tomorrow_tasks)} done, {total} min planned", file=ctx.out)
    for i, t in enumerate(p.tomorrow_tasks, 1):
        print(f"  {i}. [{'x' if t.done else ' '}] {t.task} — {t.priority}, "
              f"{t.estimated_duration} min", file=ctx.out)
    print(f"\nLearning: {p.learning_task}\nReflect: {p.reflection_question}", file=ctx.out)
    return 0


def _tick(args: argparse.Namespace, ctx: Context) -> int:
    day = _day(args.tick_date, ctx)
    try:
        plan = ctx.app.ai.tick(day, args.index, not args.undo)
    except (LookupError, IndexError) as exc:
        raise UsageError(str(exc).strip("'\"")) from None
    t = plan.tomorrow_tasks[args.index - 1]
    print(f"{'done' if t.done else 'not done'}: {t.task} ({plan.done}/"
          f"{len(plan.tomorrow_tasks)} done)", file=ctx.out)
    return 0
