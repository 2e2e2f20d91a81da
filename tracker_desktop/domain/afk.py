"""Away-from-keyboard as a pure state machine: idle seconds per poll in, "afk" heartbeats out.

`AfkTracker` is ActivityWatch's aw-watcher-afk loop (aw_watcher_afk/afk.py, `heartbeat_loop`)
as a pure function of (now, idle seconds), so histories imported from ActivityWatch agree with
ours. The idle-time probes live in collectors/afk.py.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from .events import AFK, Heartbeat, require_utc

logger = logging.getLogger(__name__)

AFK_STATUS = "afk"
NOT_AFK_STATUS = "not-afk"
_1MS = timedelta(milliseconds=1)
# A heartbeat timestamp may come out a little early: the idle reading jitters by a few ms, and
# aw's "+1 ms" pings put an event's start 1 ms after the last input. A heartbeat earlier than the
# previous one of its status would start a new, overlapping event; one earlier than the end of the
# previous status's event would overlap it. Such small regressions are snapped forward; larger
# jumps (the wall clock was set back) are taken as they come.
_MAX_SNAP = timedelta(seconds=1)


class AfkTracker:
    """aw-watcher-afk's heartbeat loop, one `tick` per poll.

    The AFK period starts at the last input (+1 ms), not when the timeout expired, exactly as in
    ActivityWatch. Heartbeats: source "afk", data {"status": "afk" | "not-afk"}; merge them with
    `pulsetime` (= timeout + poll, aw's value). One addition to aw: a timestamp that would land a
    few ms before the event it belongs to is snapped forward (see _MAX_SNAP), so merged AFK events
    never overlap.
    """

    def __init__(self, timeout: float, poll_seconds: float) -> None:
        if timeout <= 0:
            raise ValueError(f"AFK timeout must be positive, not {timeout}")
        if poll_seconds <= 0:
            raise ValueError(f"poll_seconds must be positive, not {poll_seconds}")
        self._timeout = float(timeout)
        self._poll = float(poll_seconds)
        self._afk = False
        self._status: str | None = None  # of the last heartbeat
        self._last: datetime | None = None  # its timestamp
        self._end: datetime | None = None  # end of the event it belongs to

    @property
    def pulsetime(self) -> float:
        return self._timeout + self._poll

    def reset(self) -> None:
        """Forget the state: the next tick starts afresh (after a pause, which records nothing)."""
        self._afk = False
        self._status = self._last = self._end = None

    @property
    def timeout(self) -> float:
        return self._timeout

    @property
    def afk(self) -> bool:
        return self._afk

    def tick(self, now: datetime, idle_seconds: float) -> list[Heartbeat]:
        now = require_utc(now, "tick time")
        idle = max(0.0, float(idle_seconds))
        last_input = now - timedelta(seconds=idle)
        out: list[Heartbeat] = []
        if self._afk and idle < self._timeout:
            logger.debug("no longer AFK (last input %s)", last_input)
            out.append(self._ping(True, last_input))
            self._afk = False
            # +1 ms so the new not-afk event starts after the afk one ends (aw does the same).
            out.append(self._ping(False, last_input + _1MS))
        elif not self._afk and idle >= self._timeout:
            logger.debug("became AFK (last input %s)", last_input)
            out.append(self._ping(False, last_input))
            self._afk = True
            out.append(self._ping(True, last_input + _1MS, idle))
        elif self._afk:
            # Current aw-watcher-afk pings at last_input + 1 ms here too (older versions used
            # last_input), so the heartbeat is not earlier than the afk event it extends.
            out.append(self._ping(True, last_input + _1MS, idle))
        else:
            out.append(self._ping(False, last_input))
        return out

    def _ping(self, afk: bool, when: datetime, duration: float = 0.0) -> Heartbeat:
        status = AFK_STATUS if afk else NOT_AFK_STATUS
        end = when + timedelta(seconds=duration)
        floor = self._last if status == self._status else self._end
        if floor is not None and floor - _MAX_SNAP < when < floor:
            when = floor
        end = max(end, when)
        if status == self._status and self._end is not None:
            self._end = max(self._end, end)
        else:
            self._end = end
        self._status, self._last = status, when
        return Heartbeat(AFK, when, end - when, {"status": status})
