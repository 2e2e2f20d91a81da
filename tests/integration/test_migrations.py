"""Migrations: a fresh file reaches the head; the fast start-up check knows the real head."""

import sqlite3

from storage.engine import HEAD_REVISION, create_sqlite_engine, current_revision, head_revision, open_database


def test_head_constant_matches_the_newest_migration(tmp_path):
    engine = create_sqlite_engine(tmp_path / "t.sqlite3")
    assert head_revision(engine) == HEAD_REVISION
    engine.dispose()


def test_a_fresh_database_is_migrated_to_head_in_wal_mode(tmp_path):
    path = tmp_path / "t.sqlite3"
    engine = open_database(path)
    assert current_revision(engine) == HEAD_REVISION
    engine.dispose()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"events", "state", "alembic_version"} <= tables
    assert "ix_events_source_start" in indexes


def test_an_old_database_is_upgraded_at_start_up(tmp_path):
    from alembic import command

    from storage.engine import _alembic_config, writer

    path = tmp_path / "old.sqlite3"
    engine = create_sqlite_engine(path)
    cfg = _alembic_config(engine)
    with writer(engine).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with writer(engine).begin() as conn:
        conn.exec_driver_sql("INSERT INTO events (source, start_us, duration_us, data, counts) "
                             "VALUES ('window', 0, 1000000, '{}', '{}')")
    engine.dispose()
    engine = open_database(path)
    assert current_revision(engine) == HEAD_REVISION
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar() == 1
    engine.dispose()


def test_a_database_from_a_newer_version_is_a_clear_error_not_a_traceback(tmp_path, cli, data_dir):
    open_database(data_dir / "tracker.sqlite3").dispose()
    with sqlite3.connect(data_dir / "tracker.sqlite3") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    code, out, err = cli("events")
    assert code == 2 and out == ""
    assert "was written by a newer tracker-desktop (database schema 0099;" in err
    assert "Traceback" not in err
