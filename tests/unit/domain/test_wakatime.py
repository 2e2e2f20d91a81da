"""WakaTime heartbeats: validation, the mapping onto editor events, the dedupe key, and
WakaTime's time rule (time to the next heartbeat within the timeout) through the merge."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_desktop.domain.events import BROWSER, EDITOR, Event, Heartbeat
from tracker_desktop.domain.heartbeat import apply
from tracker_desktop.domain.wakatime import (TIMEOUT, InvalidHeartbeat, bridge, digital,
                                             duration_json, editor_from_user_agent, human,
                                             named_list, parse_heartbeat)

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)
T = NOW.timestamp() - 3600


def hb(**fields):
    return parse_heartbeat({"entity": "/src/app/main.py", "time": T, **fields}, NOW)


def test_a_file_heartbeat_becomes_an_editor_event_with_its_identity_and_counts():
    h = hb(type="file", project="app", branch="main", language="Python", category="debugging",
           is_write=True, line_additions=3, line_deletions=1, ai_line_changes=-4,
           human_line_changes=2, lines=120, lineno=7, cursorpos=33, dependencies=["os"],
           user_agent="wakatime/v1.90 (linux) go1.21 vscode/1.85.1 vscode-wakatime/24.4.0")
    beat = h.heartbeat()
    assert beat.source == EDITOR
    assert beat.timestamp == datetime.fromtimestamp(T, timezone.utc)
    assert dict(beat.data) == {"file": "/src/app/main.py", "project": "app", "language": "Python",
                               "branch": "main", "category": "debugging", "editor": "vscode"}
    assert dict(beat.counts) == {"writes": 1, "lines_added": 3, "lines_removed": 1,
                                 "ai_line_changes": 4, "human_line_changes": 2}


def test_defaults_a_bare_heartbeat_is_a_coding_file_with_no_counts():
    beat = hb().heartbeat()
    assert dict(beat.data) == {"file": "/src/app/main.py", "category": "coding"}
    assert dict(beat.counts) == {}


def test_domain_and_url_heartbeats_are_browser_events_and_app_ones_do_not_claim_windows():
    assert hb(type="domain", entity="github.com").heartbeat().source == BROWSER
    url = hb(type="url", entity="https://docs.python.org/3/", user_agent="x chrome-wakatime/3.0.0")
    assert dict(url.heartbeat().data) == {"url": "https://docs.python.org/3/",
                                          "domain": "docs.python.org", "browser": "chrome"}
    app = hb(type="app", entity="Figma", project="design").heartbeat()
    assert app.source == EDITOR and dict(app.data)["app"] == "Figma"


def test_the_editor_comes_from_the_user_agent_or_the_request_header():
    assert editor_from_user_agent(
        "wakatime/13.1.0 (Linux-6.1-x86_64) Python3.11.7.final.0 vim/9.0 vim-wakatime/9.0.1") == "vim"
    assert editor_from_user_agent("wakatime/v1.73.0 (darwin) go1.19.4 PyCharm/2023.1 "
                                  "PyCharm-wakatime/14.1.4") == "pycharm"
    assert parse_heartbeat({"entity": "a", "time": T}, NOW,
                           user_agent="wakatime/1 (linux) go1.2 emacs/29.1 emacs-wakatime/1.0").editor == "emacs"


@pytest.mark.parametrize("fields, message", [
    ({"time": None}, "time must be a number"),
    ({"time": "2026-01-05T10:00:00"}, "no UTC offset"),
    ({"time": "yesterday"}, "not seconds since the epoch"),
    ({"time": True}, "time must be a number"),
    ({"time": float("nan")}, "finite"),
    ({"time": 5.0}, "before 2000"),
    ({"time": -1e300}, "before 2000"),
    ({"time": NOW.timestamp() * 1000}, "future"),
    ({"time": 1e308}, "future"),
    ({"entity": ""}, "entity is empty"),
    ({"entity": None}, "entity is missing"),
    ({"entity": 5}, "entity must be a string"),
    ({"type": "planet"}, "type 'planet' is not one of"),
    ({"project": ["a"]}, "project must be a string"),
    ({"is_write": "yes"}, "is_write must be true or false"),
    ({"lines": "12"}, "lines must be an integer"),
    ({"lineno": 1.5}, "lineno must be an integer"),
    ({"ai_line_changes": 10**12}, "absurd"),
    ({"dependencies": "os"}, "dependencies must be a list of strings"),
    ({"dependencies": ["x"] * 1001}, "at most 1000"),
    ({"branch": "\ud800"}, "lone surrogate"),
])
def test_bad_fields_are_refused_with_a_message(fields, message):
    with pytest.raises(InvalidHeartbeat, match=message):
        hb(**fields)


def test_not_an_object_is_refused():
    with pytest.raises(InvalidHeartbeat, match="JSON object"):
        parse_heartbeat([1, 2], NOW)


def test_times_with_an_offset_and_numeric_strings_are_taken():
    assert hb(time="2026-01-05T11:00:00+01:00").time == datetime(2026, 1, 5, 10, tzinfo=timezone.utc).timestamp()
    assert hb(time=str(T)).time == T
    assert hb(time=int(T)).time == int(T)


def test_the_dedupe_key_is_the_same_for_the_same_heartbeat_and_differs_on_any_field():
    base = hb(project="app", is_write=False)
    assert base.key() == hb(project="app", is_write=False, unknown_plugin_field=1).key()
    for change in ({"is_write": True}, {"time": T + 0.001}, {"project": "other"},
                   {"branch": "dev"}, {"lineno": 3}, {"type": "app"}, {"category": "building"}):
        assert hb(**{"project": "app", **change}).key() != base.key(), change


def _merge_all(beats, timeout=TIMEOUT):
    """What the service does: bridge, then merge with pulsetime = timeout; the finished events."""
    events, last = [], None
    for b in beats:
        carry = bridge(last, b, timeout)
        if carry is not None:
            last, merged = apply(last, carry, timeout)
            assert merged
        last_before = last
        last, merged = apply(last, b, timeout)
        if not merged and last_before is not None:
            events.append(last_before)
    if last is not None:
        events.append(last)
    return events


def at(seconds, file="a.py"):
    return Heartbeat(EDITOR, NOW + timedelta(seconds=seconds), data={"file": file})


def test_time_between_heartbeats_goes_to_the_first_within_the_timeout_as_wakatime_counts():
    events = _merge_all([at(0), at(120), at(240, "b.py"), at(300, "b.py"),
                         at(300 + 16 * 60, "b.py"), at(300 + 17 * 60, "a.py")])
    # a.py 0..240 (its last heartbeat carried to the switch), b.py 240..300, then a gap of
    # 16 min (over the timeout: not counted), b.py 1260..1320 carried to a.py, a.py alone: 0.
    assert [(e.data["file"], (e.start - NOW).total_seconds(), e.duration.total_seconds())
            for e in events] == [("a.py", 0, 240), ("b.py", 240, 60), ("b.py", 1260, 60),
                                 ("a.py", 1320, 0)]


def test_bridge_never_carries_backwards_across_sources_or_past_the_timeout():
    last = Event(EDITOR, NOW, timedelta(seconds=60), {"file": "a.py"})
    assert bridge(None, at(100), TIMEOUT) is None
    assert bridge(last, at(100), TIMEOUT) is None  # same data: the merge extends it
    assert bridge(last, at(30, "b.py"), TIMEOUT) is None  # earlier than its end
    assert bridge(last, at(60 + 15 * 60 + 1, "b.py"), TIMEOUT) is None
    carry = bridge(last, at(60 + 15 * 60, "b.py"), TIMEOUT)
    assert carry is not None and carry.timestamp == last.end and carry.duration == TIMEOUT
    assert bridge(last, Heartbeat(BROWSER, NOW + timedelta(seconds=90), data={"domain": "x"}),
                  TIMEOUT) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 3600), st.sampled_from(["a.py", "b.py", "c.py"])),
                min_size=1, max_size=40))
def test_counted_time_is_exactly_wakatimes_sum_of_gaps_up_to_the_timeout(items):
    items = sorted(items)
    beats = [at(t, f) for t, f in items]
    events = _merge_all(beats, timedelta(minutes=5))
    expected = sum(min(b - a, 300.0) if b - a <= 300 else 0.0
                   for (a, _), (b, _) in zip(items, items[1:]))
    got = sum(e.duration.total_seconds() for e in events)
    assert got == pytest.approx(expected, abs=1e-3)


def test_durations_in_wakatimes_shapes():
    assert human(3 * 3600 + 4 * 60 + 59) == "3 hrs 4 mins"
    assert human(60) == "1 min" and human(3600) == "1 hr 0 mins"
    assert digital(3 * 3600 + 4 * 60) == "3:04"
    d = duration_json(5430.5)
    assert d["hours"] == 1 and d["minutes"] == 30 and d["total_seconds"] == 5430.5
    items = named_list({"app": 300.0, "lib": 100.0, "none": 0.0})
    assert [(i["name"], i["percent"]) for i in items] == [("app", 75.0), ("lib", 25.0)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7_200_000), st.sampled_from(["a.py", "b.py"]),
                          st.sampled_from([EDITOR, BROWSER])), min_size=1, max_size=40,
                unique_by=lambda item: item[0]),  # two heartbeats at one instant have no order
       st.randoms())
def test_the_timeline_of_heartbeats_in_any_order_is_what_they_make_live_in_order(items, rnd):
    from tracker_desktop.domain.wakatime import timeline

    beats = [Heartbeat(src, NOW + timedelta(milliseconds=t), data={"file": f})
             for t, f, src in items]
    live = []
    for source in (EDITOR, BROWSER):
        live += _merge_all(sorted((b for b in beats if b.source == source),
                                  key=lambda b: b.timestamp), timedelta(minutes=15))
    shuffled = list(beats)
    rnd.shuffle(shuffled)
    key = lambda e: (e.start, e.source, e.duration, tuple(e.data.items()))  # noqa: E731
    assert sorted(timeline(shuffled, timedelta(minutes=15)), key=key) == sorted(live, key=key)
