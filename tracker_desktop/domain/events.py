"""Events and heartbeats: the immutable record everything else is computed from."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any, Iterator, Mapping, Union

from .days import EARLIEST, LATEST

Scalar = Union[str, int, float, bool, None]
ZERO = timedelta(0)
_EMPTY: Mapping[str, Any] = MappingProxyType({})

# Sources the application itself writes; other strings are allowed (imports, extensions).
WINDOW = "window"
AFK = "afk"
INPUT = "input"
BROWSER = "browser"
EDITOR = "editor"
MANUAL = "manual"

COUNT_KEYS = ("keys", "clicks", "scrolls", "moves")

# Gauges: `counts` keys that hold a level reached, not a number of things that happened (issue 9,
# seed 000: the browser's maximum scroll depth). When heartbeats merge, or two writers extend one
# event, a gauge keeps the larger side where a count adds; nothing that totals events over a span
# sums a gauge. Each gauge maps to its largest valid value (and 0 is its smallest).
# An explicit list rather than a naming rule (`*_max`...): counts keys come from many writers
# (editor plugins, WakaTime and JSON-lines imports, other people's scripts), and a rule would
# quietly turn a key one of them picked into a gauge and change what their events add up to; with a
# list, every key not on it keeps adding, exactly as before.
GAUGES: Mapping[str, int] = MappingProxyType({
    "scroll_depth": 100,  # percent of the page's height scrolled into view, the most on the visit
})

# Limits on what a new observation may carry (issue 7 item 7): every heartbeat passes them (the
# live tracker, the importers, the native hosts to come), and imported events through
# `within_limits`. Stored events are read back as they are, so a row written before these limits
# existed still reads (and an update of it still matches the row it read).
MAX_TEXT = 2000  # characters of a data string; a 50 MB title made a day report take 8.8 s
TRUNCATED = "…"  # ends a string cut at MAX_TEXT, so a reader sees it was cut
MAX_KEYS = 32  # data keys per record
MAX_KEY_LENGTH = 64
MAX_INT = 2**63 - 1  # data integers fit SQLite's INTEGER and any JSON reader
MAX_COUNT = 10**9  # per record: a billion keystrokes is decades of typing
MAX_DURATION = timedelta(days=366)  # one observation or imported event
MAX_AHEAD = timedelta(days=1)  # how far past now a new record may start (clock skew, zones)
MAX_DEVICE = 64  # characters of a device name (a host name's label is at most 63)
# The device of events recorded before devices existed (and of jsonl lines that name none):
# "this machine", whatever its name is (issue 7 item 5). Readers resolve it with `device_or`.
THIS_DEVICE = ""


class InvalidEvent(ValueError):
    """An event or heartbeat that breaks the model's rules (naive time, negative duration...)."""


def require_utc(when: datetime, what: str = "timestamp") -> datetime:
    """Return `when` in UTC; naive datetimes are rejected rather than guessed at."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise InvalidEvent(f"{what} {when.isoformat()} has no UTC offset")
    if when.utcoffset() == ZERO and when.tzinfo is timezone.utc:
        return when
    return when.astimezone(timezone.utc)


def parse_timestamp(value: object, what: str = "timestamp") -> datetime:
    """An ISO 8601 string with a UTC offset as an aware UTC datetime; anything else is refused."""
    if not isinstance(value, str):
        raise InvalidEvent(f"{what} must be an ISO 8601 string with a UTC offset")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidEvent(f"{what} {value!r} is not ISO 8601") from None
    if when.tzinfo is None:
        raise InvalidEvent(f"{what} {value!r} has no UTC offset (add Z or +00:00)")
    try:
        return when.astimezone(timezone.utc)
    except OverflowError:  # "0001-01-01T00:00:00+01:00" is before year 1 in UTC
        raise InvalidEvent(f"{what} {value!r} is out of range") from None


def _valid_text(text: str, what: str) -> str:
    """`text` cut to MAX_TEXT characters; lone surrogates (JSON's "\\ud800") cannot be stored."""
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT - len(TRUNCATED)] + TRUNCATED
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidEvent(f"{what} is not valid Unicode (a lone surrogate)") from None
    return text


