"""Importers for other trackers' histories and for heartbeat files: `tracker-desktop import`.

`jsonl` (the default) is heartbeats, one JSON object a line, merged by the live rule (`jsonl.py`).
FORMATS maps every other `--format` name to an Importer (`base.py`: the protocol, `run_import`,
the summary and errors), each in its own module. Everything streams: memory stays flat whatever
the file's size, and each import is one transaction (all or nothing).
"""

from __future__ import annotations

from tracker_desktop.domain.heartbeat import PulsedHeartbeat

from .activitywatch import ActivityWatchImporter
from .base import BadImportLines, Importer, ImportFormatError, ImportSummary, Progress, run_import
from .jsonl import ImportResult, import_heartbeats, import_jsonl
from .wakatime import WakaTimeImporter

FORMATS: dict[str, Importer] = {"activitywatch": ActivityWatchImporter(), "wakatime": WakaTimeImporter()}

__all__ = ["FORMATS", "BadImportLines", "Importer", "ImportFormatError", "ImportResult", "ImportSummary",
           "Progress", "PulsedHeartbeat", "import_heartbeats", "import_jsonl", "run_import"]
