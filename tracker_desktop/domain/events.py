"""Events and heartbeats: the immutable record everything else is computed from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Mapping, Union

Scalar = Union[str, int, float, bool, None]
ZERO = timedelta(0)
_EMPTY: Mapping = MappingProxyType({})

# Sources the application itself writes; other strings are allowed (imports, extensions).
WINDOW = "window"
AFK = "afk"
INPUT = "input"
BROWSER = "browser"
EDITOR = "editor"
MANUAL = "manual"

COUNT_KEYS = ("keys", "clicks", "scrolls", "moves")


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


def add_counts(a: Mapping[str, int], b: Mapping[str, int]) -> Mapping[str, int]:
    """Sum two count mappings key by key (a new mapping; neither input changes)."""
    if not b:
        return a
    if not a:
        return b
    merged = dict(a)
    for key, value in b.items():
        merged[key] = merged.get(key, 0) + value
    return MappingProxyType(merged)


@dataclass(frozen=True, slots=True)
class Event:
    """A span of time doing one thing: `data` says what, `counts` how much input happened."""

    source: str
    start: datetime
    duration: timedelta = ZERO
    data: Mapping[str, Scalar] = field(default_factory=lambda: _EMPTY)
    counts: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    id: int | None = field(default=None, compare=False)

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
        }
        values.update(changes)
        return Event(**values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """One observation "at `timestamp` the person was doing `data`", merged into events."""

    source: str
    timestamp: datetime
    duration: timedelta = ZERO
    data: Mapping[str, Scalar] = field(default_factory=lambda: _EMPTY)
    counts: Mapping[str, int] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        if not self.source:
            raise InvalidEvent("heartbeat source is empty")
        object.__setattr__(self, "timestamp", require_utc(self.timestamp))
        if self.duration < ZERO:
            raise InvalidEvent(f"heartbeat duration {self.duration} is negative")
        object.__setattr__(self, "data", _frozen_data(self.data))
        object.__setattr__(self, "counts", _frozen_counts(self.counts))

    def to_event(self) -> Event:
        return Event(self.source, self.timestamp, self.duration, self.data, self.counts)
