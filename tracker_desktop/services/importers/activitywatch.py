"""ActivityWatch export JSON (Settings → Export all buckets, or GET /api/0/export):
{"buckets": {"<id>": {"id", "type", "client", "hostname", "created", "events": [
    {"timestamp": ISO 8601, "duration": seconds, "data": {...}}, ...]}}}

Bucket types map to our sources: currentwindow → window {app, title}; afkstatus → afk {status};
web.tab.current (aw-watcher-web) → browser {url, title, domain, browser, audible, incognito};
app.editor.activity (aw-watcher-vscode and friends) → editor {project, language, file, editor};
general.stopwatch (aw-stopwatch timers) → manual {title}. Other buckets (aw-watcher-input, types
we do not know) are left out and listed in the import summary. Events are already merged in an
export, so they are stored as they are, each on the device named by its bucket's `hostname`
(ActivityWatch keeps a bucket per host; see `device_of` for aw-watcher-web's "unknown").
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any, BinaryIO, Callable, Iterator, Mapping

from tracker_desktop.domain.activity import domain_of
from tracker_desktop.domain.events import (AFK, BROWSER, EDITOR, MANUAL, MAX_DURATION, WINDOW, Event,
                                           InvalidEvent, check_device, check_span, limited_data,
                                           parse_timestamp)

from .base import ImportFormatError, Progress
from .jsonstream import Scanner

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
_MAX_SECONDS = MAX_DURATION.total_seconds()


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


def device_of(bucket_id: str, bucket: Mapping[str, Any]) -> str:
    """The bucket's `hostname` as a device name; a bad one is refused. aw-watcher-web cannot
    know its host and says "unknown": then the host its bucket id ends with
    ("aw-watcher-web-firefox_laptop"), else "" (this machine)."""
    host = bucket.get("hostname")
    if host is None or host == "unknown":
        _, sep, suffix = bucket_id.rpartition("_")
        host = suffix if sep and suffix and suffix != "unknown" else ""
        if not host:
            return ""
    try:
        return check_device(host, f"bucket {bucket_id!r}: hostname")
    except InvalidEvent as exc:
        raise ImportFormatError(str(exc)) from None


def convert(source: str, bucket_id: str, bucket: Mapping[str, Any], raw: Mapping[str, Any],
            device: str = "") -> Event:
    try:
        start = parse_timestamp(raw.get("timestamp"))
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is in year 0 in UTC
        raise InvalidEvent(f"timestamp {raw.get('timestamp')!r} is out of range") from None
    duration = raw.get("duration", 0)
    if isinstance(duration, bool) or not isinstance(duration, (int, float)) or not math.isfinite(duration):
        raise InvalidEvent("duration is not a number")
    if duration > _MAX_SECONDS:
        raise InvalidEvent(f"duration {duration:g} s is more than {MAX_DURATION.days} days")
    length = timedelta(seconds=max(float(duration), 0.0))
    check_span(start, length, "event")
    data_in = raw.get("data") or {}
    if not isinstance(data_in, dict):  # a dict, not typing.Mapping: that check costs 2 µs an event
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
    # limited_data frozen once: Event takes a frozen mapping as it is (the import's hot path).
    return Event(source, start, length, limited_data(data), device=device)


class ActivityWatchImporter:
    name = "activitywatch"
    description = "ActivityWatch export JSON (window, afk, web, editor and stopwatch buckets)"

    def read(self, stream: BinaryIO, progress: Progress,
             on_invalid: Callable[[str], None] | None = None,
             on_unsupported: Callable[[dict[str, Any]], None] | None = None) -> Iterator[Event]:
        """The events of each supported bucket, one at a time, in file order; each other bucket
        goes to `on_unsupported` as {bucket, type, hostname, events}."""
        doc = Scanner(stream, "an ActivityWatch export")
        if not doc.open("{"):
            doc.value()  # invalid JSON says so; valid JSON of another shape falls through
            raise ImportFormatError('not an ActivityWatch export: expected {"buckets": {...}}')
        state = _Reading(doc, progress, on_invalid, on_unsupported)
        for key in doc.keys():
            if key == "buckets":
                if not doc.open("{"):
                    raise ImportFormatError('not an ActivityWatch export: "buckets" is not an object')
                for bucket_id in doc.keys():
                    yield from state.bucket(bucket_id)
            elif doc.peek() == "{":  # ServerAPI.export_all() without the envelope
                yield from state.bucket(key, must=False)
            else:
                doc.skip()
        if not state.buckets:
            raise ImportFormatError('not an ActivityWatch export: expected {"buckets": {...}}')
        progress(state.done, state.done)


class _Reading:
    def __init__(self, doc: Scanner, progress: Progress, on_invalid: Callable[[str], None] | None,
                 on_unsupported: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.doc = doc
        self.on_unsupported = on_unsupported
        self.progress = progress
        self.on_invalid = on_invalid
        self.buckets = 0
        self.done = 0

    def bucket(self, bucket_id: str, must: bool = True) -> Iterator[Event]:
        """The events of one bucket. Its metadata usually precedes its events (aw-server writes
        them first); events met before the metadata says what they are wait in a list."""
        doc = self.doc
        if not doc.open("{"):
            raise ImportFormatError(f"bucket {bucket_id!r} has no event list")
        meta: dict[str, Any] = {}
        waiting: list[Any] = []
        has_events = False
        skipped = 0
        for key in doc.keys():
            if key != "events":
                if doc.peek() in "{[":
                    doc.skip()
                else:
                    meta[key] = doc.value()
                continue
            if not doc.open("["):
                raise ImportFormatError(f"bucket {bucket_id!r} has no event list")
            has_events = True
            source = source_of(bucket_id, meta)
            known = "type" in meta or source is not None
            # Events wait until the bucket says what they are and which host recorded them.
            ready = source is not None and "hostname" in meta
            device = device_of(bucket_id, meta) if ready else ""
            for _ in doc.items():
                if known and source is None:
                    doc.skip()  # a bucket we do not import (aw-watcher-input...)
                    skipped += 1
                elif not ready:
                    waiting.append(doc.value())
                else:
                    event = self._convert(source, bucket_id, meta, doc.value(), device)
                    if event is not None:
                        yield event
        if not has_events:
            if must:
                raise ImportFormatError(f"bucket {bucket_id!r} has no event list")
            return  # some other object beside the buckets
        self.buckets += 1
        source = source_of(bucket_id, meta)
        if source is None:
            if self.on_unsupported is not None:
                kind = meta.get("type")
                host = meta.get("hostname")
                self.on_unsupported({"bucket": bucket_id, "type": kind if isinstance(kind, str) else None,
                                     "hostname": host if isinstance(host, str) else None,
                                     "events": skipped + len(waiting)})
        else:
            device = device_of(bucket_id, meta)
            for raw in waiting:
                event = self._convert(source, bucket_id, meta, raw, device)
                if event is not None:
                    yield event

    def _convert(self, source: str | None, bucket_id: str, meta: Mapping[str, Any], raw: Any,
                 device: str) -> Event | None:
        assert source is not None
        self.done += 1
        if self.done % 2000 == 0:
            self.progress(self.done, None)
        try:
            if not isinstance(raw, dict):
                raise InvalidEvent("event is not an object")
            return convert(source, bucket_id, meta, raw, device)
        except InvalidEvent as exc:
            if self.on_invalid is not None:
                self.on_invalid(f"{bucket_id}: {exc}")
            return None
