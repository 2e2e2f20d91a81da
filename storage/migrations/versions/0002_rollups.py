"""Per-day rollups, the hours whose events changed since, and rollup bookkeeping.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollup_days",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("active_us", sa.BigInteger(), nullable=False),
        sa.Column("idle_us", sa.BigInteger(), nullable=False),
        sa.Column("break_us", sa.BigInteger(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("blocks", sa.Text(), nullable=False),
        sa.Column("computed_us", sa.BigInteger(), nullable=False),
        sa.Column("gen", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "rollup_dirty",
        sa.Column("hour", sa.BigInteger(), primary_key=True),
        sa.Column("gen", sa.Integer(), nullable=False),
    )
    op.create_table(
        "rollup_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rollup_meta")
    op.drop_table("rollup_dirty")
    op.drop_table("rollup_days")