def limited_data(data: Mapping[str, Scalar] | None) -> Mapping[str, Scalar]:
    """`data` frozen and within the limits: long strings truncated; too many keys, lone
    surrogates, huge integers and non-finite numbers refused. One pass: every heartbeat runs it."""
    if not data:
        return _EMPTY
    if len(data) > MAX_KEYS:
        raise InvalidEvent(f"data has {len(data)} keys (at most {MAX_KEYS})")
    out: dict[str, Scalar] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise InvalidEvent(f"data key {key!r} is not a string")
        if len(key) > MAX_KEY_LENGTH:
            raise InvalidEvent(f"data key {key[:20]!r}... is longer than {MAX_KEY_LENGTH} characters")
        if not key.isascii():
            _valid_text(key, "a data key")
        if isinstance(value, str):
            if len(value) > MAX_TEXT or not value.isascii():
                value = _valid_text(value, f"data[{key!r}]")
        elif value is None or isinstance(value, bool):
            pass
        elif isinstance(value, int):
            if not -MAX_INT <= value <= MAX_INT:
                raise InvalidEvent(f"data[{key!r}] is out of range (at most {MAX_INT})")
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise InvalidEvent(f"data[{key!r}] must be a finite number")
        else:
            raise InvalidEvent(f"data[{key!r}] must be a string, number, boolean or null")
        out[key] = value
    return MappingProxyType(out)


