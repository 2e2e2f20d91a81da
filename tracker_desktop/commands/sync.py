"""`sync`: opt in to the leaderboard server, preview and push daily aggregates, see the boards."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from tracker_desktop.commands.base import Context, UsageError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "sync", help="opt-in sync of daily aggregates to a leaderboard server",
        description="Off until you opt in with `sync register` or `sync login`. Only per-day "
                    "aggregates of this machine are ever sent (active, coding, productive and "
                    "focus time, score, languages, categories): `sync preview` shows exactly what. "
                    "A running tracker pushes changed days every 15 minutes.")
    verbs = p.add_subparsers(dest="sync_verb", metavar="VERB", required=True)
    for name, text in (("register", "create an account on a server and opt in"),
                       ("login", "sign in to an existing account and opt in")):
        v = verbs.add_parser(name, help=text, description=text + ". The password is read from "
                             "stdin when it is not a terminal, else prompted for.")
        v.add_argument("--server", required=True, metavar="URL", help="e.g. http://127.0.0.1:8000")
        v.add_argument("--username", required=True)
        if name == "register":
            v.add_argument("--display-name", help="the name shown on leaderboards")
        v.set_defaults(handler=handle, creates_database=True)
    v = verbs.add_parser("push", help="send the days that changed since they were last sent")
    v.add_argument("--days", type=int, default=7, help="look at the last N days (default 7)")
    v.add_argument("--json", action="store_true")
    v.set_defaults(handler=handle, creates_database=True)
    v = verbs.add_parser("preview", help="show exactly what a push would send, sending nothing")
    v.add_argument("--days", type=int, default=7)
    v.set_defaults(handler=handle)
    v = verbs.add_parser("status", help="opted in?, the server, days sent and pending")
    v.add_argument("--json", action="store_true")
    v.set_defaults(handler=handle)
    v = verbs.add_parser("leaderboard", help="a leaderboard from the server")
    v.add_argument("--period", choices=["day", "week", "month"], default="week")
    v.add_argument("--metric", choices=["coding", "active", "productivity", "focus"], default="coding")
    v.add_argument("--language")
    v.add_argument("--team", type=int)
    v.add_argument("--date", help="a day inside the period, YYYY-MM-DD (default today)")
    v.add_argument("--json", action="store_true")
    v.set_defaults(handler=handle)
    v = verbs.add_parser("privacy", help="show or change what the server shows of you")
    for flag, field, text in (("visible", "leaderboard_visible", "appear on leaderboards"),
                              ("anonymous", "anonymous", "appear under a stable pseudonym"),
                              ("share-languages", "share_languages", "appear on language boards")):
        g = v.add_mutually_exclusive_group()
        g.add_argument(f"--{flag}", dest=field, action="store_true", default=None, help=text)
        g.add_argument(f"--no-{flag}", dest=field, action="store_false", default=None)
    v.add_argument("--json", action="store_true")
    v.set_defaults(handler=handle, creates_database=True)
    v = verbs.add_parser("logout", help="forget the tokens and stop syncing (opt out)")
    v.set_defaults(handler=handle, creates_database=True)


def _password(prompt: str) -> str:
    if sys.stdin is not None and not sys.stdin.isatty():
        value = sys.stdin.readline().rstrip("\r\n")
    else:
        value = getpass.getpass(prompt)
    if not value:
        raise UsageError("no password given (on stdin or at the prompt)")
    return value


def _print(ctx: Context, value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True), file=ctx.out)


def handle(args: argparse.Namespace, ctx: Context) -> int:
    from sync.client.errors import ServerUnavailable, SyncError
    from sync.client.service import NotOptedIn

    try:
        return _run(args, ctx)
    except (SyncError, NotOptedIn) as exc:
        raise UsageError(str(exc)) from None
    except ServerUnavailable as exc:
        print(f"tracker-desktop: {exc}", file=ctx.err)
        return 1


def _run(args: argparse.Namespace, ctx: Context) -> int:
    verb = args.sync_verb
    if getattr(args, "days", 1) is not None and not 1 <= getattr(args, "days", 1) <= 90:
        raise UsageError("--days must be 1-90")
    if verb in ("register", "login"):
        from urllib.parse import urlparse

        url = urlparse(args.server)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise UsageError(f"--server must be an http(s) URL, not {args.server!r}")
        password = _password("Password: ")
        account = ctx.app.sync.sign_in(args.server, args.username, password,
                                       register=verb == "register",
                                       display_name=getattr(args, "display_name", None))
        print(f"Signed in to {account.server} as {account.username} (device {account.device}). "
              "Sync is on; you are not on any leaderboard until `sync privacy --visible`.",
              file=ctx.out)
        return 0
    sync = ctx.app.sync
    if verb == "preview":
        _print(ctx, sync.preview(args.days))
        return 0
    if verb == "status":
        status = sync.status()
        if args.json:
            _print(ctx, status)
        elif not status["opted_in"]:
            print("Sync: off (opt in with `sync register` or `sync login`)", file=ctx.out)
        else:
            print(f"Sync:     on, {status['username']} at {status['server']}\n"
                  f"Device:   {status['device']}\n"
                  f"Sent:     {status['days_sent']} day(s), last {status['last_day_sent']}\n"
                  f"Pending:  {', '.join(status['pending']) or 'nothing'}", file=ctx.out)
        return 0
    if verb == "push":
        result = sync.push(args.days)
        if args.json:
            _print(ctx, result.to_json())
        else:
            print(f"Sent {len(result.sent)} day(s), {len(result.unchanged)} unchanged"
                  + (f", {len(result.pending)} pending: {result.error}" if result.error else ""),
                  file=ctx.out)
        return 1 if result.error else 0
    if verb == "leaderboard":
        board = sync.leaderboard(period=args.period, metric=args.metric, language=args.language,
                                 team=args.team, date=args.date)
        if args.json:
            _print(ctx, board)
        else:
            print(f"{board['metric']} — {board['period']} {board['start']} to {board['end']}",
                  file=ctx.out)
            for e in board["entries"]:
                print(f"{e['rank']:>4}  {e['name']:<32} {e['value']:>12.1f}", file=ctx.out)
        return 0
    if verb == "privacy":
        changes = {k: v for k in ("leaderboard_visible", "anonymous", "share_languages")
                   if (v := getattr(args, k)) is not None}
        _print(ctx, sync.privacy(changes))
        return 0
    if verb == "logout":
        gone = sync.logout()
        print("Signed out; sync is off." if gone else "Sync was not on.", file=ctx.out)
        return 0
    raise UsageError(f"unknown sync verb {verb}")
