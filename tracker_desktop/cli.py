"""The `tracker-desktop` command. Each verb lives in tracker_desktop/commands/<verb>.py.

Exit codes: 0 success, 2 bad input or settings (with a message on stderr), 1 unexpected failure.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sqlite3
import sys
from pathlib import Path
from typing import TextIO

from tracker_desktop import __version__
from tracker_desktop.commands.base import Context, UsageError
from tracker_desktop.domain.clock import Clock, SystemClock

logger = logging.getLogger(__name__)

# Modules under tracker_desktop.commands; each has register(subparsers). They import what their
# verb needs inside its handler, so `--help` stays fast.
COMMAND_MODULES = ["run", "import_", "events", "status", "pause", "config_cmd", "report", "rebuild",
                   "focus", "task", "timer", "entry", "log", "export", "delete", "insights",
                   "ai", "github", "wakatime", "server", "sync", "native_host", "install",
                   "dashboard"]

__all__ = ["Context", "UsageError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tracker-desktop",
        description="Local-first activity tracker: records windows, AFK time and input counts "
                    "into a SQLite file that stays on this machine.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", type=Path, metavar="PATH",
                        help="where the database lives (env TRACKER_DATA_DIR; default: the "
                             "platform's user data dir)")
    parser.add_argument("--config", type=Path, metavar="PATH",
                        help="settings file, TOML (env TRACKER_CONFIG; default: the platform's "
                             "user config dir/config.toml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"tracker_desktop.commands.{name}").register(sub)
    return parser


def _database_problem(exc: Exception, ctx: Context) -> Exception | None:
    """An SQLite error met in the middle of a verb (a damaged page, a disk turned read-only) as a
    message, when it is one a person can act on; None for anything else (a bug: traceback)."""
    sa_exc = sys.modules.get("sqlalchemy.exc")  # loaded only if a verb wrote to the database
    settings = ctx.settings_loaded
    from_sqlalchemy = sa_exc is not None and isinstance(exc, sa_exc.DBAPIError)
    # The lean read path (storage/lite.py) meets the same errors as plain sqlite3 ones.
    if settings is None or not (from_sqlalchemy or isinstance(exc, sqlite3.DatabaseError)):
        return None
    from storage.files import explain

    return explain(exc, settings.db_path)


def main(argv: list[str] | None = None, *, clock: Clock | None = None,
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Past parsing (`--help` and usage errors exit there, before anything heavy is imported).
    from storage.files import DatabaseUnavailable
    from storage.schema import NewerSchema
    from tracker_desktop.config import ConfigError
    from tracker_desktop.domain.events import InvalidEvent

    ctx = Context(args, clock or SystemClock(), out or sys.stdout, err or sys.stderr)
    try:
        from tracker_desktop.logs import setup_logging

        # [logging] level sets the log file's level; -v shows everything on stderr too. A verb
        # that only reads does not load the settings just for this.
        to_file = getattr(args, "log_to_file", False)
        level = "DEBUG" if args.verbose else (ctx.settings.logging.level if to_file else "INFO")
        setup_logging(level, to_file=to_file, stderr_level="DEBUG" if args.verbose else "WARNING")
        return int(args.handler(args, ctx) or 0)
    except (UsageError, ConfigError, InvalidEvent, DatabaseUnavailable, NewerSchema) as exc:
        print(f"tracker-desktop: {exc}", file=ctx.err)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        reason = _database_problem(exc, ctx)
        if reason is None:
            raise
        print(f"tracker-desktop: {reason}", file=ctx.err)
        return 2
    finally:
        ctx.close()
