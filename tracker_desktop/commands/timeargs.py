"""Parsing of the time arguments the CLI verbs share."""

from __future__ import annotations

from datetime import date, datetime, time

from tracker_desktop.domain.events import InvalidEvent


def parse_when(text: str, what: str) -> datetime:
    """An ISO 8601 datetime with a UTC offset, or a date (local midnight of that day)."""
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
        when = datetime.fromisoformat(text) if day is None else None
    except ValueError:
        raise InvalidEvent(f"{what} {text!r} is not an ISO 8601 date or datetime") from None
    if day is not None:
        try:
            return datetime.combine(day, time()).astimezone()
        except (ValueError, OverflowError):
            raise InvalidEvent(f"{what} {text!r} is out of range (years 2 to 9998)") from None
    assert when is not None
    if when.tzinfo is None:
        raise InvalidEvent(f"{what} {text!r} has no UTC offset (add Z, +00:00, or give a date)")
    return when
