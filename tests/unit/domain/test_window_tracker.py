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


def test_no_window_ends_the_previous_one_and_input_meanwhile_goes_to_the_next():
    t = tracker()
    t.tick(T0, EDITOR, {})
    assert t.current == EDITOR
    [last] = t.tick(T0 + timedelta(seconds=1), None, {"keys": 5})  # typed in the editor
    assert (last.data["app"], last.timestamp, last.counts["keys"]) == ("code", T0 + timedelta(seconds=1), 5)
    assert t.current is None and not t.excluded
    # A window manager clears the active window for a moment while switching: keys typed then
    # were meant for (and reach) the window that comes next.
    [back] = t.tick(T0 + timedelta(seconds=2), EDITOR, {"keys": 4})
    assert dict(back.counts) == {"keys": 4}


def test_excluded_window_gives_nothing_and_its_input_is_not_credited():
    t = tracker(exclude_apps=["xterm"])
    assert t.tick(T0, SHELL, {"keys": 9}) == []
    assert t.current is None and t.excluded
    [hb] = t.tick(T0 + timedelta(seconds=1), EDITOR, {"keys": 3})  # typed in the excluded shell
    assert dict(hb.counts) == {} and not t.excluded


def test_a_switch_ends_the_old_window_at_the_switch_with_the_input_typed_in_it():
    t = tracker()
    t.tick(T0, EDITOR, {"keys": 1})
    old, new = t.tick(T0 + timedelta(seconds=0.4), SHELL, {"keys": 7})
    assert (old.data["app"], old.timestamp, dict(old.counts)) == ("code", T0 + timedelta(seconds=0.4), {"keys": 7})
    assert (new.data["app"], new.timestamp, dict(new.counts)) == ("xterm", T0 + timedelta(seconds=0.4), {})
    [same] = t.tick(T0 + timedelta(seconds=1.4), SHELL, {"keys": 2})
    assert dict(same.counts) == {"keys": 2}


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
def test_input_goes_to_the_window_it_was_typed_in_and_window_time_has_no_holes(polls, poll):
    t = tracker(poll=poll)
    heartbeats = []
    for i, (info, keys) in enumerate(polls):
        heartbeats += t.tick(T0 + timedelta(seconds=i * poll), info, {"keys": keys})
    events = list(reduce(heartbeats, timedelta(seconds=t.pulsetime)))
    # Keys at tick i were typed since tick i-1, in the window focused then (tick 0, or no window
    # focused then: the window seen now).
    expected: dict[str, int] = {}
    for i, (info, keys) in enumerate(polls):
        typed_in = polls[i - 1][0] if i and polls[i - 1][0] is not None else info
        if typed_in is not None and keys:
            expected[typed_in.title] = expected.get(typed_in.title, 0) + keys
    got: dict[str, int] = {}
    for e in events:
        if e.counts.get("keys"):
            got[e.data["title"]] = got.get(e.data["title"], 0) + e.counts["keys"]
    assert got == expected
    for a, b in zip(events, events[1:]):
        assert a.end <= b.start
    # Between two ticks that saw a window, some window event covers every instant.
    for i in range(1, len(polls)):
        if polls[i - 1][0] is not None:
            lo, hi = T0 + timedelta(seconds=(i - 1) * poll), T0 + timedelta(seconds=i * poll)
            covering = [e for e in events if e.start <= lo and e.end >= hi]
            assert covering and covering[0].data["title"] == polls[i - 1][0].title
