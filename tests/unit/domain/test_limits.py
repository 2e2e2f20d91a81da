"""Limits every new observation passes (issue 7 item 7): heartbeats always, imported events via
`within_limits`; stored events read back as they are."""

from datetime import datetime, timedelta, timezone

import pytest

from tracker_desktop.domain.days import EARLIEST, LATEST
from tracker_desktop.domain.events import (MAX_COUNT, MAX_DURATION, MAX_TEXT, TRUNCATED, Event, Heartbeat,
                                           InvalidEvent, check_not_ahead, within_limits)

T = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def test_long_strings_are_truncated_with_a_marker():
    hb = Heartbeat("window", T, data={"app": "code", "title": "x" * 50_000})
    assert len(hb.data["title"]) == MAX_TEXT and hb.data["title"].endswith(TRUNCATED)
    assert hb.data["app"] == "code"
    e = within_limits(Event("browser", T, data={"url": "https://e.com/" + "a" * 5000}))
    assert len(e.data["url"]) == MAX_TEXT


@pytest.mark.parametrize("kwargs, message", [
    ({"data": {"title": "\ud800"}}, "not valid Unicode"),
    ({"data": {"n": 10**30}}, "out of range"),
    ({"data": {"x": float("nan")}}, "finite"),
    ({"data": {f"k{i}": i for i in range(40)}}, "keys"),
    ({"counts": {"keys": MAX_COUNT + 1}}, "absurd"),
    ({"counts": {"scroll_depth": 101}}, r"integer from 0 to 100 \(a gauge\), not 101"),
    ({"counts": {"scroll_depth": MAX_COUNT + 1}}, "integer from 0 to 100"),
    ({"duration": MAX_DURATION + timedelta(seconds=1)}, "days"),
])
def test_absurd_values_are_refused(kwargs, message):
    with pytest.raises(InvalidEvent, match=message):
        Heartbeat("window", T, **kwargs)
    with pytest.raises(InvalidEvent, match=message):
        within_limits(Event("window", T, **kwargs))


@pytest.mark.parametrize("when", [EARLIEST - timedelta(microseconds=1), LATEST + timedelta(microseconds=1),
                                  datetime(1, 1, 1, tzinfo=timezone.utc),
                                  datetime(9999, 12, 31, 23, tzinfo=timezone.utc)])
def test_the_year_range_is_the_one_reports_and_queries_cover(when):
    with pytest.raises(InvalidEvent, match="outside"):
        Heartbeat("window", when)
    Heartbeat("window", EARLIEST)
    Heartbeat("window", LATEST)


def test_a_span_running_past_the_range_is_refused_without_overflowing():
    with pytest.raises(InvalidEvent, match="outside"):
        Heartbeat("window", LATEST - timedelta(seconds=1), timedelta(seconds=2))


def test_far_future_is_refused_near_future_is_not():
    check_not_ahead(T + timedelta(hours=23), T)
    with pytest.raises(InvalidEvent, match="future"):
        check_not_ahead(T + timedelta(days=2), T)


def test_stored_events_read_back_unchanged():
    # A row written before the limits existed still reads, so updates of it still match it.
    e = Event("window", datetime(1, 1, 1, tzinfo=timezone.utc), data={"title": "x" * 5000},
              counts={"keys": MAX_COUNT * 10})
    assert len(e.data["title"]) == 5000


@pytest.mark.parametrize("value", [-1, 50.5, True, "50", None])
def test_a_gauge_that_is_no_integer_says_its_range(value):
    with pytest.raises(InvalidEvent, match=r"scroll_depth'\] must be an integer from 0 to 100"):
        Heartbeat("browser", T, counts={"scroll_depth": value})


def test_a_gauge_at_its_bounds_is_taken():
    assert Heartbeat("browser", T, counts={"scroll_depth": 0}).counts["scroll_depth"] == 0
    assert Heartbeat("browser", T, counts={"scroll_depth": 100}).counts["scroll_depth"] == 100
    # Other counts keep their own limit only.
    assert Heartbeat("browser", T, counts={"tab_switches": 1000}).counts["tab_switches"] == 1000
