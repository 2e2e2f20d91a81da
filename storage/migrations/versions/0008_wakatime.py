"""The local WakaTime API's received heartbeats: dedupe keys, times, editors, what each
became (issue 13).

Revision ID: 0008
Revises: 0006 (the lead re-chains it after 0006 and 0007 at merge time)
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wakatime_heartbeats",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("time_us", sa.BigInteger(), nullable=False),
        sa.Column("received_us", sa.BigInteger(), nullable=False),
        sa.Column("editor", sa.String(64), nullable=False, server_default=""),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False, server_default="{}"),
    )
    op.create_index("ix_wakatime_heartbeats_editor", "wakatime_heartbeats",
                    ["editor", "received_us"])
    op.create_index("ix_wakatime_heartbeats_time", "wakatime_heartbeats", ["time_us"])


def downgrade() -> None:
    op.drop_index("ix_wakatime_heartbeats_time", table_name="wakatime_heartbeats")
    op.drop_index("ix_wakatime_heartbeats_editor", table_name="wakatime_heartbeats")
    op.drop_table("wakatime_heartbeats")
