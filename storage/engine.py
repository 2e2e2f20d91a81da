"""The SQLite engine: WAL, busy timeout, immediate write transactions, migrations at start-up.

Several processes (tray app, browser and editor native hosts, the CLI) write the same file.
WAL lets readers run beside one writer; `BEGIN IMMEDIATE` for writes takes the write lock up
front so two writers queue on busy_timeout instead of failing with SQLITE_BUSY on lock upgrade.
"""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from .files import DatabaseUnavailable
from .schema import MIGRATIONS_DIR, NewerSchema, script_head, script_revisions, stored_revision

if TYPE_CHECKING:  # Alembic is imported only when a migration must run (start-up time)
    from alembic.config import Config

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
__all__ = ["MIGRATIONS_DIR", "BUSY_TIMEOUT_MS", "MigrationFailed", "NewerSchema",
           "create_sqlite_engine", "migrate", "open_database", "script_head", "script_revisions",
           "writer"]


def __getattr__(name: str) -> str:
    # HEAD_REVISION was a constant bumped by hand; kept as a name for code that still reads it.
    if name == "HEAD_REVISION":
        return script_head()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _configure(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def create_sqlite_engine(path: Path | str) -> Engine:
    """An engine on the SQLite file at `path` (created with its directory if missing).

    A new directory is 0700 and a new database file 0600 (SQLite gives -wal/-shm the same mode):
    the record holds every window title and URL.
    """
    from storage.files import create_private_file, private_dir

    if str(path) == ":memory:":
        raise ValueError("use a file: the tracker shares its database between processes")
    db_path = Path(path)
    private_dir(db_path.parent)
    create_private_file(db_path)
    engine = create_engine(
        f"sqlite:///{db_path}",
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    _configure(engine)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions start with BEGIN IMMEDIATE."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", str(engine.url))
    return cfg


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database was migrated to (None: never); see schema.stored_revision."""
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)  # the pysqlite driver: create_sqlite_engine
        return stored_revision(raw)


NEWER_SCHEMA_EXIT = 3  # `python -m storage.migrate`: the database is newer than this version
MIGRATION_TIMEOUT_S = 1800


class MigrationFailed(DatabaseUnavailable):
    """The migration run in its own process failed; the message is its last words."""


def migrate(engine: Engine, *, separate_process: bool = False) -> None:
    """Bring the schema to the newest revision; several processes may start at once.

    `separate_process`: run Alembic in a short-lived child (`python -m storage.migrate`) rather
    than in this process. The long-lived ones (the tracker, the native hosts) use it: importing
    Alembic and running the migration costs ~17-20 MB that would otherwise stay with them all day
    after the first start on a new version (a host's RSS target is 60 MB; it peaked at 73).
    """
    head = script_head()
    if current_revision(engine) == head:
        return
    if separate_process:
        _migrate_in_child(Path(engine.url.database or ""))
        if current_revision(engine) != head:
            raise MigrationFailed(f"{engine.url.database} is still not at schema {head} after "
                                  "its migration")
        return
    from alembic import command

    db_file = Path(engine.url.database or "")
    with FileLock(str(db_file) + ".migrate.lock", timeout=120):
        current = current_revision(engine)
        if current == head:
            return
        if current is not None and current not in script_revisions():
            raise NewerSchema(
                f"{db_file} was written by a newer tracker-desktop (database schema {current}; "
                f"this version knows up to {head}). Upgrade tracker-desktop, or use another "
                "--data-dir.")
        logger.info("migrating %s from %s to %s", db_file, current, head)
        cfg = _alembic_config(engine)
        with writer(engine).begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def _migrate_in_child(db_file: Path) -> None:
    try:
        done = subprocess.run([sys.executable, "-m", "storage.migrate", str(db_file)],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=MIGRATION_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise MigrationFailed(f"migrating {db_file} did not finish within "
                              f"{MIGRATION_TIMEOUT_S // 60} minutes") from None
    if done.returncode == 0:
        return
    lines = done.stderr.strip().splitlines()
    message = lines[-1] if lines else f"exit code {done.returncode}"
    if len(lines) > 1:
        logger.error("the migration of %s failed:\n%s", db_file, done.stderr.strip())
    if done.returncode == NEWER_SCHEMA_EXIT:
        raise NewerSchema(message)
    raise MigrationFailed(f"migrating {db_file} failed: {message}")


def open_database(path: Path | str, *, migrate_apart: bool = False) -> Engine:
    """Create the engine and run pending migrations: what every process does at start-up
    (`migrate_apart`: in a child process, see `migrate`)."""
    engine = create_sqlite_engine(path)
    migrate(engine, separate_process=migrate_apart)
    return engine
