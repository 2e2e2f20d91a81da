"""Rollups invalidated by triggers on `events`: no writer can forget to mark what it changed.

`rollup_dirty` becomes spans of hours (first_hour, last_hour): SQLite triggers cannot expand a
span into its hours (no WITH/CTE in a trigger), so RollupService.refresh() does. Each INSERT,
UPDATE (the old row and the new) and DELETE on `events` upserts its span; `gen` grows on every
mark, so a refresh deletes a mark only if no newer change arrived after it read it. Pending hour
marks carry over; rows added since the old event-id watermark become marks, and the watermark goes.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

HOUR_US = 3_600_000_000


def _hour(us: str) -> str:
    """floor(us / hour) in SQL: SQLite's integer division truncates toward zero, and days
    before 1970 (reports reach back to 1900) have negative times."""
    return f"(({us}) - (({us}) < 0) * {HOUR_US - 1}) / {HOUR_US}"


def _span(row: str) -> tuple[str, str]:
    # An event [start, end) touches the hours of start .. end - 1 µs; a zero-length one its start's.
    start = f"{row}.start_us"
    end = f"max({row}.start_us + {row}.duration_us, {row}.start_us + 1) - 1"
    return _hour(start), _hour(end)


def _mark(row: str, where: str = "") -> str:
    first, last = _span(row)
    # INSERT ... SELECT with a WHERE: SQLite needs the WHERE before ON CONFLICT to parse an upsert.
    return (f"INSERT INTO rollup_dirty (first_hour, last_hour, gen) "
            f"SELECT {first}, {last}, 1 WHERE {where or 'true'} "
            f"ON CONFLICT (first_hour, last_hour) DO UPDATE SET gen = gen + 1;")


def _differs() -> str:
    (of, ol), (nf, nl) = _span("OLD"), _span("NEW")
    return f"({nf}) <> ({of}) OR ({nl}) <> ({ol})"


TRIGGERS = {
    "events_rollup_insert": f"AFTER INSERT ON events BEGIN {_mark('NEW')} END",
    # The old span (the day it left) and the new one when it differs (a day it reached).
    "events_rollup_update": f"AFTER UPDATE ON events BEGIN {_mark('OLD')} {_mark('NEW', _differs())} END",
    "events_rollup_delete": f"AFTER DELETE ON events BEGIN {_mark('OLD')} END",
}


def upgrade() -> None:
    op.create_table(
        "rollup_dirty_spans",
        sa.Column("first_hour", sa.BigInteger(), nullable=False, autoincrement=False),
        sa.Column("last_hour", sa.BigInteger(), nullable=False, autoincrement=False),
        sa.Column("gen", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("first_hour", "last_hour"),
    )
    op.execute("INSERT INTO rollup_dirty_spans (first_hour, last_hour, gen) "
               "SELECT hour, hour, gen FROM rollup_dirty")
    # Rows another writer added without a mark since the last refresh were found through the
    # event-id watermark; they become marks now, since nothing will look at the watermark again.
    first, last = _span("events")
    op.execute(
        f"INSERT INTO rollup_dirty_spans (first_hour, last_hour, gen) "
        f"SELECT DISTINCT {first}, {last}, 1 FROM events "
        f"WHERE events.id > (SELECT CAST(value AS INTEGER) FROM rollup_meta WHERE key = 'watermark') "
        f"ON CONFLICT (first_hour, last_hour) DO UPDATE SET gen = gen + 1")
    op.execute("DELETE FROM rollup_meta WHERE key = 'watermark'")
    op.drop_table("rollup_dirty")
    op.rename_table("rollup_dirty_spans", "rollup_dirty")
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.create_table(
        "rollup_dirty_hours",
        sa.Column("hour", sa.BigInteger(), primary_key=True),
        sa.Column("gen", sa.Integer(), nullable=False),
    )
    # Each span back to its hours (a span longer than a year keeps its first year: the old schema
    # could not hold more either), and a watermark past every row, since all changes are marked.
    op.execute(
        "WITH RECURSIVE h(hour, last_hour, gen) AS ("
        " SELECT first_hour, min(last_hour, first_hour + 24 * 366 - 1), gen FROM rollup_dirty"
        " UNION ALL SELECT hour + 1, last_hour, gen FROM h WHERE hour < last_hour) "
        "INSERT INTO rollup_dirty_hours (hour, gen) SELECT hour, max(gen) FROM h GROUP BY hour")
    op.execute("INSERT OR REPLACE INTO rollup_meta (key, value) "
               "SELECT 'watermark', CAST(coalesce(max(id), 0) AS TEXT) FROM events")
    op.drop_table("rollup_dirty")
    op.rename_table("rollup_dirty_hours", "rollup_dirty")
