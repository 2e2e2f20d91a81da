from datetime import datetime, timedelta, timezone

import pytest

from tracker_desktop.domain.events import (GAUGES, Event, Heartbeat, InvalidEvent, merge_counts,
                                           summable)

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def test_naive_datetimes_are_rejected():
    with pytest.raises(InvalidEvent, match="no UTC offset"):
        Event("window", datetime(2026, 1, 5, 9))
    with pytest.raises(InvalidEvent, match="no UTC offset"):
        Heartbeat("window", datetime(2026, 1, 5, 9))


def test_offsets_are_normalised_to_utc():
    plus2 = timezone(timedelta(hours=2))
    e = Event("window", datetime(2026, 1, 5, 11, tzinfo=plus2))
    assert e.start == T0 and e.start.tzinfo is timezone.utc


def test_events_are_immutable_including_their_mappings():
    data = {"app": "code"}
    e = Event("window", T0, timedelta(seconds=5), data, {"keys": 2})
    data["app"] = "changed"
    assert e.data["app"] == "code"
    with pytest.raises(AttributeError):
        e.duration = timedelta(0)  # type: ignore[misc]
    with pytest.raises(TypeError):
        e.data["app"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        e.counts["keys"] = 9  # type: ignore[index]


@pytest.mark.parametrize("counts", [{"keys": -1}, {"keys": 1.5}, {"keys": True}, {"keys": "3"}])
def test_counts_must_be_non_negative_integers(counts):
    with pytest.raises(InvalidEvent, match="counts"):
        Event("window", T0, counts=counts)


def test_data_values_must_be_scalars():
    with pytest.raises(InvalidEvent, match="data"):
        Event("window", T0, data={"app": ["x"]})


def test_negative_duration_and_empty_source_rejected():
    with pytest.raises(InvalidEvent):
        Event("window", T0, timedelta(seconds=-1))
    with pytest.raises(InvalidEvent):
        Event("", T0)


def test_merge_counts_sums_key_by_key_without_touching_inputs():
    a, b = {"keys": 1, "clicks": 2}, {"keys": 3, "moves": 4}
    assert dict(merge_counts(a, b)) == {"keys": 4, "clicks": 2, "moves": 4}
    assert a == {"keys": 1, "clicks": 2} and b == {"keys": 3, "moves": 4}


def test_merge_counts_keeps_the_larger_gauge():
    a, b = {"tab_switches": 1, "scroll_depth": 70}, {"tab_switches": 2, "scroll_depth": 40}
    assert dict(merge_counts(a, b)) == {"tab_switches": 3, "scroll_depth": 70}
    assert dict(merge_counts(b, a)) == {"tab_switches": 3, "scroll_depth": 70}
    assert dict(merge_counts({"keys": 1}, {"scroll_depth": 5})) == {"keys": 1, "scroll_depth": 5}
    assert a == {"tab_switches": 1, "scroll_depth": 70}


def test_gauges_are_an_explicit_list_and_summable_leaves_them_out():
    assert dict(GAUGES) == {"scroll_depth": 100}
    assert "scroll_depth" in GAUGES and "tab_switches" not in GAUGES and "max_depth" not in GAUGES
    assert dict(summable({"keys": 3, "scroll_depth": 90, "lines_added": 1})) == {"keys": 3,
                                                                               "lines_added": 1}


def test_end_and_with_():
    e = Event("window", T0, timedelta(seconds=5), id=3)
    assert e.end == T0 + timedelta(seconds=5)
    f = e.with_(duration=timedelta(seconds=9))
    assert f.duration == timedelta(seconds=9) and e.duration == timedelta(seconds=5) and f.id == 3
