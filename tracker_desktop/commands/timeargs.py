"""Parsing of the time arguments the CLI verbs share."""

from __future__ import annotations

from datetime import date, datetime, time

from tracker_desktop.domain.events import InvalidEvent


def parse_when(text: str, what: str) -> datetime:
    """An ISO 8601 datetime with a UTC offset, or a date (local midnight of that day)."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time()).astimezone()
        when = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidEvent(f"{what} {text!r} is not an ISO 8601 date or datetime") from None
    if when.tzinfo is None:
        raise InvalidEvent(f"{what} {text!r} has no UTC offset (add Z, +00:00, or give a date)")
    return when
