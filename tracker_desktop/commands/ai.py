"""`ai`: the Anthropic API key (OS keyring) and a preview of exactly what would be sent."""

from __future__ import annotations

import argparse
import json
import sys

from tracker_desktop.commands.base import Context, UsageError

MAX_KEY = 500


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("ai", help="the Anthropic API key and what is sent to it",
                       description="Insights and plans use Claude when an API key is set "
                                   "(else local heuristics). Nothing is sent except what `ai "
                                   "preview` shows: by default aggregates only ([ai] privacy).")
    verbs = p.add_subparsers(dest="ai_verb", metavar="VERB", required=True)
    setk = verbs.add_parser("set-key", help="store the API key in the OS keyring (from stdin)",
                            description="Reads the key from stdin (one line) and stores it in "
                                        "the OS keyring. ANTHROPIC_API_KEY, when set, wins.")
    setk.set_defaults(handler=_set_key)
    forget = verbs.add_parser("forget-key", help="remove the stored API key")
    forget.set_defaults(handler=_forget_key)
    status = verbs.add_parser("status", help="whether a key is set, the model, the privacy level")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=_status)
    prev = verbs.add_parser("preview", help="print exactly the request that would be sent",
                            description="Prints the Messages API request (JSON) that `insights` "
                                        "(or `plan` with --kind plan) would send for the day. "
                                        "Nothing is sent.")
    prev.add_argument("--date", metavar="D", help="YYYY-MM-DD, today, yesterday, tomorrow")
    prev.add_argument("--kind", choices=("analysis", "plan"), default="analysis")
    prev.set_defaults(handler=_preview)


def _secrets(ctx: Context):  # type: ignore[no-untyped-def]
    from tracker_desktop.secrets import SecretStore

    assert ctx.settings.data_dir is not None
    return SecretStore(ctx.settings.data_dir)


def _set_key(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.services.ai import KEY_NAME

    if sys.stdin.isatty():
        import getpass

        key = getpass.getpass("Anthropic API key: ")
    else:
        key = sys.stdin.readline()
    key = key.strip()
    if not key:
        raise UsageError("no key given on stdin")
    if len(key) > MAX_KEY or any(c.isspace() or not c.isprintable() for c in key):
        raise UsageError("that does not look like an API key (one line, no spaces)")
    _secrets(ctx).set(KEY_NAME, key)
    print("API key stored in the keyring", file=ctx.out)
    return 0


def _forget_key(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.services.ai import KEY_NAME

    _secrets(ctx).delete(KEY_NAME)
    print("API key removed from the keyring", file=ctx.out)
    return 0


def _status(args: argparse.Namespace, ctx: Context) -> int:
    import os

    from tracker_desktop.services.ai import ENV_KEY, KEY_NAME

    env = bool(os.environ.get(ENV_KEY, "").strip())
    stored = bool(_secrets(ctx).get(KEY_NAME))
    s = ctx.settings.ai
    source: str | None = "environment" if env else "keyring" if stored else None
    data = {"key": source,
            "use_claude": s.use_claude, "model": s.model, "privacy": s.privacy,
            "exclude": s.exclude, "analysis_time": s.analysis_time, "plan_time": s.plan_time}
    if args.json:
        print(json.dumps(data), file=ctx.out)
    else:
        key = {"environment": f"from {ENV_KEY}", "keyring": "in the keyring",
               None: "none (insights and plans are local)"}[source]
        print(f"API key: {key}\nmodel: {s.model}{'' if s.use_claude else ' (off: use_claude = false)'}"
              f"\nprivacy: {s.privacy}\ndaily analysis at {s.analysis_time}, plan at "
              f"{s.plan_time}", file=ctx.out)
    return 0


def _preview(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.commands.insights import _day

    day = _day(args.date, ctx)
    print(json.dumps(ctx.app.ai.preview(args.kind, day), indent=2, ensure_ascii=False),
          file=ctx.out)
    return 0
