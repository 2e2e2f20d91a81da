"""Alembic environment of the leaderboard server: runs on the connection `sync.server.db.migrate`
hands over (never on the desktop's database)."""

from alembic import context

from sync.server.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run through sync.server.db.migrate")
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
