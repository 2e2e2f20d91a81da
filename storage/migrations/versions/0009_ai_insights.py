"""AI insights and daily plans, and synced GitHub activity (issue 11).

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ai_results",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("model", sa.String(100), nullable=True),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("kind", "day", "source", name="uq_ai_results_kind_day_source"),
    )
    op.create_index("ix_ai_results_hash", "ai_results", ["input_hash"])
    op.create_table(
        "github_items",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=False),
        sa.Column("repo", sa.String(200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("state", sa.String(32), nullable=False, server_default=""),
        sa.Column("occurred_us", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("kind", "external_id", name="uq_github_items_kind_id"),
    )
    op.create_index("ix_github_items_occurred", "github_items", ["occurred_us"])


def downgrade() -> None:
    op.drop_index("ix_github_items_occurred", table_name="github_items")
    op.drop_table("github_items")
    op.drop_index("ix_ai_results_hash", table_name="ai_results")
    op.drop_table("ai_results")
