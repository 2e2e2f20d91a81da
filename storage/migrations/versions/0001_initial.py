"""Events and shared state.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("start_us", sa.BigInteger(), nullable=False),
        sa.Column("duration_us", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("counts", sa.Text(), nullable=False, server_default="{}"),
    )
    op.create_index("ix_events_source_start", "events", ["source", "start_us"])
    op.create_index("ix_events_source_duration", "events", ["source", "duration_us"])
    op.create_table(
        "state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_us", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("state")
    op.drop_index("ix_events_source_duration", "events")
    op.drop_index("ix_events_source_start", "events")
    op.drop_table("events")
