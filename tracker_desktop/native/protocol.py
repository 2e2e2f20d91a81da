"""The host's messages: a frame's bytes validated whole into a typed message, or a
`ProtocolError` with the code the extension gets back (docs/native-messaging.md). Nothing here
touches the database: invalid input never gets as far as the writer."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Union

from tracker_desktop.domain.events import (MAX_DURATION, Heartbeat, InvalidEvent, check_not_ahead,
                                           parse_timestamp)
from tracker_desktop.domain.heartbeat import PulsedHeartbeat

PROTOCOL_VERSION = 1
SOURCES = ("browser", "editor")
# Send a heartbeat every 60 s (the browser) or 2 min (editors, as WakaTime's plugins do): the
# pulse bridges the gap between two of them with some slack.
DEFAULT_PULSETIME = {"browser": 80.0, "editor": 130.0}
CLIENTS = ("chrome", "chromium", "edge", "brave", "firefox", "vscode")
MAX_ID = 128
MAX_VERSION = 64
MAX_BATCH = 100_000
MAX_REJECTED_LISTED = 20
_HEARTBEAT_FIELDS = frozenset({"source", "timestamp", "duration", "pulsetime", "data", "counts"})
_MESSAGE_FIELDS = frozenset({"type", "id", "durable"})

MessageId = Union[str, int, None]


class ProtocolError(Exception):
    """A message the host refuses: `code` is the reply's `error`, the host carries on."""

    def __init__(self, code: str, message: str, msg_id: MessageId = None) -> None:
        super().__init__(message)
        self.code = code
        self.id = msg_id


@dataclass(frozen=True, slots=True)
class Rejected:
    index: int
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Hello:
    id: MessageId
    client: str | None
    version: str | None


@dataclass(frozen=True, slots=True)
class HeartbeatMessage:
    id: MessageId
    item: PulsedHeartbeat
    durable: bool = False  # acknowledge only once written to the database


@dataclass(frozen=True, slots=True)
class HeartbeatsMessage:
    id: MessageId
    items: tuple[PulsedHeartbeat, ...]
    rejected: tuple[Rejected, ...]
    rejected_count: int
    durable: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    id: MessageId
    what: str


Message = Union[Hello, HeartbeatMessage, HeartbeatsMessage, Query]


def decode(frame: bytes) -> Any:
    """A frame's JSON; ProtocolError `bad_utf8` / `bad_json`."""
    try:
        text = frame.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError("bad_utf8", f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ProtocolError("bad_json", f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise ProtocolError("bad_json", "nested too deeply") from None
    except ValueError as exc:  # a number past Python's int-digit limit, NaN/Infinity
        raise ProtocolError("bad_json", f"unreadable number ({exc})"[:200]) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def message_id(obj: dict[str, Any]) -> MessageId:
    """The `id` to echo: a short string or an integer; anything else is not echoed (null)."""
    value = obj.get("id")
    if isinstance(value, str) and len(value) <= MAX_ID and _encodable(value):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**53:
        return value
    return None


def _encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse(frame: bytes, now: datetime) -> Message:
    """One frame as a message; ProtocolError (with the id to echo) for anything invalid."""
    obj = decode(frame)
    if not isinstance(obj, dict):
        raise ProtocolError("bad_message", "a message must be a JSON object")
    msg_id = message_id(obj)
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise ProtocolError("bad_message", "a message needs a string `type`", msg_id)
    if kind == "heartbeat":
        fields = {k: v for k, v in obj.items() if k not in _MESSAGE_FIELDS}
        try:
            return HeartbeatMessage(msg_id, parse_heartbeat(fields, now), _durable(obj, msg_id))
        except InvalidEvent as exc:
            raise ProtocolError("invalid_heartbeat", str(exc), msg_id) from None
    if kind == "heartbeats":
        return _batch(obj, msg_id, now)
    if kind == "hello":
        return Hello(msg_id, _short(obj, "client", msg_id), _short(obj, "version", msg_id))
    if kind == "query":
        what = obj.get("what")
        if what != "today":
            raise ProtocolError("unknown_query", f"unknown query {str(what)[:40]!r}: one of 'today'",
                                msg_id)
        return Query(msg_id, what)
    raise ProtocolError("unknown_type", f"unknown message type {kind[:40]!r}", msg_id)


def _short(obj: dict[str, Any], key: str, msg_id: MessageId) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_VERSION or not _encodable(value):
        raise ProtocolError("invalid_hello", f"`{key}` must be a string of at most {MAX_VERSION} "
                                             "characters", msg_id)
    return value


def _batch(obj: dict[str, Any], msg_id: MessageId, now: datetime) -> HeartbeatsMessage:
    items = obj.get("items")
    if not isinstance(items, list):
        raise ProtocolError("invalid_batch", "`items` must be a list of heartbeats", msg_id)
    if len(items) > MAX_BATCH:
        raise ProtocolError("invalid_batch", f"{len(items)} heartbeats in one batch (at most "
                                             f"{MAX_BATCH})", msg_id)
    good: list[PulsedHeartbeat] = []
    rejected: list[Rejected] = []
    count = 0
    for index, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise InvalidEvent("a heartbeat must be a JSON object")
            good.append(parse_heartbeat(item, now))
        except InvalidEvent as exc:
            count += 1
            if len(rejected) < MAX_REJECTED_LISTED:
                rejected.append(Rejected(index, "invalid_heartbeat", str(exc)[:300]))
    return HeartbeatsMessage(msg_id, tuple(good), tuple(rejected), count, _durable(obj, msg_id))


def _durable(obj: dict[str, Any], msg_id: MessageId) -> bool:
    value = obj.get("durable", False)
    if not isinstance(value, bool):
        raise ProtocolError("bad_message", "`durable` must be true or false", msg_id)
    return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidEvent(f"{what} must be a number of seconds")
    if not math.isfinite(value) or value < 0:
        raise InvalidEvent(f"{what} must be a finite number of seconds, not negative")
    if value > MAX_DURATION.total_seconds():
        raise InvalidEvent(f"{what} {value:g} s is more than {MAX_DURATION.days} days")
    return float(value)


def parse_heartbeat(obj: dict[str, Any], now: datetime) -> PulsedHeartbeat:
    """One heartbeat object (docs/native-messaging.md) validated; InvalidEvent says what is wrong.
    Recorded under this machine's device: a caller cannot name another."""
    unknown = obj.keys() - _HEARTBEAT_FIELDS
    if unknown:
        raise InvalidEvent(f"unknown heartbeat field(s): {', '.join(sorted(map(str, unknown)))[:200]}")
    source = obj.get("source")
    if source not in SOURCES:
        raise InvalidEvent(f"source must be one of {', '.join(SOURCES)}")
    assert isinstance(source, str)
    if "timestamp" not in obj:
        raise InvalidEvent("timestamp is missing")
    when = parse_timestamp(obj["timestamp"])
    check_not_ahead(when, now, "timestamp")
    duration = _number(obj.get("duration", 0), "duration")
    pulsetime = obj.get("pulsetime")
    pulse = DEFAULT_PULSETIME[source] if pulsetime is None else _number(pulsetime, "pulsetime")
    data = obj.get("data", {})
    if not isinstance(data, dict):
        raise InvalidEvent("data must be an object")
    counts = obj.get("counts", {})
    if not isinstance(counts, dict):
        raise InvalidEvent("counts must be an object")
    return PulsedHeartbeat(Heartbeat(source, when, timedelta(seconds=duration), data, counts), pulse)
