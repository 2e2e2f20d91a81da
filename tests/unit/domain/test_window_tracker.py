from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker_desktop.domain.privacy import REDACTED, PrivacyRules
from tracker_desktop.domain.window import WindowInfo, WindowTracker
from tracker_desktop.domain.events import InvalidEvent
from tracker_desktop.domain.heartbeat import reduce

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
EDITOR = WindowInfo("code", "main.py - project", 100)
SHELL = WindowInfo("xterm", "~/project", 200)


def tracker(poll=1.0, pulsetime=None, **rules):
    return WindowTracker(PrivacyRules(**rules), poll, pulsetime)


def test_one_heartbeat_per_tick_with_app_and_title_not_pid():
    [hb] = tracker().tick(T0, EDITOR, {"keys": 3, "clicks": 0, "scrolls": 1, "moves": 0})
    assert hb.source == "window"
    assert hb.timestamp == T0
    assert hb.duration == timedelta(0)
    assert dict(hb.data) == {"app": "code", "title": "main.py - project"}
    assert dict(hb.counts) == {"keys": 3, "scrolls": 1}  # zero entries dropped


def test_no_window_gives_no_heartbeat_and_no_current():
    t = tracker()
    t.tick(T0, EDITOR, {})
    assert t.current == EDITOR
    assert t.tick(T0 + timedelta(seconds=1), None, {"keys": 5}) == []
    assert t.current is None


def test_excluded_window_gives_nothing_and_its_input_is_not_credited():
    t = tracker(exclude_apps=["xterm"])
    assert t.tick(T0, SHELL, {"keys": 9}) == []
    assert t.current is None


def test_redacted_title_is_what_gets_recorded_and_shown():
    t = tracker(redact_titles=["project"])
    [hb] = t.tick(T0, SHELL, {})
    assert hb.data["title"] == REDACTED
    assert t.current == WindowInfo("xterm", REDACTED, 200)


def test_pulsetime_defaults_to_poll_plus_one_second():
    assert tracker(poll=1.0).pulsetime == 2.0
    assert tracker(poll=0.5).pulsetime == 1.5
    assert tracker(poll=1.0, pulsetime=5.0).pulsetime == 5.0
    assert tracker(poll=1.0, pulsetime=2.0).pulsetime == 2.0


def test_pulsetime_shorter_than_poll_plus_one_is_refused():
    with pytest.raises(ValueError, match="at least poll_seconds \\+ 1"):
        tracker(poll=1.0, pulsetime=1.5)
    with pytest.raises(ValueError):
        tracker(poll=0)


def test_naive_time_is_rejected():
    with pytest.raises(InvalidEvent):
        tracker().tick(datetime(2026, 1, 5, 9), EDITOR, {})


windows = st.sampled_from([EDITOR, SHELL, None])


@given(polls=st.lists(st.tuples(windows, st.integers(0, 5)), min_size=1, max_size=60),
       poll=st.sampled_from([0.5, 1.0, 5.0]))
def test_polls_of_one_window_merge_into_one_event_with_summed_counts(polls, poll):
    t = tracker(poll=poll)
    heartbeats = []
    for i, (info, keys) in enumerate(polls):
        heartbeats += t.tick(T0 + timedelta(seconds=i * poll), info, {"keys": keys})
    events = list(reduce(heartbeats, timedelta(seconds=t.pulsetime)))
    # A new event starts when the window changes, or when the same window comes back after a gap
    # longer than the pulsetime (a single missed poll is bridged: pulsetime >= poll + 1 s).
    runs, last, last_at = [], None, None
    for i, (info, keys) in enumerate(polls):
        if info is None:
            continue
        at = i * poll
        if info != last or at - last_at > t.pulsetime:
            runs.append([info, 0])
        runs[-1][1] += keys
        last, last_at = info, at
    assert [(e.data["title"], e.counts.get("keys", 0)) for e in events] == [
        (info.title, keys) for info, keys in runs]
    for a, b in zip(events, events[1:]):
        assert a.end <= b.start
