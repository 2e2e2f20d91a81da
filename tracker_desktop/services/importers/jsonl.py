"""`import` of heartbeats as JSON lines (the default format): one streaming pass in one transaction.

All or nothing: a file with any bad line changes nothing (the transaction is rolled back), and
the error names the bad lines. Heartbeats merge by the same rule as live tracking, including
into the last stored event. A heartbeat lying wholly inside an event already recorded with the
same data is skipped, counts and all: that is what makes importing a file twice (or a later file
that repeats it) change nothing. Memory stays flat: one line, one event per source and a window
of stored history at a time.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO, Callable, Iterable, Iterator

from tracker_desktop.domain.events import (MAX_DURATION, Event, Heartbeat, InvalidEvent, check_device,
                                           check_not_ahead, parse_timestamp)
from tracker_desktop.domain.heartbeat import PulsedHeartbeat, apply, default_pulsetime

from .base import MAX_REPORTED_ERRORS, BadImportLines, Recorded, Writer

MAX_LINE = 1 << 20  # bytes; strings are cut to 2,000 characters anyway
_FIELDS = {"source", "timestamp", "duration", "data", "counts", "pulsetime", "device"}


@dataclass(frozen=True, slots=True)
class ImportResult:
    received: int  # heartbeats read (the file's good lines)
    events: int  # stored events the heartbeats ended up in (new or extended)

    def to_json(self) -> dict[str, int]:
        return {"received": self.received, "events": self.events}


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidEvent(f"{what} must be a number")
    if not math.isfinite(value):  # json.loads reads 1e400 as inf (and accepts NaN)
        raise InvalidEvent(f"{what} must be a finite number")
    if value < 0:
        raise InvalidEvent(f"{what} must not be negative")
    if value > MAX_DURATION.total_seconds():
        raise InvalidEvent(f"{what} {value:g} s is more than {MAX_DURATION.days} days")
    return float(value)


def _loads(line: str | bytes) -> Any:
    try:
        # Decoding first spares json.loads its encoding detection; surrogatepass as json.loads
        # does, so an encoded lone surrogate reaches the domain's check and its clear message.
        return json.loads(line.decode("utf-8", "surrogatepass") if isinstance(line, bytes) else line)
    except json.JSONDecodeError as exc:
        raise InvalidEvent(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except UnicodeDecodeError as exc:
        raise InvalidEvent(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except RecursionError:  # 100k nested arrays: the parser gives up, the line is bad input
        raise InvalidEvent("nested too deeply") from None
    except ValueError as exc:  # a 5000-digit integer passes Python's int-digit limit
        raise InvalidEvent(f"unreadable number ({exc})"[:200]) from None


def parse_heartbeat_line(line: str | bytes, now: datetime | None = None) -> PulsedHeartbeat:
    """One line as a heartbeat; InvalidEvent says what is wrong with it."""
    obj = _loads(line)
    if not isinstance(obj, dict):
        raise InvalidEvent("expected a JSON object")
    if not _FIELDS.issuperset(obj):
        unknown = set(obj) - _FIELDS
        raise InvalidEvent(f"unknown field(s): {', '.join(sorted(unknown))[:200]}")
    source = obj.get("source")
    if not isinstance(source, str) or not source.strip() or len(source) > 64:
        raise InvalidEvent("source must be a non-empty string of at most 64 characters")
    when = parse_timestamp(obj.get("timestamp"))
    if now is not None:
        check_not_ahead(when, now, "timestamp")
    duration = _number(obj.get("duration", 0), "duration")
    data = obj.get("data", {})
    if not isinstance(data, dict):
        raise InvalidEvent("data must be an object")
    counts = obj.get("counts", {})
    if not isinstance(counts, dict):
        raise InvalidEvent("counts must be an object")
    pulsetime = obj.get("pulsetime")
    pulse = default_pulsetime(source) if pulsetime is None else _number(pulsetime, "pulsetime")
    # The machine the heartbeat was observed on; none (or "") is this machine.
    device = check_device(obj.get("device", ""), "device")
    hb = Heartbeat(source, when, timedelta(seconds=duration), data, counts, device)
    return PulsedHeartbeat(hb, pulse)


def lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, line or None if it is longer than MAX_LINE, bytes read) for each line."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE + 1)
        if not raw:
            return
        number += 1
        size = len(raw)
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line, a piece at a time
                raw = stream.readline(MAX_LINE)
                size += len(raw)
            yield number, None, size
        else:
            yield number, raw, size


def import_jsonl(stream: BinaryIO, uow_factory: Callable[..., Any], now: datetime | None = None,
                 progress: Callable[[int], None] | None = None) -> ImportResult:
    """Merge the heartbeats of a JSON-lines `stream` into the store in one transaction, or raise
    BadImportLines naming the bad lines and change nothing. `progress` gets bytes read."""
    errors: list[tuple[int, str]] = []
    bad = 0
    heartbeats = 0

    def parsed() -> Iterator[PulsedHeartbeat]:
        nonlocal bad, heartbeats
        for number, raw, size in lines(stream):
            if progress is not None:
                progress(size)
            try:
                if raw is None:
                    raise InvalidEvent(f"longer than {MAX_LINE:,} bytes")
                if not raw.strip():
                    continue
                item = parse_heartbeat_line(raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw, now)
            except InvalidEvent as exc:
                bad += 1
                if len(errors) < MAX_REPORTED_ERRORS:
                    errors.append((number, str(exc)))
                continue
            heartbeats += 1
            if not bad:  # after a bad line nothing will be stored: only validate the rest
                yield item

    result = import_heartbeats(uow_factory, parsed(), check=lambda: bad == 0)
    if bad:
        raise BadImportLines(errors, bad)
    return ImportResult(heartbeats, result.events)


def import_heartbeats(uow_factory: Callable[..., Any], heartbeats: Iterable[PulsedHeartbeat],
                      progress: Callable[[int], None] | None = None,
                      check: Callable[[], bool] | None = None) -> ImportResult:
    """Merge `heartbeats` (in order) into the store in one transaction, streaming.

    The transaction commits only if `check()` (asked once the heartbeats are exhausted) is true.
    """
    received = 0
    events = 0
    with uow_factory(write=True) as uow:
        writer = Writer(uow)
        # Per (source, device): heartbeats of two devices never merge.
        recorded: dict[tuple[str, str], Recorded] = {}
        last: dict[tuple[str, str], Event | None] = {}  # the event the next heartbeat may extend
        stored_last: dict[tuple[str, str], Event] = {}  # the stored event as it was read

        def finish(event: Event) -> None:
            nonlocal events
            # Not noted in `recorded`: what this import writes never hides a later heartbeat of
            # the same file, so a file merges exactly as ActivityWatch would merge it.
            if event.id is None:
                writer.add(event)
                events += 1
                return
            before = stored_last[event.source, event.device]
            if event != before:
                writer.change(event, before)
                events += 1

        for item in heartbeats:
            hb = item.heartbeat
            received += 1
            if progress is not None:
                progress(1)
            key = (hb.source, hb.device)
            rec = recorded.get(key)
            if rec is None:
                rec = recorded[key] = Recorded(uow, hb.source, writer, ordered=True, own=False,
                                               device=hb.device)
                stored = uow.events.last(hb.source, hb.device)
                last[key] = stored
                if stored is not None:
                    stored_last[key] = stored
                    rec.keep_original(stored)
            if rec.covering(hb.timestamp, hb.timestamp + hb.duration, hb.data) is not None:
                continue  # already recorded (a file imported before, or a repeated line)
            prev = last[key]
            current, merged = apply(prev, hb, timedelta(seconds=item.pulsetime))
            if not merged and prev is not None:
                finish(prev)  # nothing merges into an event once a later one started
            last[key] = current
        if check is not None and not check():
            return ImportResult(received, 0)  # leaving without commit rolls everything back
        for unfinished in last.values():
            if unfinished is not None:
                finish(unfinished)
        writer.finish()
        uow.commit()
    return ImportResult(received, events)


def event_json(e: Event) -> dict[str, Any]:
    return {
        "source": e.source,
        "start": e.start.isoformat(),
        "end": e.end.isoformat(),
        "duration": e.duration.total_seconds(),
        "data": dict(e.data),
        "counts": dict(e.counts),
        "device": e.device,
    }