def limited_counts(counts: Mapping[str, int] | None) -> Mapping[str, int]:
    """`counts` frozen and within the limits: at most MAX_KEYS keys, each value a non-negative
    integer of at most MAX_COUNT (a gauge: of at most its GAUGES maximum)."""
    if not counts:
        return _EMPTY
    if len(counts) > MAX_KEYS:
        raise InvalidEvent(f"counts has {len(counts)} keys (at most {MAX_KEYS})")
    for key, value in counts.items():
        if not isinstance(key, str):
            raise InvalidEvent(f"counts key {key!r} is not a string")
        if len(key) > MAX_KEY_LENGTH:
            raise InvalidEvent(f"counts key {key[:20]!r}... is longer than {MAX_KEY_LENGTH} characters")
        if not key.isascii():
            _valid_text(key, "a counts key")
        top = GAUGES.get(key)
        if top is not None and (isinstance(value, bool) or not isinstance(value, int)
                                or not 0 <= value <= top):
            raise InvalidEvent(f"counts[{key!r}] must be an integer from 0 to {top} (a gauge), "
                               f"not {str(value)[:20]}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidEvent(f"counts[{key!r}] must be a non-negative integer")
        if value > MAX_COUNT:
            raise InvalidEvent(f"counts[{key!r}] = {value} is absurd (at most {MAX_COUNT:,})")
    return counts if isinstance(counts, MappingProxyType) else MappingProxyType(dict(counts))


def check_span(start: datetime, duration: timedelta, what: str = "record") -> None:
    """Refuse a span outside the calendar the reports and query verbs cover, or too long."""
    if duration > MAX_DURATION:
        raise InvalidEvent(f"{what} lasts {duration.total_seconds():g} s, more than "
                           f"{MAX_DURATION.days} days")
    if start < EARLIEST or start > LATEST or duration > LATEST - start:
        raise InvalidEvent(f"{what} at {start.isoformat()} is outside {EARLIEST.date()} to "
                           f"{LATEST.date()}, the range reports and queries cover")


def check_not_ahead(start: datetime, now: datetime, what: str = "record") -> None:
    """Refuse a record starting more than MAX_AHEAD after `now` (a clock set years ahead)."""
    if start > now + MAX_AHEAD:
        raise InvalidEvent(f"{what} at {start.isoformat()} is in the future (now is "
                           f"{now.isoformat(timespec='seconds')})")


def check_device(value: object, what: str = "device") -> str:
    """A device name as stored: a string of at most MAX_DEVICE characters, without control
    characters or lone surrogates ("" is this machine)."""
    if not isinstance(value, str):
        raise InvalidEvent(f"{what} must be a string")
    if len(value) > MAX_DEVICE:
        raise InvalidEvent(f"{what} {value[:20]!r}... is longer than {MAX_DEVICE} characters")
    if not value.isprintable():
        raise InvalidEvent(f"{what} {value[:20]!r} has control characters")
    if not value.isascii():
        _valid_text(value, what)
    return value


def device_or(device: str, local: str) -> str:
    """The device an event was recorded on, with "" (this machine) resolved to `local`."""
    return device or local


def _frozen_data(data: Mapping[str, Scalar] | None) -> Mapping[str, Scalar]:
    if not data:
        return _EMPTY
    if isinstance(data, MappingProxyType):
        return data
    for key, value in data.items():
        if not isinstance(key, str):
            raise InvalidEvent(f"data key {key!r} is not a string")
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise InvalidEvent(f"data[{key!r}] must be a string, number, boolean or null")
    return MappingProxyType(dict(data))


def _frozen_counts(counts: Mapping[str, int] | None) -> Mapping[str, int]:
    if not counts:
        return _EMPTY
    if isinstance(counts, MappingProxyType):
        return counts
    for key, value in counts.items():
        if not isinstance(key, str):
            raise InvalidEvent(f"counts key {key!r} is not a string")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidEvent(f"counts[{key!r}] must be a non-negative integer")
    return MappingProxyType(dict(counts))


def merge_counts(a: Mapping[str, int], b: Mapping[str, int]) -> Mapping[str, int]:
    """Two counts mappings of one event combined key by key: counts add, gauges keep the larger
    value (a new mapping; neither input changes)."""
    if not b:
        return a
    if not a:
        return b
    merged = dict(a)
    for key, value in b.items():
        if key in GAUGES:
            merged[key] = max(merged.get(key, 0), value)
        else:
            merged[key] = merged.get(key, 0) + value
    return MappingProxyType(merged)


def summable(counts: Mapping[str, int]) -> Iterator[tuple[str, int]]:
    """The (key, value) pairs of `counts` that may be summed across events: every key but the
    gauges (a day's total of "scroll_depth" would mean nothing)."""
    for key, value in counts.items():
        if key not in GAUGES:
            yield key, value


@dataclass(frozen=True, slots=True)
class Event:
    """A span of time doing one thing: `data` says what, `counts` how much input happened (and
    the gauges in it, such as `scroll_depth`, the most reached)."""

    source: str
    start: datetime
    duration: timedelta = ZERO
    data: Mapping[str, Scalar] = field(default_factory=lambda: _EMPTY)
    counts: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    id: int | None = field(default=None, compare=False)
    device: str = THIS_DEVICE  # the machine it was recorded on ("": this one)

    def __post_init__(self) -> None:
        if not self.source:
            raise InvalidEvent("event source is empty")
        object.__setattr__(self, "start", require_utc(self.start, "event start"))
        if self.duration < ZERO:
            raise InvalidEvent(f"event duration {self.duration} is negative")
        object.__setattr__(self, "data", _frozen_data(self.data))
        object.__setattr__(self, "counts", _frozen_counts(self.counts))

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    def with_(self, **changes: object) -> "Event":
        """A copy with some fields replaced (the event itself never changes)."""
        values = {
            "source": self.source,
            "start": self.start,
            "duration": self.duration,
            "data": self.data,
            "counts": self.counts,
            "id": self.id,
            "device": self.device,
        }
        values.update(changes)
        return Event(**values)  # type: ignore[arg-type]


def within_limits(event: Event) -> Event:
    """A new event (an imported one) within the limits every heartbeat passes: long strings
    truncated, or InvalidEvent saying which limit it breaks."""
    check_span(event.start, event.duration, "event")
    if event.device:
        check_device(event.device, "event device")
    data, counts = limited_data(event.data), limited_counts(event.counts)
    if data == event.data:
        return event
    return event.with_(data=data, counts=counts)


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """One observation "at `timestamp` the person was doing `data`", merged into events."""

    source: str
    timestamp: datetime
    duration: timedelta = ZERO
    data: Mapping[str, Scalar] = field(default_factory=lambda: _EMPTY)
    counts: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    device: str = THIS_DEVICE  # the machine that observed it ("": this one)

    def __post_init__(self) -> None:
        if not self.source:
            raise InvalidEvent("heartbeat source is empty")
        if self.device:
            check_device(self.device, "heartbeat device")
        object.__setattr__(self, "timestamp", require_utc(self.timestamp))
        if self.duration < ZERO:
            raise InvalidEvent(f"heartbeat duration {self.duration} is negative")
        check_span(self.timestamp, self.duration, "heartbeat")
        object.__setattr__(self, "data", limited_data(self.data))
        object.__setattr__(self, "counts", limited_counts(self.counts))

    def to_event(self) -> Event:
        return Event(self.source, self.timestamp, self.duration, self.data, self.counts,
                     device=self.device)
