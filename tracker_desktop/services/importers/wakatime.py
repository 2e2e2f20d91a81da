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

import heapq
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import chain
from typing import Any, BinaryIO, Callable, Iterator, Mapping

from tracker_desktop.domain.activity import domain_of
from tracker_desktop.domain.days import EARLIEST, LATEST
from tracker_desktop.domain.events import (BROWSER, EDITOR, MAX_COUNT, WINDOW, Event, InvalidEvent,
                                           limited_counts, limited_data)
from tracker_desktop.domain.wakatime import editor_from_user_agent

from .base import ImportFormatError, Progress
from .jsonstream import Scanner

TIMEOUT = timedelta(minutes=15)
# Durations need the heartbeats in time order. A dump is in order (days ascending, each day's
# heartbeats by time); this many are held to put a slightly shuffled file back in order.
REORDER = 20_000
_FIRST, _LAST = EARLIEST.timestamp(), LATEST.timestamp()  # times reports can place in a day
_JOIN_S = 0.001  # seconds: float sums of heartbeat gaps land within this of the next heartbeat
def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _count(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        if value > MAX_COUNT:
            raise InvalidEvent(f"line count {value} is absurd (at most {MAX_COUNT:,})")
        return value
    return 0


def _parse(hb: Any, agents: Mapping[str, str]) -> tuple[float, str, dict[str, Any], dict[str, int]]:
    if not isinstance(hb, dict):  # a dict, not typing.Mapping: that check costs 2 µs a heartbeat
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
             on_invalid: Callable[[str], None] | None = None,
             on_unsupported: Callable[[dict[str, Any]], None] | None = None) -> Iterator[Event]:
        # Device: "" (this machine). A dump's heartbeats name their machine only by an id
        # (machine_name_id) whose names the dump does not hold, and WakaTime joins heartbeats
        # across machines into one timeline, which is what this importer reproduces.
        parsed = self._parsed(Scanner(stream, "a WakaTime data dump"), progress, on_invalid)
        limit = self.timeout.total_seconds()
        run: _Run | None = None
        prev: tuple[float, str, dict[str, Any], dict[str, int]] | None = None
        for item in chain(_in_order(parsed), [None]):
            if prev is not None:
                nxt = item[0] if item is not None else None
                t, source, data, counts = prev
                seconds = nxt - t if nxt is not None and nxt - t <= limit else 0.0
                if run is not None and run.source == source and run.data == data and abs(run.end - t) <= _JOIN_S:
                    run.extend(t + seconds, seconds, counts)
                else:
                    if run is not None:
                        yield from run.event(on_invalid)
                    run = _Run(source, t, data, dict(counts))
                    run.extend(t + seconds, seconds, {})
            prev = item
        if run is not None:
            yield from run.event(on_invalid)

    def _parsed(self, doc: Scanner, progress: Progress, on_invalid: Callable[[str], None] | None
                ) -> Iterator[tuple[float, str, dict[str, Any], dict[str, int]]]:
        """Each readable heartbeat in file order; the bad ones go to `on_invalid`."""
        agents: dict[str, str] = {}
        done = 0

        def heartbeats() -> Iterator[tuple[float, str, dict[str, Any], dict[str, int]]]:
            nonlocal done
            for _ in doc.items():
                done += 1
                if done % 5000 == 0:
                    progress(done, None)
                try:
                    yield _parse(doc.value(), agents)
                except InvalidEvent as exc:
                    if on_invalid is not None:
                        on_invalid(str(exc))

        if doc.open("["):  # a bare list of heartbeats
            yield from heartbeats()
        elif doc.open("{"):
            found = summaries = False
            for key in doc.keys():
                if key == "user_agents" and doc.open("["):
                    # Read where they are: a dump listing them after the heartbeats names
                    # editors from each heartbeat's own user_agent instead.
                    for _ in doc.items():
                        ua = doc.value()
                        if isinstance(ua, Mapping) and ua.get("id"):
                            name = ua.get("editor") or editor_from_user_agent(_str(ua.get("value")))
                            if name:
                                agents[str(ua["id"])] = str(name).lower()
                elif key == "data" and doc.open("["):
                    found = True
                    yield from heartbeats()
                elif key == "days" and doc.open("["):
                    found = True
                    for _ in doc.items():
                        if not doc.open("{"):
                            doc.skip()
                            continue
                        for day_key in doc.keys():
                            if day_key == "heartbeats" and doc.open("["):
                                yield from heartbeats()
                            else:
                                summaries = summaries or day_key == "grand_total"
                                doc.skip()
                else:
                    doc.skip()
            if not found:
                raise ImportFormatError('not a WakaTime data dump: expected {"days": [{"heartbeats": [...]}]}')
            if summaries and not done:
                raise ImportFormatError(
                    "this is a WakaTime daily-summaries dump: it has totals but no times of day. "
                    "Export the \"heartbeats\" dump instead (wakatime.com → Settings → Export).")
        else:
            doc.value()  # invalid JSON says so
            raise ImportFormatError("not a WakaTime data dump")
        progress(done, done)


@dataclass(slots=True)
class _Run:
    """Consecutive heartbeats on the same thing, becoming one event (built once, at its end)."""

    source: str
    start: float
    data: dict[str, Any]
    counts: dict[str, int]
    end: float = 0.0
    duration: timedelta = timedelta(0)

    def extend(self, end: float, seconds: float, counts: Mapping[str, int]) -> None:
        self.end = end
        # Added a heartbeat at a time, as timedeltas: the stored duration rounds as it always did.
        self.duration += timedelta(seconds=seconds)
        for key, value in counts.items():
            self.counts[key] = self.counts.get(key, 0) + value

    def event(self, on_invalid: Callable[[str], None] | None) -> Iterator[Event]:
        try:
            yield Event(self.source, datetime.fromtimestamp(self.start, timezone.utc), self.duration,
                        limited_data(self.data), limited_counts(self.counts))
        except InvalidEvent as exc:
            if on_invalid is not None:
                on_invalid(str(exc))


def _in_order(items: Iterator[tuple[float, str, dict[str, Any], dict[str, int]]]
              ) -> Iterator[tuple[float, str, dict[str, Any], dict[str, int]]]:
    """`items` sorted by time, holding at most REORDER of them (the file order otherwise)."""
    heap: list[tuple[float, int, tuple[float, str, dict[str, Any], dict[str, int]]]] = []
    for n, item in enumerate(items):
        heapq.heappush(heap, (item[0], n, item))
        if len(heap) > REORDER:
            yield heapq.heappop(heap)[2]
    while heap:
        yield heapq.heappop(heap)[2]
