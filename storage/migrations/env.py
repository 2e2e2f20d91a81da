"""Alembic environment: runs on the connection the application hands over (see storage.engine).

`storage.models` is imported whole: its `__init__` imports every table's module, so autogenerate
compares against the complete schema and never proposes dropping a table it did not see.
"""

from alembic import context
from sqlalchemy import create_engine

import storage.models

config = context.config
target_metadata = storage.models.Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")  # the developer's alembic.ini (see its header)
    if url is None:
        raise RuntimeError("no sqlalchemy.url in the Alembic config")
    engine = create_engine(url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
