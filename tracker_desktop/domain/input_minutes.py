"""Input counts per wall-clock minute: the pure state machine behind the "input" events.

Each tick's counts come out at once, as a heartbeat for their minute, so they are written within
the writer's flush interval like everything else: a `kill -9` loses seconds of counts, not the
minute that was still open (issue 7: the window events held 437 keys, the report said 12).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Mapping

from .events import INPUT, Heartbeat, require_utc

MINUTE = timedelta(minutes=1)
# A minute's event ends just before the next minute starts: with pulsetime 0 the inclusive merge
# rule then joins the heartbeats of one minute and never those of two.
_LAST_INSTANT = MINUTE - timedelta(microseconds=1)


def minute_of(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0)


class InputMinuteTracker:
    """Turn input counts per tick into "input" heartbeats, one event per wall-clock minute (UTC).

    A heartbeat starts at its minute's start, has data {} and lasts until the tick (never past
    the minute); heartbeats of one minute merge with `pulsetime` 0, their counts adding up.
    Minutes without input give nothing. `boundary(now)` says whether a tick at `now` leaves the
    previous tick's minute, so the caller can split the input at that instant: `tick` credits
    `before_boundary` to the previous minute and `counts` to `now`'s.
    """

    pulsetime = 0.0

    def __init__(self) -> None:
        self._minute: datetime | None = None

    def boundary(self, now: datetime) -> datetime | None:
        """The start of `now`'s minute if the previous tick was in an earlier minute, else None."""
        minute = minute_of(require_utc(now, "tick time"))
        return minute if self._minute is not None and minute != self._minute else None

    def tick(self, now: datetime, counts: Mapping[str, int],
             before_boundary: Mapping[str, int] | None = None) -> list[Heartbeat]:
        now = require_utc(now, "tick time")
        minute = minute_of(now)
        out = []
        if before_boundary and self._minute is not None and self._minute != minute:
            out += self._beat(self._minute, self._minute + MINUTE, before_boundary)
        out += self._beat(minute, now, counts)
        self._minute = minute
        return out

    def reset(self) -> None:
        """Forget the previous tick (after a pause: the input in between is not recorded)."""
        self._minute = None

    @staticmethod
    def _beat(minute: datetime, until: datetime, counts: Mapping[str, int]) -> list[Heartbeat]:
        kept = {k: n for k, n in counts.items() if n}
        if not kept:
            return []
        return [Heartbeat(INPUT, minute, min(until - minute, _LAST_INSTANT), {}, kept)]
