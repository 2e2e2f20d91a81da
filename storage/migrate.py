"""`python -m storage.migrate DB`: bring one database to the newest schema and exit.

What the long-lived processes run as a child (`engine.migrate(..., separate_process=True)`), so
Alembic and the migration's memory leave with it. Exit 0 when the schema is current, 3
(NEWER_SCHEMA_EXIT) when a newer version wrote it, 1 otherwise; the last line on stderr says why.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from sqlalchemy.exc import DBAPIError

    from .engine import NEWER_SCHEMA_EXIT, create_sqlite_engine, migrate
    from .files import explain
    from .schema import NewerSchema

    if len(argv) != 1:
        print("usage: python -m storage.migrate DATABASE", file=sys.stderr)
        return 2
    engine = create_sqlite_engine(argv[0])
    try:
        migrate(engine)
    except NewerSchema as exc:
        print(exc, file=sys.stderr)
        return NEWER_SCHEMA_EXIT
    except Exception as exc:  # noqa: BLE001 - the parent gets the why, on the last line
        import traceback

        traceback.print_exc()
        known = explain(exc, Path(argv[0])) if isinstance(exc, DBAPIError) else None
        print(str(known or exc).strip().splitlines()[0], file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
