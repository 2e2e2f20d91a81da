"""Tasks and time entries (issue 10). The running timer is the entry with end_us NULL.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("due", sa.String(10), nullable=True),
        sa.Column("tags", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("estimate_hours", sa.Float(), nullable=True),
        sa.Column("project", sa.String(128), nullable=True),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("updated_us", sa.BigInteger(), nullable=False),
        sa.Column("completed_us", sa.BigInteger(), nullable=True),
    )
    op.create_index("ix_tasks_status", "tasks", ["status"])
    op.create_table(
        "time_entries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.Column("start_us", sa.BigInteger(), nullable=False),
        sa.Column("end_us", sa.BigInteger(), nullable=True),
        sa.Column("paused_us", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("pauses", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("source", sa.String(16), nullable=False),
    )
    op.create_index("ix_time_entries_start", "time_entries", ["start_us"])
    op.create_index("ix_time_entries_end", "time_entries", ["end_us"])
    op.create_index("ix_time_entries_task", "time_entries", ["task_id"])


def downgrade() -> None:
    op.drop_index("ix_time_entries_task", table_name="time_entries")
    op.drop_index("ix_time_entries_end", table_name="time_entries")
    op.drop_index("ix_time_entries_start", table_name="time_entries")
    op.drop_table("time_entries")
    op.drop_index("ix_tasks_status", table_name="tasks")
    op.drop_table("tasks")
