from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_desktop.domain.activity import (
    Activity,
    active_segments,
    browser_family,
    domain_of,
    input_counts,
)
from tracker_desktop.domain.events import Event
from tracker_desktop.domain.intervals import Span, total, union

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
M = timedelta(minutes=1)
S = timedelta(seconds=1)
DAY = (T0 - 9 * 60 * M, T0 + 15 * 60 * M)


def e(source, a, b, counts=None, **data):
    return Event(source, T0 + a * M, (b - a) * M, data, counts or {})


def run(*events, start=DAY[0], end=DAY[1]):
    by = {}
    for ev in events:
        by.setdefault(ev.source, []).append(ev)
    return active_segments(by, start, end)


def summary(segs):
    return [((s.start - T0) / M, (s.end - T0) / M, s.activity.kind, s.activity.app,
             s.activity.domain or s.activity.project or s.activity.title) for s in segs]


def test_window_time_minus_afk():
    segs = run(e("window", 0, 60, app="code", title="a.py"),
               e("afk", 0, 20, status="not-afk"), e("afk", 20, 30, status="afk"),
               e("afk", 30, 60, status="not-afk"))
    assert summary(segs) == [(0, 20, "window", "code", "a.py"), (30, 60, "window", "code", "a.py")]


def test_without_any_afk_record_window_time_counts():
    assert total(Span(s.start, s.end) for s in run(e("window", 0, 30, app="code"))) == 30 * M


def test_browser_tabs_refine_the_browser_window_of_the_same_family_only():
    segs = run(
        e("window", 0, 30, app="Firefox", title="Mozilla Firefox"),
        e("browser", 5, 20, url="https://www.youtube.com/watch?v=1", title="cats", browser="firefox"),
        # Chrome's active tab while Firefox has the focus: not what the person looked at.
        e("browser", 0, 30, url="https://github.com/", title="gh", browser="chrome"),
    )
    assert summary(segs) == [
        (0, 5, "window", "Firefox", "Mozilla Firefox"),
        (5, 20, "browser", "Firefox", "youtube.com"),
        (20, 30, "window", "Firefox", "Mozilla Firefox"),
    ]


def test_an_audible_tab_in_the_focused_browser_counts_while_afk():
    segs = run(
        e("window", 0, 30, app="firefox", title="Firefox"),
        e("browser", 0, 20, url="https://www.youtube.com/watch?v=1", browser="firefox", audible=True),
        e("browser", 20, 30, url="https://example.com/", browser="firefox", audible=False),
        # A Chrome tab playing in the background does not keep anyone present.
        e("browser", 0, 60, url="https://music.example/", browser="chrome", audible=True),
        e("window", 30, 60, app="slack", title="s"),
        e("afk", 0, 5, status="not-afk"), e("afk", 5, 60, status="afk"),
    )
    assert summary(segs) == [(0, 20, "browser", "firefox", "youtube.com")]


def test_editor_events_refine_editor_windows_into_projects():
    segs = run(e("window", 0, 30, app="code", title="x"), e("window", 30, 40, app="slack", title="s"),
               e("editor", 10, 40, project="tracker", language="Python", file="a.py", editor="vscode"))
    assert summary(segs) == [(0, 10, "window", "code", "x"), (10, 30, "editor", "code", "tracker"),
                             (30, 40, "window", "slack", "s")]
    assert segs[1].activity.language == "Python" and segs[1].activity.file == "a.py"


def test_editor_and_browser_events_count_where_no_window_was_recorded_except_when_afk():
    segs = run(e("editor", 0, 30, project="p", language="Go", editor="vscode"),
               e("afk", 20, 30, status="afk"),
               e("browser", 25, 40, url="https://docs.rs/x", browser="chrome"))
    assert summary(segs) == [(0, 20, "editor", "vscode", "p"), (30, 40, "browser", "chrome", "docs.rs")]


def test_manual_entries_count_while_afk_and_win_over_recorded_activity():
    segs = run(e("window", 0, 60, app="code"), e("afk", 30, 90, status="afk"),
               e("manual", 20, 80, title="Standup", category="Work > Meetings"),
               e("manual", 40, 50, title="Phone call"))
    assert summary(segs) == [(0, 20, "window", "code", None), (20, 40, "manual", None, "Standup"),
                             (40, 50, "manual", None, "Phone call"), (50, 80, "manual", None, "Standup")]
    assert segs[1].activity.category == "Work > Meetings"


def test_short_gaps_are_flooded_and_edges_clip_to_the_range():
    segs = run(e("window", -10, 10, app="code"), e("window", 10 + 3 / 60, 20, app="code"),
               start=T0, end=T0 + 15 * M)
    assert summary(segs) == [(0, 15, "window", "code", None)]


