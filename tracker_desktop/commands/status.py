"""`status`: is tracking on, what it sees now, and today's active time."""

from __future__ import annotations

import argparse
import json

from tracker_desktop.commands.base import Context


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "status", help="tracking state, current window, AFK state, today's active time",
        description="Show whether a tracker is recording into this database (and its pid), "
                    "whether tracking is paused and until when, the window and AFK state it "
                    "sees now, collectors that are off and why, and today's active time (the "
                    "same figure `report` gives). Reads only: with no database at --data-dir it "
                    "says so and exits 2.")
    p.add_argument("--json", action="store_true",
                   help='one JSON object: {"running", "pid", "paused", "pause_until", "window", '
                        '"afk", "collectors", "unavailable", "session", "probes", "notes", "today", '
                        '"database"}')
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.commands.report import hm

    status = ctx.app.status.status()
    database = str(ctx.settings.db_path)
    if args.json:
        print(json.dumps({**status.to_json(), "database": database}, ensure_ascii=False),
              file=ctx.out)
        return 0
    if not status.running:
        state = "not running"
    elif status.paused:
        until = status.pause_until
        state = f"paused until {until:%Y-%m-%d %H:%M}" if until else "paused"
    else:
        state = "tracking"
    if status.paused and not status.running:
        state += " (paused: a started tracker will not record until resumed)"
    lines = [f"Tracking:     {state}"]
    if status.running:
        w = status.window
        lines.append(f"Window:       {w.app} — {w.title}" if w else "Window:       (none)")
        afk = status.afk
        lines.append("AFK:          " + ("away" if afk else "active" if afk is not None else "unknown"))
        if status.session:
            named = status.probes or {}
            probes = ", ".join(f"{k}: {named[k]}" for k in ("window", "afk", "input") if k in named)
            lines.append(f"Session:      {status.session}; probes: {probes or 'none'}")
        for name, note in (status.notes or {}).items():
            lines.append(f"  {name}:  {note}")
        for name, reason in (status.unavailable or {}).items():
            lines.append(f"  {name} off:  {reason}")
    # Rounded as `report` rounds, so the two agree to the figure.
    lines.append(f"Today active: {hm(status.active_seconds)}")
    lines.append(f"Database:     {database}")
    print("\n".join(lines), file=ctx.out)
    return 0
