from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tracker_desktop.domain.days import (
    InvalidPeriod,
    day_bounds,
    day_of,
    day_period,
    hour_starts,
    month_period,
    parse_date,
    range_period,
    week_period,
)

BERLIN = ZoneInfo("Europe/Berlin")
NY = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")


def test_a_plain_day_is_24_hours_from_local_midnight():
    start, end = day_bounds(date(2026, 1, 5), BERLIN)
    assert start == datetime(2026, 1, 4, 23, tzinfo=timezone.utc)
    assert end - start == timedelta(hours=24)


def test_dst_days_last_23_and_25_hours():
    spring = day_bounds(date(2026, 3, 29), BERLIN)
    autumn = day_bounds(date(2026, 10, 25), BERLIN)
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)
    us = day_bounds(date(2026, 3, 8), NY)
    assert us[1] - us[0] == timedelta(hours=23)


def test_day_start_hour_moves_the_boundary():
    start, end = day_bounds(date(2026, 1, 5), timezone.utc, start_hour=4)
    assert start == datetime(2026, 1, 5, 4, tzinfo=timezone.utc)
    assert end == datetime(2026, 1, 6, 4, tzinfo=timezone.utc)
    # 02:00 on the 6th still belongs to the 5th.
    assert day_of(datetime(2026, 1, 6, 2, tzinfo=timezone.utc), timezone.utc, 4) == date(2026, 1, 5)
    assert day_of(datetime(2026, 1, 6, 4, tzinfo=timezone.utc), timezone.utc, 4) == date(2026, 1, 6)


def test_day_of_uses_local_time():
    late = datetime(2026, 1, 5, 23, 30, tzinfo=timezone.utc)  # 00:30 in Berlin on the 6th
    assert day_of(late, BERLIN) == date(2026, 1, 6)
    assert day_of(late, NY) == date(2026, 1, 5)


def test_hour_starts_follow_the_local_clock_through_dst_and_half_hour_zones():
    start, end = day_bounds(date(2026, 3, 29), BERLIN)
    hours = [h for _, h in hour_starts(start, end, BERLIN)]
    assert hours == [0, 1] + list(range(3, 24))  # 02:00 does not exist that day
    start, end = day_bounds(date(2026, 10, 25), BERLIN)
    assert [h for _, h in hour_starts(start, end, BERLIN)] == [0, 1, 2, 2] + list(range(3, 24))
    start, end = day_bounds(date(2026, 1, 5), KOLKATA)
    assert [h for _, h in hour_starts(start, end, KOLKATA)] == list(range(24))


def test_periods():
    assert week_period("2026-W02").first == date(2026, 1, 5)
    assert week_period("2026w2").last == date(2026, 1, 11)
    assert week_period("2026-W53").first == date(2026, 12, 28)  # 2026 has 53 ISO weeks
    assert month_period("2024-02").last == date(2024, 2, 29)
    assert month_period("2026-12").last == date(2026, 12, 31)
    assert day_period(date(2026, 1, 5)).days == 1
    assert range_period(date(2026, 1, 1), date(2026, 1, 31)).days == 31
    assert parse_date("yesterday", date(2026, 1, 5)) == date(2026, 1, 4)
    assert parse_date("today", date(2026, 1, 5)) == date(2026, 1, 5)


@pytest.mark.parametrize("call", [
    lambda: week_period("2025-W53"),
    lambda: week_period("2026-02"),
    lambda: month_period("2026-13"),
    lambda: month_period("January"),
    lambda: parse_date("05/01/2026"),
    lambda: range_period(date(2026, 2, 1), date(2026, 1, 1)),
])
def test_bad_periods_say_what_is_wrong(call):
    with pytest.raises(InvalidPeriod):
        call()


@pytest.mark.parametrize("make", [
    lambda: day_period(date(1, 1, 1)),
    lambda: day_period(date(9999, 12, 31)),
    lambda: week_period("9999-W52"),
    lambda: month_period("0001-01"),
    lambda: range_period(date(1, 1, 1), date(2026, 1, 5)),
])
def test_periods_at_the_ends_of_the_calendar_are_refused_not_overflowing(make):
    # A report needs the day after the period and the 30 days before its end: near year 1 or
    # 9999 those overflowed (OverflowError instead of a usage error).
    with pytest.raises(InvalidPeriod, match="reports cover"):
        make()
