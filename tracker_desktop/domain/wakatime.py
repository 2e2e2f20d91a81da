"""WakaTime heartbeats (what every WakaTime editor plugin sends through wakatime-cli): validation,
the mapping onto our events, the dedupe key, and WakaTime's way of counting time between them.

Time, the honest mapping: WakaTime counts the time from one heartbeat to the next when the gap is
at most the keystroke timeout (15 minutes), whatever the two heartbeats were about, and gives it
to the first one; a heartbeat followed by a longer gap counts nothing. In our terms:
- a heartbeat merges into the last editor event by the usual rule with pulsetime = the timeout
  (same data, at most the timeout after its end): the event grows up to it;
- a heartbeat on something else within the timeout first carries the last event up to its own
  time (`bridge`), then starts a new event. So a file switch loses no time, and a lone heartbeat
  (or one after a long pause) counts zero until the next one arrives, as on wakatime.com.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

from .activity import domain_of
from .heartbeat import apply
from .events import (BROWSER, EDITOR, MAX_COUNT, MAX_TEXT, Event, Heartbeat, InvalidEvent, Scalar)

TIMEOUT = timedelta(minutes=15)  # WakaTime's default keystroke timeout
# Live heartbeats come from a plugin running now, or from its offline queue (days, maybe months
# old); nothing a plugin sends predates WakaTime itself. An epoch in milliseconds (1.7e12) lands
# far in the future and is refused by the "ahead of now" check.
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc).timestamp()
MAX_AHEAD_SECONDS = 86400.0
TYPES = ("file", "app", "domain", "url")
MAX_DEPENDENCIES = 1000
_TEXT_FIELDS = ("entity", "type", "category", "project", "branch", "language", "user_agent",
                "editor")
_INT_FIELDS = ("lines", "lineno", "cursorpos", "line_additions", "line_deletions",
               "ai_line_changes", "human_line_changes")
_PLUGIN = re.compile(r"(?:^|\s)([A-Za-z0-9_.]+)-wakatime/", re.I)
_EDITOR = re.compile(r"\s([A-Za-z][A-Za-z0-9_.]*)/[0-9]")


class InvalidHeartbeat(InvalidEvent):
    """A heartbeat a plugin sent that we cannot take; the message says which field and why."""


def editor_from_user_agent(ua: str | None) -> str | None:
    """'wakatime/v1.90 (linux) go1.21 vscode/1.85.1 vscode-wakatime/24.4.0' -> 'vscode'."""
    if not ua:
        return None
    m = _PLUGIN.search(ua)
    if m:
        return m.group(1).lower()
    names = [n for n in _EDITOR.findall(ua) if not n.lower().startswith(("go", "wakatime", "python"))]
    return names[-1].lower() if names else None


@dataclass(frozen=True, slots=True)
class WakaHeartbeat:
    """One validated WakaTime heartbeat, as the plugin described it."""

    time: float  # seconds since the epoch, UTC
    entity: str
    type: str = "file"
    category: str = "coding"
    project: str | None = None
    branch: str | None = None
    language: str | None = None
    is_write: bool = False
    lines: int | None = None
    lineno: int | None = None
    cursorpos: int | None = None
    line_additions: int | None = None
    line_deletions: int | None = None
    ai_line_changes: int | None = None
    human_line_changes: int | None = None
    dependencies: tuple[str, ...] = ()
    user_agent: str | None = None
    editor: str | None = None  # from `user_agent` (or the request's User-Agent header)

    @property
    def when(self) -> datetime:
        return datetime.fromtimestamp(self.time, timezone.utc)

    def key(self) -> str:
        """The dedupe key: the same heartbeat sent twice (a retry, the offline queue) has the
        same key, so it is stored once. Every field the plugin sent is in it."""
        fields = (round(self.time, 6), self.entity, self.type, self.category, self.project,
                  self.branch, self.language, self.is_write, self.lines, self.lineno,
                  self.cursorpos, self.line_additions, self.line_deletions,
                  self.ai_line_changes, self.human_line_changes, list(self.dependencies),
                  self.user_agent)
        raw = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def source(self) -> str:
        return BROWSER if self.type in ("domain", "url") else EDITOR

    def data(self) -> dict[str, Scalar]:
        """What the heartbeat was about: the event's identity (equal data merges)."""
        data: dict[str, Scalar]
        if self.type in ("domain", "url"):
            # Browser plugins (browser-wakatime): the same shape as our browser extension's.
            data = {"url": self.entity if self.type == "url" else None,
                    "domain": domain_of(self.entity) if self.type == "url" else self.entity,
                    "browser": self.editor}
        elif self.type == "app":
            # A desktop app (not a file): no `window` event, our own window collector owns those.
            data = {"app": self.entity, "project": self.project, "category": self.category,
                    "editor": self.editor}
        else:
            data = {"file": self.entity, "project": self.project, "language": self.language,
                    "branch": self.branch, "category": self.category, "editor": self.editor}
        return {k: v for k, v in data.items() if v is not None and v != ""}

    def counts(self) -> dict[str, int]:
        """Summed on merge: saves, and changed lines (typed or AI) as WakaTime reports them."""
        counts: dict[str, int] = {}
        if self.is_write:
            counts["writes"] = 1
        for name, value in (("lines_added", self.line_additions),
                            ("lines_removed", self.line_deletions),
                            ("ai_line_changes", self.ai_line_changes),
                            ("human_line_changes", self.human_line_changes)):
            if value:
                # Changed lines "added or removed": the count is the number of lines touched.
                counts[name] = abs(value)
        return counts

    def heartbeat(self, device: str = "") -> Heartbeat:
        return Heartbeat(self.source(), self.when, timedelta(0), self.data(), self.counts(),
                         device=device)


