"""Focus sessions and the focus profile (issue 8 part 2). The running session's state machine
is kept as JSON in `focus_sessions.state`, so the CLI and the tray act on the same session.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "focus_sessions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("started_us", sa.BigInteger(), nullable=False),
        sa.Column("ended_us", sa.BigInteger(), nullable=True),
        sa.Column("expected_us", sa.BigInteger(), nullable=True),
        sa.Column("actual_us", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("break_us", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("cycles", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("interruptions", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("completed", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("context", sa.Text(), nullable=False, server_default=""),
        sa.Column("task_id", sa.String(128), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False, server_default=""),
        sa.Column("state", sa.Text(), nullable=False),
    )
    op.create_index("ix_focus_sessions_ended", "focus_sessions", ["ended_us"])
    op.create_table(
        "focus_profiles",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("avg_focus_minutes", sa.Float(), nullable=False),
        sa.Column("avg_break_minutes", sa.Float(), nullable=False),
        sa.Column("avg_interruptions", sa.Float(), nullable=False),
        sa.Column("completion_ratio", sa.Float(), nullable=False),
        sa.Column("estimation_pct", sa.Float(), nullable=True),
        sa.Column("avg_score", sa.Float(), nullable=True),
        sa.Column("peak_hours", sa.Text(), nullable=False),
        sa.Column("peak_days", sa.Text(), nullable=False),
        sa.Column("focus_by_hour", sa.Text(), nullable=False),
        sa.Column("computed_us", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("focus_profiles")
    op.drop_index("ix_focus_sessions_ended", table_name="focus_sessions")
    op.drop_table("focus_sessions")
