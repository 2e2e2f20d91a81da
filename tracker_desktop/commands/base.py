"""What every verb gets: the parsed arguments, the clock, the output streams and the app (typed
services over the database, opened on first use), and the one error a verb raises for bad input."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, TextIO

from tracker_desktop.domain.clock import Clock, SystemClock

if TYPE_CHECKING:  # imported when first used: `--help` must not pay for them
    from tracker_desktop.app import App, Store
    from tracker_desktop.config import Settings

# Verbs that record something, so they may start a new database. The others only read: on a
# mistyped --data-dir they must say there is nothing there, not create an empty database.
# A verb with subcommands marks the recording ones with `set_defaults(creates_database=True)`.
CREATING_VERBS = frozenset({"run", "import", "pause", "resume"})


class UsageError(Exception):
    """A problem with what the user asked for; printed without a traceback, exit code 2."""


@dataclass
class Context:
    args: argparse.Namespace
    clock: Clock = field(default_factory=SystemClock)
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _settings: Settings | None = None
    _app: App | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from tracker_desktop.config import resolve_settings

            self._settings = resolve_settings(self.args.config, self.args.data_dir)
        return self._settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self._settings = value

    @property
    def app(self) -> App:
        """The typed services over the opened (and migrated) database."""
        if self._app is None:
            from storage.schema import NewerSchema
            from storage.files import DatabaseUnavailable
            from tracker_desktop.app import build_app

            try:
                self._app = build_app(self.settings, self.clock,
                                      create=self.args.command in CREATING_VERBS
                                      or getattr(self.args, "creates_database", False),
                                      migrate_apart=getattr(self.args, "long_lived", False))
            except (NewerSchema, DatabaseUnavailable) as exc:
                raise UsageError(str(exc)) from None
        return self._app

    @property
    def tz(self) -> tzinfo:
        """The analysis time zone (`[analysis] timezone`, else TZ, else the system's): times a
        person types or reads are in it, as in `report`. Needs the settings, not the database."""
        if self._app is not None:
            return self._app.analysis.tz
        from tracker_desktop.services.analysis_setup import build_setup

        return build_setup(self.settings.analysis).tz

    @property
    def store(self) -> Store:
        return self.app.store

    def close(self) -> None:
        if self._app is not None:
            self._app.close()
            self._app = None

    @property
    def settings_loaded(self) -> Any:
        """The settings if they were read already (None otherwise): for error messages."""
        return self._settings
