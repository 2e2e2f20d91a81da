"""The FastAPI application, built by `create_app(settings)`: engine, keys and routes are made
here, never at import time."""

from __future__ import annotations

from fastapi import FastAPI

from .api import router
from .db import make_engine, migrate, session_factory
from .settings import ServerSettings
from .state import ServerState


def create_app(settings: ServerSettings | None = None, *, run_migrations: bool = True) -> FastAPI:
    settings = settings or ServerSettings.from_env()
    engine = make_engine(settings.database_url)
    if run_migrations:
        migrate(engine)
    state = ServerState(settings, engine, session_factory(engine))
    # Made now, not by the first request: reading the keys touches the database, and the
    # dependencies that use them run on the event loop.
    state.tokens, state.limiter, state.reader  # noqa: B018
    app = FastAPI(title="tracker-desktop leaderboard", version="1",
                  description="Opt-in daily aggregates, leaderboards, teams and badges.")
    app.state.server = state
    app.include_router(router)
    return app
