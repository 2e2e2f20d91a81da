"""`report`: a day, ISO week, month or range as a readable table, or one JSON object."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:  # the report module is imported lazily (start-up time); its types are not
    from tracker_desktop.commands.base import Context
    from tracker_desktop.services.reports import AppTime, CategoryTime, NamedTime, Report

# Window titles shown under each app in the table (--json lists up to 10).
TITLES_IN_TABLE = 5


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report", help="active/idle time, categories, score, apps, sites, goals for a period",
        description="Summarise a day (default: today), an ISO week, a month or a range of days, "
                    "in the local time zone (TZ, or [analysis] timezone) with the configured day "
                    "start hour. Reads per-day rollups; days not rolled up yet are computed.")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--date", metavar="YYYY-MM-DD", help="one day (also: today, yesterday)")
    which.add_argument("--week", metavar="YYYY-Www", help="an ISO week, Monday to Sunday")
    which.add_argument("--month", metavar="YYYY-MM", help="a calendar month")
    which.add_argument("--start", metavar="D", help="first day of a range (with --end: last day, included)")
    p.add_argument("--end", metavar="D", help="last day of the range, included (default: today)")
    p.add_argument("--top", type=int, default=10, metavar="N",
                   help="names per list in the table (default 10); --json lists up to 50")
    p.add_argument("--json", action="store_true",
                   help="one JSON object: start, end, active_seconds, idle_seconds, idle_percent, "
                        "productivity_score, categories, apps, domains, projects, languages, blocks, "
                        "best_hours, streak_days, goals, ...")
    p.add_argument("--device", metavar="NAME",
                   help="only what was recorded on this machine (a host name, as `events --json` "
                        "shows it; this machine's is its host name or [tracking] device). Default: "
                        "every device, time active on two at once counted once. Computed from raw "
                        "events, so a long period takes longer")
    p.add_argument("--blocks", action="store_true",
                   help="list the active/idle/break blocks of every day even for a range longer "
                        "than a week (a day or a week lists them anyway)")
    p.set_defaults(handler=handle)


def _period(args: argparse.Namespace, today):  # type: ignore[no-untyped-def]
    from tracker_desktop.commands.base import UsageError
    from tracker_desktop.domain.days import (
        day_period,
        month_period,
        parse_date,
        range_period,
        week_period,
    )

    if args.end and not args.start:
        raise UsageError("--end needs --start")
    if args.week:
        return week_period(args.week)
    if args.month:
        return month_period(args.month)
    if args.start:
        first = parse_date(args.start, today)
        last = parse_date(args.end, today) if args.end else today
        return range_period(first, last)
    return day_period(parse_date(args.date, today) if args.date else today)


def progress_bar(desc: str, unit: str = " days"):  # type: ignore[no-untyped-def]
    """A tqdm bar on stderr, shown only on a terminal and only if the work takes a while."""
    from tqdm import tqdm

    return tqdm(desc=desc, unit=unit, file=sys.stderr, disable=not sys.stderr.isatty(),
                leave=False, delay=0.3)


def handle(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.commands.base import UsageError
    from tracker_desktop.domain.days import InvalidPeriod

    if args.top < 0:
        raise UsageError("--top must not be negative")
    try:
        period = _period(args, ctx.app.rollups.today())
    except InvalidPeriod as exc:
        raise UsageError(str(exc)) from None
    reports = ctx.app.reports
    if args.device is not None:
        from tracker_desktop.domain.events import InvalidEvent, check_device

        try:
            device = check_device(args.device, "--device")
        except InvalidEvent as exc:
            raise UsageError(str(exc)) from None
        if not device:
            raise UsageError("--device needs a name")
        reports = ctx.app.device_reports(device)
    with progress_bar("rolling up") as bar:
        report = reports.report(period, progress=bar.update, blocks=True if args.blocks else None)
    # Tasks, time entries, focus sessions on tasks and the manual log: their own section.
    tasks = ctx.app.tasks.report(report.start, report.end)
    # Local git and GitHub activity: only when there is something to look at.
    code = code_activity(ctx, period, report) if args.device is None else None
    if args.json:
        data = report.to_json()
        data["tasks"] = tasks.to_json()
        data["code_activity"] = code
        json.dump(data, ctx.out, ensure_ascii=False)
        ctx.out.write("\n")
    else:
        ctx.out.write(render(report, args.top, blocks=args.blocks))
        ctx.out.write(render_tasks(tasks.to_json(), args.top))
        if code:
            ctx.out.write(render_code(code))
    return 0


def render_tasks(t: dict, top: int = 10) -> str:  # type: ignore[type-arg]
    """The tasks section (`TaskReport.to_json()`): time per task, project and tag, estimates,
    completion, and the manual log as its own source. Empty when there is nothing to show."""
    lines: list[str] = []
    log = t["manual_log"]
    if t["tasks"] or t["without_task_seconds"] or t["done_per_week"] or t["estimates"]:
        lines.append(f"Tasks  {hm(t['tracked_seconds'])} tracked"
                     + (f" ({hm(t['without_task_seconds'])} without a task)"
                        if t["without_task_seconds"] else ""))
        for row in t["tasks"][:top]:
            lines.append(f"  #{row['id']:<4} {_cut(row['title'], 40):<40}  {hm(row['seconds']):>8}")
        for key, title in (("projects", "Project"), ("tags", "Tag")):
            if t[key]:
                lines.append(f"  {title}s: " + ", ".join(
                    f"{r['name']} {hm(r['seconds'])}" for r in t[key][:top]))
        if t["estimates"]:
            lines.append("  Estimated vs actual:")
            for e in t["estimates"][:top]:
                lines.append(f"    #{e['id']:<4} {_cut(e['title'], 34):<34} "
                             f"{e['estimate_hours']:g}h -> {e['actual_hours']:.1f}h "
                             f"({e['pct']:+.0f}%)")
        done = t["done_on_time"] + t["done_late"] + t["done_without_due"]
        if done:
            avg = t["avg_completion_hours"]
            lines.append(f"  Done {done}: {t['done_on_time']} on time, {t['done_late']} late"
                         + (f"; average {avg:g} h from creation to done" if avg is not None
                            else ""))
            lines.append("  Done per week: " + ", ".join(
                f"{w} {n}" for w, n in t["done_per_week"].items()))
        lines.append("")
    if log["entries"]:
        lines.append(f"Manual log  {hm(log['seconds'])} in {log['entries']} entr"
                     f"{'y' if log['entries'] == 1 else 'ies'}"
                     + (f", {log['errors']} error(s)" if log["errors"] else ""))
        for row in log["titles"][:top]:
            lines.append(f"  {_cut(row['name'], 48):<48}  {hm(row['seconds']):>8}")
        lines.append("")
    return "\n".join(lines) + ("\n" if lines else "")


def hm(seconds: float) -> str:
    """A duration as a person reads it: `42s` under a minute (a 20-second visit is not `0m`),
    else `7m` or `2h 05m`. `status` should print durations with this too."""
    if round(seconds) < 60:
        return f"{max(0, round(seconds))}s"
    minutes = int(round(seconds / 60))
    if minutes < 60:
        return f"{minutes}m"
    return f"{minutes // 60}h {minutes % 60:02d}m"


def _clock(when: datetime) -> str:
    return when.strftime("%H:%M")


def _cut(name: str, width: int) -> str:
    return name if len(name) <= width else name[:width - 1] + "…"


def _table(title: str, rows: Sequence[NamedTime | CategoryTime | AppTime], top: int,
           with_score: bool = False, titles: int = 0) -> list[str]:
    """Names and times, most first; with `titles`, each app's top window titles indented under
    it (in the name column, so the times stay aligned)."""
    if not rows or top == 0:
        return []
    subs_of = {id(r): list(getattr(r, "titles", ()))[:titles] for r in rows[:top]}
    width = max(len(title), *(min(len(r.name), 48) for r in rows[:top]),
                *(min(len(t.name) + 2, 48) for subs in subs_of.values() for t in subs))
    out = [f"{title:<{width}}  {'time':>8}" + ("  score" if with_score else "")]
    for r in rows[:top]:
        line = f"{_cut(r.name, 48):<{width}}  {hm(r.seconds):>8}"
        if with_score:
            sc = getattr(r, "score", None)
            line += f"  {'' if sc is None else round(sc):>5}"
        out.append(line)
        out += [f"  {_cut(t.name, width - 2):<{width - 2}}  {hm(t.seconds):>8}"
                for t in subs_of[id(r)]]
    if len(rows) > top:
        out.append(f"  … {len(rows) - top} more")
    return out + [""]


def render(r: Report, top: int = 10, blocks: bool = False) -> str:
    """The human form: headline figures, one small table per dimension, the days of a range, and
    the timeline of a day (of every day with `blocks`)."""
    score = "–" if r.productivity_score is None else f"{r.productivity_score:.0f}/100"
    on = f", device {r.device}" if r.device is not None else ""
    lines = [f"Report {r.period}  ({r.first_day.isoformat()} – {r.last_day.isoformat()}, "
             f"{r.timezone}{on})", ""]
    lines.append(f"Active  {hm(r.active_seconds):>8}    Idle {hm(r.idle_seconds)} "
                 f"({r.idle_percent:.1f}%)    Breaks {hm(r.break_seconds)}")
    focus = r.longest_focus
    focus_text = (f"{hm(focus.seconds)} ({_clock(focus.start)}–{_clock(focus.end)})"
                  if focus else "–")
    lines.append(f"Score   {score:>8}    Streak {r.streak_days} day(s)    Longest focus {focus_text}")
    lines.append(f"Keys    {r.keystrokes:>8,}    Clicks {r.clicks:,}    "
                 f"Context switches {r.context_switches:,} (apps {r.app_switches:,})")
    if r.best_hours:
        lines.append("Best hours (last 30 days): "
                     + ", ".join(f"{h.hour:02d}:00" for h in r.best_hours))
    lines.append("")
    lines += _table("Category", r.categories, top, with_score=True)
    lines += _table("App", r.apps, top, titles=TITLES_IN_TABLE)
    for rows, title in ((r.domains, "Site"), (r.projects, "Project"), (r.languages, "Language")):
        lines += _table(title, rows, top)
    if r.goals:
        lines.append("Goals")
        for g in r.goals:
            mark = "✓" if g.met else "·"
            per = f"per {g.goal.period}"
            if g.goal.period == "day" and r.days == 1:
                per = "today" if r.first_day == r.today else "that day"
            kind = "≤" if g.goal.at_most else "≥"
            if g.periods == 0:
                lines.append(f"  [–] {g.goal.name}: {hm(g.seconds)} (day off)")
            elif g.periods > 1:
                lines.append(f"  [{g.periods_met}/{g.periods}] {g.goal.name}: average "
                             f"{hm(g.average)} {kind} {hm(g.goal.seconds)} {per}")
            else:
                lines.append(f"  [{mark}] {g.goal.name}: {hm(g.seconds)} {kind} "
                             f"{hm(g.goal.seconds)} {per}")
        lines.append("")
    if r.days > 1:
        lines.append("Day         active   score")
        for d in r.daily:
            s = "" if d.productivity_score is None else round(d.productivity_score)
            lines.append(f"{d.day.isoformat()}  {hm(d.active_seconds):>7}   {s:>5}")
        lines.append("")
    if r.blocks and (r.days == 1 or blocks):
        lines.append("Timeline")
        for b in r.blocks:
            extra = ""
            if b.kind == "active":
                extra = f"  {'' if b.score is None else round(b.score):>3}  {b.category or ''}"
            day = f"{b.start:%a %d} " if r.days > 1 else ""
            lines.append(f"  {day}{_clock(b.start)}–{_clock(b.end)}  {b.kind:<6} {hm(b.seconds):>7}{extra}")
        lines.append("")
    return "\n".join(lines)


CODE_DAYS = 31  # code activity (local git, GitHub) is listed for periods up to a month


def code_activity(ctx: Context, period: Any, report: Report) -> dict[str, Any] | None:
    """Local commits against coding time per project, and synced GitHub items, for a period of
    at most CODE_DAYS; None when there is nothing to look at (no projects, no GitHub sync, no
    configured repositories), so a plain report does not pay for it."""
    if period.days > CODE_DAYS:
        return None
    with ctx.app.store.reads() as u:
        synced = u.state.get("github.synced") is not None
    if not (report.projects or synced or ctx.settings.ai.git_repos):
        return None
    data = ctx.app.code_activity.for_period(period).to_json()
    items = []
    if synced:
        setup = ctx.app.analysis
        start, end = period.bounds(setup.tz, setup.day_start_hour)
        with ctx.app.store.uow() as u:
            items = u.ai.github_items(start, end)
    data["github"] = [{"kind": g.kind, "repo": g.repo, "title": g.title, "url": g.url,
                       "state": g.state, "when": g.occurred.isoformat()} for g in items]
    return data


def render_code(code: dict[str, Any]) -> str:
    lines = []
    if code["projects"]:
        lines.append("Code (local git)")
        for p in code["projects"]:
            per = p["commits_per_coding_hour"]
            wait = p["median_minutes_to_commit"]
            lines.append(f"  {p['project']}: {p['commits']} commit(s) in {hm(p['coding_seconds'])} "
                         "of coding" + ("" if per is None else f", {per:g} per coding hour")
                         + ("" if wait is None else f", {wait:g} min to commit (median)"))
        lines.append("")
    if code["github"]:
        counts: dict[str, int] = {}
        for g in code["github"]:
            counts[g["kind"]] = counts.get(g["kind"], 0) + 1
        lines.append("GitHub: " + ", ".join(f"{n} {k.replace('_', ' ')}(s)"
                                            for k, n in sorted(counts.items())))
        for g in code["github"][-5:]:
            lines.append(f"  {g['when'][:16].replace('T', ' ')}  {g['kind']:<12} {g['repo']}  "
                         f"{_cut(g['title'], 60)}")
        lines.append("")
    return "\n".join(lines) + ("\n" if lines else "")
