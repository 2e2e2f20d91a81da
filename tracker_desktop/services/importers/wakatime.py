"""WakaTime data dump JSON (Settings → Export, type "heartbeats"):
{"user": {...}, "range": {...}, "days": [{"date": "2024-01-02", "heartbeats": [
    {"time": 1704189600.5, "entity": "/src/app/main.py", "type": "file", "category": "coding",
     "project": "app", "language": "Python", "branch": "main", "is_write": true,
     "line_additions": 3, "line_deletions": 1, "user_agent_id": "...", ...}]}]}
A bare list of heartbeats, or {"data": [...]} as the heartbeats API returns, is read too.

Durations follow WakaTime's rule: the time from a heartbeat to the next one counts when the gap is
at most the keystroke timeout (15 minutes by default); a heartbeat followed by a longer gap counts
nothing. Consecutive heartbeats on the same thing become one event. file → editor {project,
language, file, editor}; app → window {app, title}; domain/url → browser {domain, url, browser}.
The "daily summaries" dump has no timestamps to place time in a day, so it is refused with a hint.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any, BinaryIO, Callable, Iterator, Mapping

from tracker_desktop.domain.activity import domain_of
from tracker_desktop.domain.days import EARLIEST, LATEST
from tracker_desktop.domain.events import BROWSER, EDITOR, WINDOW, Event, InvalidEvent, add_counts

from . import ImportFormatError, Progress
from .activitywatch import load_json

TIMEOUT = timedelta(minutes=15)
_FIRST, _LAST = EARLIEST.timestamp(), LATEST.timestamp()  # times reports can place in a day
_JOIN = timedelta(milliseconds=1)  # float seconds round to microseconds two ways
_PLUGIN = re.compile(r"(?:^|\s)([A-Za-z0-9_.]+)-wakatime/", re.I)
_EDITOR = re.compile(r"\s([A-Za-z][A-Za-z0-9_.]*)/[0-9]")


def editor_from_user_agent(ua: str | None) -> str | None:
    """'wakatime/v1.90 (linux) go1.21 vscode/1.85.1 vscode-wakatime/24.4.0' -> 'vscode'."""
    if not ua:
        return None
    m = _PLUGIN.search(ua)
    if m:
        return m.group(1).lower()
    names = [n for n in _EDITOR.findall(ua) if not n.lower().startswith(("go", "wakatime"))]
    return names[-1].lower() if names else None


def _heartbeats(doc: Any) -> tuple[list[Mapping[str, Any]], dict[str, str]]:
    agents: dict[str, str] = {}
    if isinstance(doc, Mapping):
        for ua in doc.get("user_agents") or []:
            if isinstance(ua, Mapping) and ua.get("id"):
                name = ua.get("editor") or editor_from_user_agent(ua.get("value"))
                if name:
                    agents[str(ua["id"])] = str(name).lower()
        if isinstance(doc.get("days"), list):
            out: list[Mapping[str, Any]] = []
            summaries_only = True
            for day in doc["days"]:
                if not isinstance(day, Mapping):
                    continue
                if "heartbeats" in day:
                    summaries_only = False
                    if isinstance(day["heartbeats"], list):
                        out.extend(day["heartbeats"])
            if summaries_only and doc["days"]:
                raise ImportFormatError(
                    "this is a WakaTime daily-summaries dump: it has totals but no times of day. "
                    "Export the \"heartbeats\" dump instead (wakatime.com → Settings → Export).")
            return out, agents
        if isinstance(doc.get("data"), list):
            return list(doc["data"]), agents
        raise ImportFormatError('not a WakaTime data dump: expected {"days": [{"heartbeats": [...]}]}')
    if isinstance(doc, list):
        return doc, agents
    raise ImportFormatError("not a WakaTime data dump")


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _parse(hb: Any, agents: Mapping[str, str]) -> tuple[float, str, dict[str, Any], dict[str, int]]:
    if not isinstance(hb, Mapping):
        raise InvalidEvent("heartbeat is not an object")
    t = hb.get("time")
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t):
        raise InvalidEvent("heartbeat has no numeric time")
    if not _FIRST <= t <= _LAST:
        raise InvalidEvent(f"heartbeat time {t} is outside {EARLIEST.year}–{LATEST.year}")
    entity = _str(hb.get("entity"))
    if entity is None:
        raise InvalidEvent("heartbeat has no entity")
    kind = hb.get("type") or "file"
    editor = (_str(hb.get("editor")) or agents.get(str(hb.get("user_agent_id")))
              or editor_from_user_agent(_str(hb.get("user_agent"))))
    project = _str(hb.get("project"))
    counts: dict[str, int] = {}
    if _count(hb.get("line_additions")):
        counts["lines_added"] = _count(hb.get("line_additions"))
    if _count(hb.get("line_deletions")):
        counts["lines_removed"] = _count(hb.get("line_deletions"))
    if kind == "app":
        return float(t), WINDOW, {"app": entity, "title": project or entity}, counts
    if kind in ("domain", "url"):
        url = entity if kind == "url" else None
        domain = domain_of(entity) if kind == "url" else entity
        data = {"url": url, "domain": domain, "browser": editor}
        return float(t), BROWSER, {k: v for k, v in data.items() if v}, counts
    data = {"project": project, "language": _str(hb.get("language")), "file": entity, "editor": editor}
    return float(t), EDITOR, {k: v for k, v in data.items() if v}, counts


class WakaTimeImporter:
    name = "wakatime"
    description = "WakaTime data dump JSON (heartbeats export)"

    def __init__(self, timeout: timedelta = TIMEOUT) -> None:
        self.timeout = timeout

    def read(self, stream: BinaryIO, progress: Progress,
             on_invalid: Callable[[str], None] | None = None) -> Iterator[Event]:
        doc = load_json(stream, "a WakaTime data dump")
        raw, agents = _heartbeats(doc)
        total = len(raw)
        progress(0, total)
        parsed = []
        for i, hb in enumerate(raw, start=1):
            try:
                parsed.append(_parse(hb, agents))
            except InvalidEvent as exc:
                if on_invalid is not None:
                    on_invalid(str(exc))
            if i % 5000 == 0:
                progress(i, total)
        parsed.sort(key=lambda p: p[0])
        limit = self.timeout.total_seconds()
        current: Event | None = None
        for i, (t, source, data, counts) in enumerate(parsed):
            nxt = parsed[i + 1][0] if i + 1 < len(parsed) else None
            seconds = nxt - t if nxt is not None and nxt - t <= limit else 0.0
            start = datetime.fromtimestamp(t, timezone.utc)
            if (current is not None and current.source == source and current.data == data
                    and abs(current.end - start) <= _JOIN):
                current = current.with_(duration=current.duration + timedelta(seconds=seconds),
                                        counts=add_counts(current.counts, counts))
                continue
            if current is not None:
                yield current
            current = Event(source, start, timedelta(seconds=seconds), data, counts)
        if current is not None:
            yield current
        progress(total, total)
