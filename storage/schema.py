"""Which schema revision the migration scripts lead to, read from the files (standard library
only: the start-up check of a current database imports neither Alembic nor SQLAlchemy)."""

from __future__ import annotations

import re
import sqlite3
from functools import cache
from pathlib import Path

class NewerSchema(RuntimeError):
    """The database was migrated by a newer version than this one; it must not be touched."""


MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# `revision = "0003"` / `down_revision = "0002"` (or a tuple of them, for a merge) at the start
# of a line of a migration script, as Alembic's template writes them.
_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


@cache
def script_revisions() -> dict[str, tuple[str, ...]]:
    """Each migration script's revision -> the revisions it follows, read from the files with a
    regex: the start-up check of a current database must not import Alembic (~85 ms and 12 MB of
    every CLI call and native-host start), and a constant bumped by hand gets forgotten."""
    out: dict[str, tuple[str, ...]] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = {k: _QUOTED.findall(v) for k, v in _REVISION_LINE.findall(path.read_text("utf-8"))}
        if len(found.get("revision", ())) != 1:
            raise RuntimeError(f"{path.name}: no `revision = \"...\"` line")
        out[found["revision"][0]] = tuple(found.get("down_revision", ()))
    return out


@cache
def script_head() -> str:
    """The newest revision of the migration scripts (the one no other script follows)."""
    revisions = script_revisions()
    heads = set(revisions) - {d for downs in revisions.values() for d in downs}
    if len(heads) != 1:
        raise RuntimeError(f"migration scripts have {len(heads)} heads ({sorted(heads)}): merge them")
    return heads.pop()


def stored_revision(conn: sqlite3.Connection) -> str | None:
    """The revision a database was migrated to (None: never migrated)."""
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    return None if row is None else str(row[0])
