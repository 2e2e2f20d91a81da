"""Conversions between domain values and their stored form."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from tracker_desktop.domain.events import Event

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_US = timedelta(microseconds=1)
_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def to_us(when: datetime) -> int:
    return (when - EPOCH) // _US


def from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def td_to_us(delta: timedelta) -> int:
    return delta // _US


def dump_map(mapping: Mapping[str, Any]) -> str:
    return _dumps(dict(mapping)) if mapping else "{}"


def load_map(text: str | None) -> dict[str, Any]:
    return json.loads(text) if text and text != "{}" else {}


def event_to_row(event: Event) -> dict[str, Any]:
    row = {
        "source": event.source,
        "start_us": to_us(event.start),
        "duration_us": td_to_us(event.duration),
        "data": dump_map(event.data),
        "counts": dump_map(event.counts),
        "device": event.device,
    }
    if event.id is not None:
        row["id"] = event.id
    return row


def row_to_event(id_: int, source: str, start_us: int, duration_us: int, data: str, counts: str,
                 device: str = "") -> Event:
    return Event(
        source,
        from_us(start_us),
        timedelta(microseconds=duration_us),
        load_map(data),
        load_map(counts),
        id_,
        device or "",
    )


@dataclass(frozen=True, slots=True)
class StateValue:
    """A value of the `state` table and when it was written."""

    value: Any
    updated: datetime
