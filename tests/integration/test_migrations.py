"""Migrations: a fresh file reaches the head, the models match what the migrations build, the
fast start-up check knows the real head, and old databases carry their state forward."""

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import storage.models
from storage.engine import (
    HEAD_REVISION,
    _alembic_config,
    create_sqlite_engine,
    current_revision,
    head_revision,
    open_database,
    script_head,
    script_revisions,
    writer,
)

HOUR_US = 3_600_000_000


def _upgrade(path: Path, to: str, down: bool = False) -> None:
    engine = create_sqlite_engine(path)
    cfg = _alembic_config(engine)
    with writer(engine).begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, to)
    engine.dispose()


def test_the_head_read_from_the_scripts_is_alembics_head(tmp_path):
    engine = create_sqlite_engine(tmp_path / "t.sqlite3")
    assert script_head() == head_revision(engine) == HEAD_REVISION
    engine.dispose()
    revisions = script_revisions()
    assert revisions["0001"] == () and revisions["0002"] == ("0001",)
    assert len(revisions) == len(list((Path(storage.models.__file__).parents[1] / "migrations"
                                       / "versions").glob("*.py")))


def test_the_models_match_the_migrated_schema(tmp_path):
    """What autogenerate would write for a new migration right now: nothing. A table or index
    added to the models without a migration (or the reverse) fails here."""
    engine = open_database(tmp_path / "t.sqlite3")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), storage.models.Base.metadata)
    engine.dispose()
    assert diff == []


def test_a_fresh_database_is_migrated_to_head_in_wal_mode(tmp_path):
    path = tmp_path / "t.sqlite3"
    engine = open_database(path)
    assert current_revision(engine) == script_head()
    engine.dispose()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = {t: {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = ?", (t,))}
                 for t in ("table", "index", "trigger")}
    assert {"events", "state", "rollup_days", "rollup_dirty", "rollup_meta", "alembic_version"} <= names["table"]
    assert {"ix_events_source_start", "ix_events_source_duration"} <= names["index"]
    assert names["trigger"] == {"events_rollup_insert", "events_rollup_update", "events_rollup_delete"}


def test_an_old_database_is_upgraded_at_start_up(tmp_path):
    path = tmp_path / "old.sqlite3"
    _upgrade(path, "0001")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO events (source, start_us, duration_us, data, counts) "
                     "VALUES ('window', 0, 1000000, '{}', '{}')")
    engine = open_database(path)
    assert current_revision(engine) == script_head()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar() == 1
    engine.dispose()


def test_0003_keeps_pending_marks_and_turns_rows_past_the_watermark_into_marks(tmp_path):
    path = tmp_path / "old.sqlite3"
    _upgrade(path, "0002")
    with sqlite3.connect(path) as conn:
        for hour in (10, 20, 30):
            conn.execute("INSERT INTO events (source, start_us, duration_us) VALUES ('w', ?, ?)",
                         (hour * HOUR_US, HOUR_US + 1))
        conn.execute("INSERT INTO rollup_meta VALUES ('watermark', '1'), ('span', '[0, 1]')")
        conn.execute("INSERT INTO rollup_dirty VALUES (5, 3)")  # a pending mark of 0002
    _upgrade(path, "head")
    with sqlite3.connect(path) as conn:
        marks = conn.execute("SELECT first_hour, last_hour, gen FROM rollup_dirty ORDER BY 1").fetchall()
        meta = dict(conn.execute("SELECT key, value FROM rollup_meta").fetchall())
    # Event 1 was seen by the watermark; 2 and 3 were added since without a mark.
    assert marks == [(5, 5, 3), (20, 21, 1), (30, 31, 1)]
    assert meta == {"span": "[0, 1]"}

    _upgrade(path, "0002", down=True)  # and back: spans become hours again, the watermark is past every row
    with sqlite3.connect(path) as conn:
        hours = conn.execute("SELECT hour FROM rollup_dirty ORDER BY 1").fetchall()
        meta = dict(conn.execute("SELECT key, value FROM rollup_meta").fetchall())
        triggers = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    assert [h for (h,) in hours] == [5, 20, 21, 30, 31]
    assert meta["watermark"] == "3" and triggers == []


def test_0004_gives_old_rows_this_machines_empty_device_and_keeps_the_triggers(tmp_path):
    path = tmp_path / "old.sqlite3"
    _upgrade(path, "0003")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO events (source, start_us, duration_us) VALUES ('w', 0, 1)")
        conn.execute("DELETE FROM rollup_dirty")
    _upgrade(path, "0004")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT device FROM events").fetchall() == [("",)]
        conn.execute("INSERT INTO events (source, start_us, duration_us, device) "
                     "VALUES ('w', ?, 1, 'laptop')", (10 * HOUR_US,))
        assert conn.execute("SELECT first_hour FROM rollup_dirty").fetchall() == [(10,)]
    _upgrade(path, "0003", down=True)
    with sqlite3.connect(path) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(events)")]
        triggers = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()
    assert "device" not in columns and columns[-1] == "counts" and triggers == (3,)


def test_a_database_from_a_newer_version_is_a_clear_error_not_a_traceback(tmp_path, cli, data_dir):
    open_database(data_dir / "tracker.sqlite3").dispose()
    with sqlite3.connect(data_dir / "tracker.sqlite3") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    code, out, err = cli("events")
    assert code == 2 and out == ""
    assert "was written by a newer tracker-desktop (database schema 0099;" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("text, heads", [
    ('revision = "a"\ndown_revision = None\n', {"a"}),
    ('revision: str = "b"\ndown_revision: str | None = "a"\n', {"b"}),
])
def test_the_revision_lines_alembic_templates_write_are_understood(tmp_path, monkeypatch, text, heads):
    import storage.schema as engine_module

    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "a.py").write_text('"""a"""\nrevision = "a"\ndown_revision = None\n')
    (versions / "x.py").write_text(text)
    monkeypatch.setattr(engine_module, "MIGRATIONS_DIR", tmp_path)
    script_revisions.cache_clear()
    script_head.cache_clear()
    try:
        assert {script_head()} == heads
    finally:
        script_revisions.cache_clear()
        script_head.cache_clear()


def test_a_long_lived_process_migrates_in_a_child_and_never_loads_alembic(tmp_path):
    """The tracker and the native hosts: an old database is brought to the head by
    `python -m storage.migrate` in a child, so Alembic is never imported into them."""
    import subprocess
    import sys

    db = tmp_path / "old.sqlite3"
    _upgrade(db, "0002")
    script = (
        "import sys\n"
        "from storage.engine import current_revision, open_database, script_head\n"
        f"engine = open_database({str(db)!r}, migrate_apart=True)\n"
        "assert current_revision(engine) == script_head(), current_revision(engine)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    engine = create_sqlite_engine(db)
    assert current_revision(engine) == script_head()
    engine.dispose()


def test_a_child_migration_that_fails_says_why_in_the_parent(tmp_path):
    from storage.engine import MigrationFailed, NewerSchema

    newer = tmp_path / "newer.sqlite3"
    open_database(newer).dispose()
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(NewerSchema, match="was written by a newer tracker-desktop"):
        open_database(newer, migrate_apart=True)
    broken = tmp_path / "broken.sqlite3"
    _upgrade(broken, "0002")
    with sqlite3.connect(broken) as conn:  # a table the next migration creates, already there
        conn.execute("CREATE TABLE focus_sessions (x)")
    with pytest.raises(MigrationFailed, match="migrating .*broken.sqlite3 failed: .*focus_sessions"):
        open_database(broken, migrate_apart=True)