def _text(obj: Mapping[str, Any], name: str, required: bool = False) -> str | None:
    value = obj.get(name)
    if value is None or (value == "" and not required):
        if required:
            raise InvalidHeartbeat(f"{name} is missing")
        return None
    if not isinstance(value, str):
        raise InvalidHeartbeat(f"{name} must be a string, not {type(value).__name__}")
    if required and not value.strip():
        raise InvalidHeartbeat(f"{name} is empty")
    if len(value) > MAX_TEXT * 2:
        raise InvalidHeartbeat(f"{name} is longer than {MAX_TEXT * 2} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidHeartbeat(f"{name} is not valid Unicode (a lone surrogate)") from None
    return value


def _int(obj: Mapping[str, Any], name: str) -> int | None:
    value = obj.get(name)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidHeartbeat(f"{name} must be an integer, not {type(value).__name__}")
    if abs(value) > MAX_COUNT:
        raise InvalidHeartbeat(f"{name} = {value} is absurd (at most {MAX_COUNT:,})")
    return value


def parse_time(value: object, now: datetime) -> float:
    """A heartbeat's `time`: seconds since the epoch (WakaTime's float), or an ISO 8601 string
    with a UTC offset. Naive times and times outside 2000..now + 1 day are refused."""
    if isinstance(value, str):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            try:
                seconds = float(value)
            except ValueError:
                raise InvalidHeartbeat(f"time {value[:40]!r} is not seconds since the epoch") from None
            return parse_time(seconds, now)
        if when.tzinfo is None:
            raise InvalidHeartbeat(f"time {value[:40]!r} has no UTC offset: send seconds since the "
                                   "epoch (UTC), or add Z or +00:00")
        try:
            return parse_time(when.timestamp(), now)
        except (OverflowError, OSError, ValueError):
            raise InvalidHeartbeat(f"time {value[:40]!r} is out of range") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidHeartbeat("time must be a number of seconds since the epoch, not "
                               + ("missing" if value is None else type(value).__name__))
    t = float(value)
    if not math.isfinite(t):
        raise InvalidHeartbeat("time must be a finite number")
    if t < EARLIEST_TIME:
        raise InvalidHeartbeat(f"time {value} is before 2000: not a heartbeat from a plugin")
    if t > now.timestamp() + MAX_AHEAD_SECONDS:
        raise InvalidHeartbeat(f"time {value} is in the future (now is {now.timestamp():.0f}; "
                               "milliseconds instead of seconds?)")
    return t


def parse_heartbeat(obj: object, now: datetime, user_agent: str | None = None) -> WakaHeartbeat:
    """A heartbeat object from a request, validated (InvalidHeartbeat says what is wrong).

    Fields WakaTime defines and we do not store (`lines`, `lineno`, `cursorpos`, `dependencies`)
    are still checked and are part of the dedupe key; fields we do not know are ignored, as
    plugins add their own (`alternate_project`, `project_root_count`...)."""
    if not isinstance(obj, dict):
        raise InvalidHeartbeat(f"a heartbeat must be a JSON object, not {type(obj).__name__}")
    for name in _TEXT_FIELDS:
        _text(obj, name)  # wrong types first, one message per field
    kind = _text(obj, "type") or "file"
    if kind not in TYPES:
        raise InvalidHeartbeat(f"type {kind[:40]!r} is not one of {', '.join(TYPES)}")
    is_write = obj.get("is_write")
    if is_write is not None and not isinstance(is_write, bool):
        raise InvalidHeartbeat(f"is_write must be true or false, not {type(is_write).__name__}")
    deps = obj.get("dependencies")
    if deps is None:
        dependencies: tuple[str, ...] = ()
    elif not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
        raise InvalidHeartbeat("dependencies must be a list of strings")
    elif len(deps) > MAX_DEPENDENCIES:
        raise InvalidHeartbeat(f"dependencies has {len(deps)} items (at most {MAX_DEPENDENCIES})")
    else:
        dependencies = tuple(deps)
    ints = {name: _int(obj, name) for name in _INT_FIELDS}
    ua = _text(obj, "user_agent") or user_agent
    editor = _text(obj, "editor")
    return WakaHeartbeat(
        time=parse_time(obj.get("time"), now),
        entity=_text(obj, "entity", required=True) or "",
        type=kind,
        # WakaTime's default: a plugin that names none means "coding" (one event, not two).
        category=_text(obj, "category") or "coding",
        project=_text(obj, "project"),
        branch=_text(obj, "branch"),
        language=_text(obj, "language"),
        is_write=bool(is_write),
        dependencies=dependencies,
        user_agent=ua,
        editor=(editor.lower() if editor else None) or editor_from_user_agent(ua),
        **ints,
    )


def bridge(last: Event | None, hb: Heartbeat, timeout: timedelta = TIMEOUT) -> Heartbeat | None:
    """The heartbeat that carries `last` (its source's last event) up to `hb`, when `hb` is about
    something else and comes within `timeout` of `last`'s end (WakaTime gives that time to the
    earlier heartbeat); None when `hb` merges by itself, comes earlier, or after a longer gap."""
    if last is None or last.source != hb.source or last.data == hb.data:
        return None
    gap = hb.timestamp - last.end
    if gap <= timedelta(0) or gap > timeout:
        return None
    return Heartbeat(last.source, last.end, gap, last.data, device=hb.device)


def human(seconds: float) -> str:
    """'3 hrs 4 mins', as WakaTime's `text`."""
    minutes = int(seconds // 60)
    hours, mins = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hr" + ("s" if hours != 1 else ""))
    parts.append(f"{mins} min" + ("s" if mins != 1 else ""))
    return " ".join(parts)


def digital(seconds: float) -> str:
    """'3:04', as WakaTime's `digital`."""
    minutes = int(seconds // 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def duration_json(seconds: float, total: float | None = None) -> dict[str, Any]:
    """WakaTime's duration fields: total_seconds, text, digital, hours, minutes (and seconds,
    percent when `total` is given: an item of a list)."""
    whole = int(seconds)
    out: dict[str, Any] = {
        "total_seconds": round(seconds, 3),
        "text": human(seconds),
        "digital": digital(seconds),
        "decimal": f"{seconds / 3600:.2f}",
        "hours": whole // 3600,
        "minutes": whole % 3600 // 60,
    }
    if total is not None:
        out["seconds"] = whole % 60
        out["percent"] = round(100 * seconds / total, 2) if total > 0 else 0.0
    return out


def named_list(values: Mapping[str, float]) -> list[dict[str, Any]]:
    """A WakaTime list (`projects`, `languages`...): most time first."""
    total = sum(values.values())
    return [{"name": name, **duration_json(secs, total)}
            for name, secs in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])) if secs > 0]


def timeline(beats: Iterable[Heartbeat], timeout: timedelta = TIMEOUT) -> list[Event]:
    """The events heartbeats become under WakaTime's rule, whatever order they arrived in: each
    source's heartbeats in time order, bridged and merged exactly as they are live (`bridge`,
    then the merge with pulsetime = `timeout`). Used to redo a stretch when a late heartbeat
    (wakatime-cli's offline queue, sent after newer ones) lands inside it."""
    out: list[Event] = []
    by_source: dict[tuple[str, str], list[Heartbeat]] = {}
    for b in beats:
        by_source.setdefault((b.source, b.device), []).append(b)
    for group in by_source.values():
        last: Event | None = None
        for b in sorted(group, key=lambda h: h.timestamp):
            carry = bridge(last, b, timeout)
            if carry is not None and last is not None:
                last, _ = apply(last, carry, timeout)
            before = last
            last, merged = apply(last, b, timeout)
            if not merged and before is not None:
                out.append(before)
        if last is not None:
            out.append(last)
    return sorted(out, key=lambda e: (e.start, e.source))