def test_input_counts_prefer_input_events_and_split_events_at_the_edges():
    w = e("window", -30, 30, {"keys": 600, "clicks": 60}, app="code")
    counts, editor = input_counts({"window": [w]}, T0, T0 + 60 * M)
    assert counts == {"keys": 300.0, "clicks": 30.0}
    minutes = [e("input", i, i + 1, {"keys": 10}) for i in range(5)]
    counts, _ = input_counts({"window": [w], "input": minutes}, T0, T0 + 60 * M)
    assert counts == {"keys": 50.0}
    ed = e("editor", 0, 10, {"lines_added": 7}, project="p")
    assert input_counts({"editor": [ed]}, T0, T0 + M)[1] == {"lines_added": 7 * 0.1}


def test_input_counts_never_add_up_a_gauge():
    # Issue 9: a scroll depth is a level, not an amount; whichever source carries it (the browser's
    # own, or a script writing it on window or editor events), totals leave it out.
    w = e("window", 0, 10, {"keys": 100, "scroll_depth": 80}, app="code")
    w2 = e("window", 10, 20, {"keys": 50, "scroll_depth": 90}, app="code")
    ed = e("editor", 0, 10, {"lines_added": 4, "scroll_depth": 70}, project="p")
    tab = e("browser", 0, 20, {"tab_switches": 2, "scroll_depth": 100}, url="https://a.test/")
    counts, editor = input_counts({"window": [w, w2], "editor": [ed], "browser": [tab]},
                                  T0, T0 + 60 * M)
    assert counts == {"keys": 150.0}
    assert editor == {"lines_added": 4.0}


def test_helpers():
    assert browser_family("google-chrome") == browser_family("Chromium") == "chrome"
    assert browser_family("firefox-esr") == browser_family("LibreWolf") == "firefox"
    assert browser_family("msedge") == "edge"
    assert domain_of("https://www.example.com:8080/x?y") == "example.com"
    assert domain_of("not a url") is None


apps = st.sampled_from(["code", "firefox", "slack", "kitty"])
windows_st = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 30), apps), max_size=15)
afk_st = st.lists(st.tuples(st.integers(0, 20), st.integers(1, 40), st.booleans()), max_size=8)
manual_st = st.lists(st.tuples(st.integers(0, 200), st.integers(1, 30)), max_size=3)


@settings(max_examples=250, deadline=None)
@given(windows_st, afk_st, manual_st)
def test_segments_never_overlap_and_active_time_is_bounded(windows, afks, manuals):
    events, t = [], 0
    for gap, d, app in windows:
        t += gap
        events.append(e("window", t, t + d, app=app, title=app))
        t += d
    t = 0
    for gap, d, away in afks:
        t += gap
        events.append(e("afk", t, t + d, status="afk" if away else "not-afk"))
        t += d
    for a, d in manuals:
        events.append(e("manual", a, a + d, title=f"m{a}"))
    segs = run(*events, start=T0, end=T0 + 300 * M)
    for a, b in zip(segs, segs[1:]):
        assert a.end <= b.start
    active = total(Span(s.start, s.end) for s in segs)
    computer = total(Span(s.start, s.end) for s in segs if s.activity.kind != "manual")
    manual = total(Span(s.start, s.end) for s in segs if s.activity.kind == "manual")
    # Active computer time never exceeds (flooded) window time nor the time not marked AFK.
    window_time = total(union(Span(x.start, x.end + 5 * S) for x in events if x.source == "window"))
    away = union(Span(x.start, x.end) for x in events if x.source == "afk" and x.data["status"] == "afk")
    assert computer <= window_time
    assert all(not (a.start < s.end and s.start < a.end) for s in segs if s.activity.kind != "manual"
               for a in away)
    assert manual == total(union(Span(x.start, x.end) for x in events if x.source == "manual"))
    assert active == computer + manual
    assert all(isinstance(s.activity, Activity) and s.end > s.start for s in segs)


def test_tabs_of_another_known_browser_never_refine_a_browser_window():
    # Only Chrome reports tabs, Firefox has the focus: Chrome's tab is not what the person saw,
    # and Chrome playing audio in the background does not keep an AFK person present.
    window = e("window", 0, 30, app="Firefox", title="Mozilla Firefox")
    tab = e("browser", 0, 30, url="https://github.com/", title="gh", browser="chrome")
    assert summary(run(window, tab)) == [(0, 30, "window", "Firefox", "Mozilla Firefox")]
    loud = e("browser", 0, 30, url="https://music.example/", browser="chrome", audible=True)
    assert run(window, loud, e("afk", 0, 30, status="afk")) == []


def test_tabs_that_do_not_name_their_browser_refine_any_browser_window():
    segs = run(e("window", 0, 30, app="Firefox", title="Mozilla Firefox"),
               e("browser", 0, 30, url="https://github.com/", title="gh"),
               e("browser", 0, 30, url="https://docs.rs/", title="d", browser="web"))
    assert summary(segs) == [(0, 30, "browser", "Firefox", "github.com")]
