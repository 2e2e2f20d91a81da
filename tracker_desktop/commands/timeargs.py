"""Parsing of the time arguments the CLI verbs share."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

from tracker_desktop.domain.days import EARLIEST, LATEST
from tracker_desktop.domain.events import InvalidEvent


def parse_when(text: str, what: str, tz: tzinfo | None = None) -> datetime:
    """An ISO 8601 datetime with a UTC offset, or a date (midnight of that day in `tz`, the
    analysis time zone; default the system's)."""
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
        when = datetime.fromisoformat(text) if day is None else None
    except ValueError:
        raise InvalidEvent(f"{what} {text!r} is not an ISO 8601 date or datetime") from None
    if day is not None:
        try:
            midnight = datetime.combine(day, time())
            when = midnight.replace(tzinfo=tz) if tz is not None else midnight.astimezone()
        except (ValueError, OverflowError):
            when = None
    else:
        assert when is not None
        if when.tzinfo is None:
            raise InvalidEvent(f"{what} {text!r} has no UTC offset (add Z, +00:00, or give a date)")
    # The same range `import` accepts and reports cover.
    if when is None or not EARLIEST <= when <= LATEST:
        raise InvalidEvent(f"{what} {text!r} is out of range: the record covers "
                           f"{EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d}")
    return when
