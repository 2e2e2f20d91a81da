"""`github`: connect a personal access token (OS keyring), sync authored commits, pull requests
and issues, and see the state."""

from __future__ import annotations

import argparse
import json
import sys

from tracker_desktop.commands.base import Context, UsageError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("github", help="GitHub activity: connect, sync, status",
                       description="Your GitHub commits, pull requests and issues in reports "
                                   "and the activity feed. The token stays in the OS keyring; "
                                   "GITHUB_API_URL points at GitHub Enterprise.")
    verbs = p.add_subparsers(dest="github_verb", metavar="VERB", required=True)
    c = verbs.add_parser("connect", help="store a personal access token (from stdin)",
                         description="Reads a personal access token (read-only scopes suffice: "
                                     "repo metadata) from stdin, checks it with GitHub and "
                                     "stores it in the keyring.")
    c.set_defaults(handler=_connect, creates_database=True)
    s = verbs.add_parser("sync", help="fetch your recent activity now")
    s.add_argument("--days", type=int, default=30, help="how far back (default 30)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=_sync, creates_database=True)
    st = verbs.add_parser("status", help="connected account and what is stored")
    st.add_argument("--json", action="store_true")
    st.set_defaults(handler=_status)
    d = verbs.add_parser("disconnect", help="remove the token from the keyring")
    d.set_defaults(handler=_disconnect)


def _connect(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.services.github import TOKEN_NAME, GithubError

    token = (sys.stdin.readline() if not sys.stdin.isatty()
             else __import__("getpass").getpass("GitHub token: ")).strip()
    if not token or any(ch.isspace() for ch in token) or len(token) > 500:
        raise UsageError("no valid token on stdin (one line, no spaces)")
    github = ctx.app.github
    try:
        login = github.verify(token)
    except GithubError as exc:
        raise UsageError(str(exc)) from None
    ctx.app.secrets.set(TOKEN_NAME, token)
    github.remember(login)
    print(f"connected to GitHub as {login}; `tracker-desktop github sync` fetches your "
          "activity (the tracker syncs every [ai] github_sync_hours)", file=ctx.out)
    return 0


def _sync(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.services.github import GithubError

    if not 1 <= args.days <= 3650:
        raise UsageError("--days must be 1 to 3650")
    try:
        result = ctx.app.github.sync(args.days)
    except GithubError as exc:
        print(f"tracker-desktop: {exc}", file=ctx.err)
        return 1
    if args.json:
        print(json.dumps(result.to_json()), file=ctx.out)
    else:
        print(f"{result.login}: {result.fetched} item(s) since {result.since.isoformat()}, "
              f"{result.new} new", file=ctx.out)
    return 0


def _status(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.services.github import TOKEN_NAME

    connected = bool(ctx.app.secrets.get(TOKEN_NAME))
    with ctx.app.store.uow() as u:
        count = u.ai.github_count()
        login = u.state.get("github.login")
        synced = u.state.get("github.synced")
    data = {"connected": connected, "login": None if login is None else login.value,
            "items": count, "last_sync": None if synced is None else synced.value}
    if args.json:
        print(json.dumps(data), file=ctx.out)
    else:
        print(f"GitHub: {'connected as ' + str(data['login']) if connected else 'not connected'}"
              f"; {count} item(s) stored; last sync {data['last_sync'] or 'never'}", file=ctx.out)
    return 0


def _disconnect(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.services.github import TOKEN_NAME

    ctx.app.secrets.delete(TOKEN_NAME)
    print("GitHub token removed from the keyring (synced items stay; `delete` removes data)",
          file=ctx.out)
    return 0
