"""ActivityWatch export JSON (Settings → Export all buckets, or GET /api/0/export):
{"buckets": {"<id>": {"id", "type", "client", "hostname", "created", "events": [
    {"timestamp": ISO 8601, "duration": seconds, "data": {...}}, ...]}}}

Bucket types map to our sources: currentwindow → window {app, title}; afkstatus → afk {status};
web.tab.current (aw-watcher-web) → browser {url, title, domain, browser, audible, incognito};
app.editor.activity (aw-watcher-vscode and friends) → editor {project, language, file, editor};
general.stopwatch (aw-stopwatch timers) → manual {title}. Other buckets are left out. Events are
already merged in an export, so they are stored as they are.
"""

from __future__ import annotations

import json
import math
from datetime import timedelta
from typing import Any, BinaryIO, Callable, Iterator, Mapping

from tracker_desktop.domain.activity import domain_of
from tracker_desktop.domain.days import EARLIEST, LATEST
from tracker_desktop.domain.events import (AFK, BROWSER, EDITOR, MANUAL, WINDOW, Event, InvalidEvent,
                                           parse_timestamp)

from . import ImportFormatError, Progress

_TYPES = {
    "currentwindow": WINDOW,
    "afkstatus": AFK,
    "web.tab.current": BROWSER,
    "app.editor.activity": EDITOR,
    "general.stopwatch": MANUAL,
}
_PREFIXES = (("aw-watcher-window", WINDOW), ("aw-watcher-afk", AFK), ("aw-watcher-web", BROWSER),
             ("aw-watcher-vscode", EDITOR), ("aw-stopwatch", MANUAL))
_SCALARS = (str, int, float, bool)


def load_json(stream: BinaryIO, what: str) -> Any:
    """The parsed file; `what` names the expected format in errors ("an ActivityWatch export")."""
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise ImportFormatError(f"not {what}: the file is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"not {what}: invalid JSON ({exc.msg} at line {exc.lineno}, "
                                f"column {exc.colno})") from None


def source_of(bucket_id: str, bucket: Mapping[str, Any]) -> str | None:
    kind = bucket.get("type")
    if isinstance(kind, str) and kind in _TYPES:
        return _TYPES[kind]
    for prefix, source in _PREFIXES:
        if bucket_id.startswith(prefix):
            return source
    return None


def _client_name(bucket_id: str, bucket: Mapping[str, Any], prefix: str) -> str | None:
    """'aw-watcher-web-firefox_myhost' -> 'firefox'; 'aw-watcher-vscode_host' -> 'vscode'."""
    text = bucket_id.split("_", 1)[0]
    if text.startswith(prefix):
        rest = text[len(prefix):].strip("-")
        if rest:
            return rest
    client = bucket.get("client")
    if isinstance(client, str) and client.startswith("aw-watcher-"):
        return client[len("aw-watcher-"):] or None
    return None


def _scalars(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if isinstance(k, str) and (v is None or isinstance(v, _SCALARS))}


def convert(source: str, bucket_id: str, bucket: Mapping[str, Any], raw: Mapping[str, Any]) -> Event:
    try:
        start = parse_timestamp(raw.get("timestamp"))
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is in year 0 in UTC
        raise InvalidEvent(f"timestamp {raw.get('timestamp')!r} is out of range") from None
    duration = raw.get("duration", 0)
    if isinstance(duration, bool) or not isinstance(duration, (int, float)) or not math.isfinite(duration):
        raise InvalidEvent("duration is not a number")
    try:
        length = timedelta(seconds=max(float(duration), 0.0))
        inside = EARLIEST <= start and start + length <= LATEST
    except OverflowError:
        inside = False
    if not inside:
        raise InvalidEvent(f"{start.isoformat()} lasting {duration} s is not within "
                           f"{EARLIEST.year}–{LATEST.year}")
    data_in = raw.get("data") or {}
    if not isinstance(data_in, Mapping):
        raise InvalidEvent("data is not an object")
    d = _scalars(data_in)
    if source == WINDOW:
        data = {"app": d.get("app"), "title": d.get("title")}
        if d.get("url"):
            data["url"] = d["url"]
    elif source == AFK:
        data = {"status": d.get("status")}
    elif source == BROWSER:
        url = d.get("url")
        data = {"url": url, "title": d.get("title"),
                "domain": domain_of(url) if isinstance(url, str) else None,
                "browser": _client_name(bucket_id, bucket, "aw-watcher-web")}
        for extra in ("audible", "incognito"):
            if extra in d:
                data[extra] = d[extra]
    elif source == EDITOR:
        data = {"project": d.get("project"), "language": d.get("language"), "file": d.get("file"),
                "editor": _client_name(bucket_id, bucket, "aw-watcher")}
        if d.get("branch"):
            data["branch"] = d["branch"]
    else:
        data = {"title": d.get("label") or d.get("title") or "timer"}
        for extra in ("category", "task"):
            if d.get(extra):
                data[extra] = d[extra]
    data = {k: v for k, v in data.items() if v is not None}
    return Event(source, start, length, data)


class ActivityWatchImporter:
    name = "activitywatch"
    description = "ActivityWatch export JSON (window, afk, web, editor and stopwatch buckets)"

    def read(self, stream: BinaryIO, progress: Progress,
             on_invalid: Callable[[str], None] | None = None) -> Iterator[Event]:
        doc = load_json(stream, "an ActivityWatch export")
        if isinstance(doc, Mapping) and "buckets" in doc:
            buckets = doc["buckets"]
        elif isinstance(doc, Mapping) and doc and all(isinstance(b, Mapping) and "events" in b
                                                      for b in doc.values()):
            buckets = doc  # ServerAPI.export_all() without the envelope
        else:
            raise ImportFormatError('not an ActivityWatch export: expected {"buckets": {...}}')
        if not isinstance(buckets, Mapping):
            raise ImportFormatError('not an ActivityWatch export: "buckets" is not an object')
        chosen = []
        for bucket_id, bucket in buckets.items():
            if not isinstance(bucket, Mapping) or not isinstance(bucket.get("events"), list):
                raise ImportFormatError(f"bucket {bucket_id!r} has no event list")
            source = source_of(str(bucket_id), bucket)
            if source is not None:
                chosen.append((str(bucket_id), bucket, source))
        total = sum(len(b.get("events", [])) for _, b, _ in chosen)
        done = 0
        progress(0, total)
        for bucket_id, bucket, source in chosen:
            for raw in bucket.get("events", []):
                done += 1
                try:
                    if not isinstance(raw, Mapping):
                        raise InvalidEvent("event is not an object")
                    yield convert(source, bucket_id, bucket, raw)
                except InvalidEvent as exc:
                    if on_invalid is not None:
                        on_invalid(f"{bucket_id}: {exc}")
                if done % 2000 == 0:
                    progress(done, total)
        progress(done, total)
