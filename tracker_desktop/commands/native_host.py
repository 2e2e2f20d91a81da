"""`native-host`: the native-messaging host the browser extension (and the VS Code extension)
talk to over stdin/stdout (docs/native-messaging.md)."""

from __future__ import annotations

import argparse
import logging

from tracker_desktop.commands.base import Context

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "native-host", help="the browser/editor extensions' host (native messaging on stdio)",
        description="Speak native messaging on stdin/stdout: record the extensions' heartbeats "
                    "into the database, answer their queries and push focus-mode changes. "
                    "Browsers start it through the launcher `tracker-desktop install` writes; "
                    "the VS Code extension spawns it. Exits when stdin closes.")
    # Chrome passes the caller's origin (and on Windows --parent-window=N), Firefox the manifest
    # path and the extension id: accepted, only logged. The database never comes from them.
    p.add_argument("caller", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(handler=_run, creates_database=True, log_to_file=True)


def _run(args: argparse.Namespace, ctx: Context) -> int:
    import sys

    from storage.files import prepare_database
    from tracker_desktop.app import App, Store
    from tracker_desktop.native.host import NativeHost

    logger.info("native host started by %s", " ".join(args.caller)[:300] or "a direct call")
    settings = ctx.settings
    # Not ctx.app: that opens SQLAlchemy and checks migrations before the first reply. The
    # browser starts a host on every connect, so the database engine waits for a write (a
    # database that needs migrating gets it on the first read).
    prepare_database(settings.db_path, create=True)
    app = App(settings, ctx.clock, Store(settings.db_path, migrate_apart=True))
    # Our own buffered stdout (PYTHONUNBUFFERED or -u would make every reply a system call):
    # the host flushes whenever it is about to wait for input.
    out = open(sys.stdout.fileno(), "wb", buffering=1 << 16, closefd=False)
    try:
        return NativeHost(app, sys.stdin.buffer, out).run()
    finally:
        app.close()
