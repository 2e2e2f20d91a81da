"""`server`: run the leaderboard server (FastAPI on uvicorn) over SQLite or PostgreSQL."""

from __future__ import annotations

import argparse

from tracker_desktop.commands.base import Context


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "server", help="run the opt-in leaderboard server",
        description="Serve the leaderboard API (auth, daily aggregates, leaderboards, teams, "
                    "badges, privacy) on HTTP; OpenAPI at /openapi.json. Stateless: several "
                    "instances may serve one PostgreSQL database. Migrates the database first. "
                    "Env: TRACKER_SERVER_DATABASE_URL, TRACKER_SERVER_SECRET (JWT key; default: "
                    "one kept in the database), TRACKER_SERVER_IP_PER_MINUTE, "
                    "TRACKER_SERVER_USER_PER_MINUTE, TRACKER_SERVER_LOGIN_PER_MINUTE.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--database-url", metavar="URL",
                   help="sqlite:///path or postgresql+psycopg://user@host/db (env "
                        "TRACKER_SERVER_DATABASE_URL; default sqlite:///tracker-server.sqlite3)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.commands.base import UsageError

    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be 1-65535, not {args.port}")
    import uvicorn
    from sqlalchemy.exc import ArgumentError, OperationalError

    from sync.server.app import create_app
    from sync.server.settings import ServerSettings

    try:
        settings = ServerSettings.from_env(args.database_url)
        app = create_app(settings)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except ArgumentError as exc:
        raise UsageError(f"not a database URL: {exc}") from None
    except OperationalError as exc:
        raise UsageError(f"cannot open the database: {exc.orig}") from None
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0
