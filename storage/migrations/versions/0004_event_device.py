"""Events carry the device they were recorded on (issue 7 item 5: several machines).

Existing rows get "" ("this machine"), not the host name: a migration cannot know the
`[tracking] device` setting, and a database copied to another machine should not be renamed by
it. Readers resolve "" to this machine's device name. No index: range scans by (source, start)
serve every device, and the rows of one day hold a handful of devices at most.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN with a constant default is a schema-only change in SQLite (no table rewrite),
    # and leaves the rollup triggers on `events` untouched.
    op.add_column("events", sa.Column("device", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+): a batch copy of the table would drop the rollup triggers.
    op.drop_column("events", "device")
