"""Deleting the record (issue 10 item 7): a range of days (events cut at its bounds, time
entries likewise, focus sessions in it, the manual log; the rollups of those days rebuilt), or
everything (every table, and the secrets in the keyring). Each is one write transaction: a
refusal (the running timer or focus session in the range) changes nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable

from tracker_desktop.domain.tasks import TaskError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tracker_desktop.secrets import SecretStore
    from tracker_desktop.services.focus import FocusService
    from tracker_desktop.services.rollups import RollupService

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Deleted:
    rows: dict[str, int]
    days_rebuilt: int = 0
    secrets: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"rows": dict(self.rows), "days_rebuilt": self.days_rebuilt,
                "secrets": list(self.secrets)}


class DeleteService:
    def __init__(self, engine: Callable[[], Engine], rollups: Callable[[], RollupService],
                 focus: Callable[[], FocusService],
                 secrets: Callable[[], SecretStore]) -> None:
        self._engine = engine
        self._rollups = rollups
        self._focus = focus
        self._secrets = secrets

    def preview(self, start: datetime | None = None, end: datetime | None = None
                ) -> dict[str, int]:
        """The rows the deletion touches, for the confirmation text."""
        from storage import dump

        with self._engine().connect() as conn:
            return {t: dump.count(conn, t, start, end) for t in dump.TABLES
                    if t != "focus_profiles" and (start is None or t != "tasks")}

    def delete_range(self, first: date, last: date, start: datetime, end: datetime) -> Deleted:
        from sqlalchemy import text

        from storage import dump
        from storage.engine import writer

        with writer(self._engine()).begin() as conn:
            running = conn.execute(text(
                "SELECT id FROM focus_sessions WHERE ended_us IS NULL")).first()
            if running is not None:
                state = self._focus().status()
                if state.state is not None and state.state.started < end:
                    raise TaskError(f"focus session {running[0]} is running in that range: "
                                    "`focus stop` it first")
            rows = {"time_entries": dump.cut_entries(conn, start, end),
                    "events": dump.cut_events(conn, start, end),
                    "focus_sessions": dump.delete_focus(conn, start, end)}
        rollups = self._rollups()
        rollups.refresh(consume=True)
        days = rollups.rebuild(first, last).days
        if rows["focus_sessions"]:
            self._focus().recompute()
        logger.info("deleted %s between %s and %s", rows, first, last)
        return Deleted(rows, days)

    def delete_all(self) -> Deleted:
        from storage import dump
        from storage.engine import writer

        with writer(self._engine()).begin() as conn:
            rows = dump.clear(conn)
        secrets = self._secrets().delete_all()
        logger.info("deleted everything: %s rows, %s secret(s)", sum(rows.values()),
                       len(secrets))
        return Deleted(rows, 0, secrets)
