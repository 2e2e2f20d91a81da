"""Moved to `tracker_desktop.services.importers.jsonl`; this alias stays only until its last two
users import from there (tracker_desktop/commands/events.py, tests/integration/test_heartbeat_engine.py).
Do not add new imports of it."""

from __future__ import annotations

from tracker_desktop.services.importers.jsonl import PulsedHeartbeat, event_json, import_heartbeats

__all__ = ["PulsedHeartbeat", "event_json", "import_heartbeats"]
