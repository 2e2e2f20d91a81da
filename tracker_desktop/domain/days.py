"""Local days and report periods: which UTC span a calendar day covers, given a time zone and a
day start hour, and how day / ISO week / month / range arguments become a list of days.

A "day" starts at `start_hour`:00 local time (0 = midnight) and ends at the same wall-clock time
the next day, so DST days last 23 or 25 hours. Wall times that do not exist (spring forward) or
exist twice (fall back) resolve as PEP 495 says for fold=0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Iterator

ONE_DAY = timedelta(days=1)
# The calendar reports cover: every day's bounds, its week's Monday and the 30 days before it
# stay inside datetime's range (year 1 to 9999), whatever the zone and day start hour.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)
# Instants whose local day lies within [FIRST_DAY, LAST_DAY] in every zone: time outside is
# left out of rollups instead of overflowing a date computation.
EARLIEST = datetime(1900, 1, 3, tzinfo=timezone.utc)
LATEST = datetime(9998, 12, 30, tzinfo=timezone.utc)


class InvalidPeriod(ValueError):
    """A period argument that cannot be read (bad date, week, month or an end before the start)."""


def day_bounds(day: date, tz: tzinfo, start_hour: int = 0) -> tuple[datetime, datetime]:
    """[start, end) of local `day` in UTC."""
    start = datetime.combine(day, time(start_hour), tzinfo=tz).astimezone(timezone.utc)
    end = datetime.combine(day + ONE_DAY, time(start_hour), tzinfo=tz).astimezone(timezone.utc)
    return start, end


def day_of(when: datetime, tz: tzinfo, start_hour: int = 0) -> date:
    """The local day an instant belongs to (before `start_hour` it is still the previous day)."""
    local = when.astimezone(tz)
    day = local.date()
    if local.hour < start_hour:
        day -= ONE_DAY
    return day


def days(first: date, last: date) -> Iterator[date]:
    """Every day from `first` to `last`, both included."""
    d = first
    while d <= last:
        yield d
        d += ONE_DAY


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class Period:
    """Days `first`..`last` (both included) and what the user called them."""

    first: date
    last: date
    label: str

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise InvalidPeriod(f"the period ends ({self.last}) before it starts ({self.first})")
        if self.first < FIRST_DAY or self.last > LAST_DAY:
            raise InvalidPeriod(f"{self.label}: reports cover {FIRST_DAY} to {LAST_DAY}")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bounds(self, tz: tzinfo, start_hour: int = 0) -> tuple[datetime, datetime]:
        return day_bounds(self.first, tz, start_hour)[0], day_bounds(self.last, tz, start_hour)[1]


def parse_date(text: str, today: date | None = None) -> date:
    """YYYY-MM-DD, or `today` / `yesterday` when today's date is given."""
    word = text.strip().lower()
    if today is not None and word in ("today", "yesterday"):
        return today if word == "today" else today - ONE_DAY
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidPeriod(f"{text!r} is not a date (YYYY-MM-DD)") from None


_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def day_period(day: date) -> Period:
    return Period(day, day, day.isoformat())


def week_period(text: str) -> Period:
    """ISO week: YYYY-Www (Monday to Sunday)."""
    m = _WEEK.match(text.strip())
    if not m:
        raise InvalidPeriod(f"{text!r} is not an ISO week (YYYY-Www, e.g. 2026-W02)")
    year, week = int(m.group(1)), int(m.group(2))
    try:
        first = date.fromisocalendar(year, week, 1)
        last = first + timedelta(days=6)
    except ValueError:
        raise InvalidPeriod(f"{text!r}: {year} has no week {week}") from None
    except OverflowError:  # the last ISO week of 9999 ends in year 10000
        raise InvalidPeriod(f"{text!r}: reports cover {FIRST_DAY} to {LAST_DAY}") from None
    return Period(first, last, f"{year}-W{week:02d}")


def month_period(text: str) -> Period:
    """Calendar month: YYYY-MM."""
    m = _MONTH.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InvalidPeriod(f"{text!r} is not a month (YYYY-MM)")
    year, month = int(m.group(1)), int(m.group(2))
    first = date(year, month, 1)
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Period(first, nxt - ONE_DAY, f"{year}-{month:02d}")


def range_period(first: date, last: date) -> Period:
    if last < first:
        raise InvalidPeriod(f"--end {last} is before --start {first}")
    return Period(first, last, f"{first.isoformat()}..{last.isoformat()}")


def hour_starts(start: datetime, end: datetime, tz: tzinfo) -> list[tuple[datetime, int]]:
    """Local clock-hour boundaries in [start, end) as (UTC instant, local hour), `start` first.

    `start` must be on a local hour boundary (a day start is). Whole-hour DST shifts keep UTC
    hour steps on local hour boundaries, so stepping one hour in UTC walks the local hours.
    """
    out = []
    t = start
    step = timedelta(hours=1)
    while t < end:
        out.append((t, t.astimezone(tz).hour))
        t += step
    return out
