"""Every table of the schema, as SQLAlchemy 2 typed models, in one `Base.metadata`.

Alembic's env (storage/migrations/env.py) imports this package whole, so autogenerate and the
schema test (tests/integration/test_schema_matches_models.py) see every table: a new table's
module must be imported here.
"""

from __future__ import annotations

from .ai import AiResultRow, GithubItemRow
from .base import Base
from .events import EventRow, StateRow
from .focus import FocusProfileRow, FocusSessionRow
from .rollups import RollupDayRow, RollupDirtyRow, RollupMetaRow
from .tasks import TaskRow, TimeEntryRow
from .wakatime import WakaTimeHeartbeatRow

__all__ = ["Base", "AiResultRow", "GithubItemRow", "EventRow", "StateRow", "FocusSessionRow",
           "FocusProfileRow", "RollupDayRow", "RollupDirtyRow", "RollupMetaRow", "TaskRow",
           "TimeEntryRow", "WakaTimeHeartbeatRow"]
