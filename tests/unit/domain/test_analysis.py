"""A day built by hand gives exactly the numbers the rules imply (issue 3, "Done when")."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_desktop.domain.activity import ActivityOptions
from tracker_desktop.domain.analysis import AnalysisConfig, analyze_day
from tracker_desktop.domain.days import day_bounds
from tracker_desktop.domain.events import Event
from tracker_desktop.domain.intervals import Span, total, union
from tracker_desktop.domain.summary import DaySummary, Totals

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 1, 5)
S = timedelta(seconds=1)
CONFIG = AnalysisConfig()


def at(hhmm: str, day: date = DAY, tz=BERLIN) -> datetime:
    h, m = map(int, hhmm.split(":")[:2])
    s = int(hhmm.split(":")[2]) if hhmm.count(":") == 2 else 0
    return datetime(day.year, day.month, day.day, h, m, s, tzinfo=tz)


def ev(source, a, b, counts=None, day=DAY, tz=BERLIN, **data):
    # Subtract in UTC: aware datetimes sharing a tzinfo subtract as wall-clock times.
    start, end = at(a, day, tz).astimezone(timezone.utc), at(b, day, tz).astimezone(timezone.utc)
    return Event(source, start, end - start, data, counts or {})


def analyze(events, day=DAY, tz=BERLIN, config=CONFIG, start_hour=0) -> DaySummary:
    by = {}
    for e in events:
        by.setdefault(e.source, []).append(e)
    start, end = day_bounds(day, tz, start_hour)
    return analyze_day(by, day, start, end, tz, config)


def hand_built_day():
    code = {"app": "code", "title": "main.py — tracker — Visual Studio Code"}
    return [
        # 09:00–11:00 coding; the first hour the editor says which project, language and file.
        ev("window", "09:00", "11:05", {"keys": 1200, "clicks": 30}, **code),
        ev("editor", "09:00", "10:00", {"lines_added": 40}, project="tracker", language="Python",
           file="main.py", editor="vscode"),
        # 11:05–11:35 a video in Firefox (Chrome's tab in the background must not count).
        ev("window", "11:05", "11:35", app="firefox", title="Mozilla Firefox"),
        ev("browser", "11:05", "11:35", url="https://www.youtube.com/watch?v=x", title="cats - YouTube",
           browser="firefox"),
        ev("browser", "11:10", "11:20", url="https://github.com/a/b", title="b", browser="chrome"),
        # 11:35–12:05 chat; Slack keeps the focus while the person is away until 12:50.
        ev("window", "11:35", "12:50", {"keys": 200}, app="slack", title="general | Team"),
        # 12:50–13:50 coding again, in three events with 2 s gaps the flood fills.
        ev("window", "12:50", "13:10", {"keys": 300}, **code),
        ev("window", "13:10:02", "13:30", {"keys": 300}, **code),
        ev("window", "13:30:02", "13:50", **code),
        # AFK: 5 minutes (idle) at 11:00, 45 minutes (a break) at 12:05, gone from 13:50.
        ev("afk", "09:00", "11:00", status="not-afk"),
        ev("afk", "11:00", "11:05", status="afk"),
        ev("afk", "11:05", "12:05", status="not-afk"),
        ev("afk", "12:05", "12:50", status="afk"),
        ev("afk", "12:50", "13:50", status="not-afk"),
        ev("afk", "13:50", "16:00", status="afk"),
        # An editor event while away counts nothing; a meeting away from the keyboard does.
        ev("editor", "14:10", "14:20", project="tracker", language="Python", editor="vscode"),
        ev("manual", "15:00", "15:30", title="Standup", category="Comms > Meetings"),
    ]


def test_hand_built_day_gives_exact_figures():
    s = analyze(hand_built_day())
    minutes = 60.0
    assert s.active == (120 + 30 + 30 + 60 + 30) * minutes
    assert s.idle == 5 * minutes
    assert s.breaks == (45 + 70) * minutes
    assert {k: v[0] for k, v in s.categories.items()} == {
        "Work > Programming": 180 * minutes,
        "Media > Video": 30 * minutes,
        "Comms > Chat": 30 * minutes,
        "Comms > Meetings": 30 * minutes,
    }
    # Levels: programming +2, video -2, chat 0, meetings +1 (RescueTime pulse).
    expected_points = 10800 * 4 + 1800 * 0 + 1800 * 2 + 1800 * 3
    assert s.points == expected_points
    assert s.score == expected_points / (16200 * 4) * 100  # 80.56
    assert [(b.kind, b.start.astimezone(BERLIN).strftime("%H:%M"), b.end.astimezone(BERLIN).strftime("%H:%M"),
             None if b.score is None else round(b.score, 1), b.category) for b in s.blocks] == [
        ("active", "09:00", "11:00", 100.0, "Work > Programming"),
        ("idle", "11:00", "11:05", None, None),
        ("active", "11:05", "12:05", 25.0, "Media > Video"),  # a tie: the earlier one
        ("break", "12:05", "12:50", None, None),
        ("active", "12:50", "13:50", 100.0, "Work > Programming"),
        ("break", "13:50", "15:00", None, None),
        ("active", "15:00", "15:30", 75.0, "Comms > Meetings"),
    ]
    assert s.apps == {"code": 10800.0, "firefox": 1800.0, "slack": 1800.0}
    assert s.domains == {"youtube.com": 1800.0}
    assert s.projects == {"tracker": 3600.0} and s.languages == {"Python": 3600.0}
    assert s.files == {"main.py": 3600.0}
    assert s.levels == {2: 10800.0, -2: 1800.0, 0: 1800.0, 1: 1800.0}
    assert s.input == {"keys": 2000.0, "clicks": 30.0}
    assert s.editor == {"lines_added": 40.0}
    assert s.context_switches == 2  # code → firefox → slack; returns from breaks do not count
    assert s.focus is not None and s.focus.seconds == 7200
    assert s.focus.start == at("09:00")
    hourly = {h: v for h, v in enumerate(s.hourly) if v}
    assert hourly == {9: 3600.0, 10: 3600.0, 11: 3300.0, 12: 900.0, 13: 3000.0, 15: 1800.0}


def test_a_day_of_only_coding_scores_at_least_90():
    s = analyze([ev("window", "09:00", "17:00", app="code", title="x.py"),
                 ev("window", "17:00", "17:30", app="gnome-terminal-server", title="pytest"),
                 ev("afk", "09:00", "17:30", status="not-afk")])
    assert s.active == 8.5 * 3600
    assert s.score is not None and s.score >= 90


def test_a_day_of_only_video_and_social_media_scores_at_most_10():
    s = analyze([ev("window", "10:00", "16:00", app="firefox", title="Firefox"),
                 ev("browser", "10:00", "13:00", url="https://www.youtube.com/watch?v=1", browser="firefox"),
                 ev("browser", "13:00", "15:00", url="https://www.reddit.com/r/x", browser="firefox"),
                 ev("browser", "15:00", "16:00", url="https://www.instagram.com/", browser="firefox")])
    assert s.active == 6 * 3600
    assert s.score is not None and s.score <= 10


def test_research_pages_count_only_after_the_dwell_time():
    # Docs skimmed for 20 s are neutral, read for 10 min productive (research strategy).
    s = analyze([ev("window", "10:00", "10:10:20", app="firefox", title="Firefox"),
                 ev("browser", "10:00", "10:00:20", url="https://docs.python.org/3/a", browser="firefox"),
                 ev("browser", "10:00:20", "10:10:20", url="https://docs.python.org/3/b", browser="firefox")])
    assert s.categories["Work > Programming > Docs"] == (620.0, 20 * 2 + 600 * 4)


def test_dst_spring_forward_day_is_23_hours_and_hours_follow_the_wall_clock():
    day = date(2026, 3, 29)  # Berlin: 02:00 CET jumps to 03:00 CEST
    start = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN).astimezone(timezone.utc)
    end = datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN).astimezone(timezone.utc)  # one real hour later
    assert end - start == timedelta(hours=1)
    events = [Event("window", start, end - start, {"app": "code", "title": "a"})]
    s = analyze(events, day=day)
    assert s.end - s.start == timedelta(hours=23)
    assert s.active == 3600
    assert {h: v for h, v in enumerate(s.hourly) if v} == {1: 1800.0, 3: 1800.0}


def test_dst_fall_back_day_keeps_both_two_oclock_hours():
    day = date(2026, 10, 25)  # Berlin: 03:00 CEST falls back to 02:00 CET
    start = datetime(2026, 10, 25, 0, 0, tzinfo=timezone.utc)  # 02:00 CEST
    events = [Event("window", start, timedelta(hours=2), {"app": "code", "title": "a"})]
    s = analyze(events, day=day)
    assert s.end - s.start == timedelta(hours=25)
    assert {h: v for h, v in enumerate(s.hourly) if v} == {2: 7200.0}


def test_day_start_hour_puts_after_midnight_work_on_the_previous_day():
    late = [ev("window", "01:00", "02:00", day=date(2026, 1, 6), app="code", title="a")]
    assert analyze(late, day=date(2026, 1, 5), start_hour=4).active == 3600
    assert analyze(late, day=date(2026, 1, 6), start_hour=4).active == 0


def test_an_empty_day_has_no_score():
    s = analyze([])
    assert s.active == 0 and s.score is None and s.blocks == ()


def test_summary_round_trips_through_its_stored_form():
    s = analyze(hand_built_day())
    assert DaySummary.from_dict(s.to_dict()) == s
    again = DaySummary.from_dict(s.to_dict(with_blocks=False), [b.to_dict() for b in s.blocks])
    assert again == s


# -- invariants on random days ---------------------------------------------------------------
APPS = ["code", "firefox", "slack", "vlc", "kitty", "obscure"]
T0 = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
M = timedelta(minutes=1)

day_st = st.tuples(
    st.lists(st.tuples(st.integers(0, 20), st.integers(0, 90), st.sampled_from(APPS)), max_size=20),
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 120), st.booleans()), max_size=10),
    st.lists(st.tuples(st.integers(0, 600), st.integers(1, 60), st.sampled_from(
        ["youtube.com", "docs.python.org", "github.com"])), max_size=6),
)


def _events(windows, afks, tabs):
    out, t = [], 0
    for gap, d, app in windows:
        t += gap
        out.append(Event("window", T0 + t * M, d * M, {"app": app, "title": app}))
        t += d
    t = 0
    for gap, d, away in afks:
        t += gap
        out.append(Event("afk", T0 + t * M, d * M, {"status": "afk" if away else "not-afk"}))
        t += d
    for a, d, dom in tabs:
        out.append(Event("browser", T0 + a * M, d * M, {"url": f"https://{dom}/", "browser": "firefox"}))
    return out


@settings(max_examples=200, deadline=None)
@given(day_st)
def test_day_invariants(parts):
    events = _events(*parts)
    s = analyze(events, tz=timezone.utc)
    # Active ≤ (flooded) window time, plus tab time where no window was recorded at all.
    recorded = total(union(Span(e.start, e.end + 5 * S) for e in events
                           if e.source in ("window", "browser")))
    assert 0 <= s.active <= recorded.total_seconds() + 1e-6
    if not any(e.source == "browser" for e in events):
        windows = total(union(Span(e.start, e.end + 5 * S) for e in events if e.source == "window"))
        assert s.active <= windows.total_seconds() + 1e-6
    assert s.score is None or 0 <= s.score <= 100
    assert abs(sum(v[0] for v in s.categories.values()) - s.active) < 1e-6
    assert abs(sum(s.hourly) - s.active) < 1e-6
    assert abs(sum(s.levels.values()) - s.active) < 1e-6
    # Blocks tile the day's activity without overlap; their kinds add up to the totals.
    for a, b in zip(s.blocks, s.blocks[1:]):
        assert a.end == b.start
    assert abs(sum(b.active for b in s.blocks if b.kind == "active") - s.active) < 1e-6
    assert all(b.active <= b.seconds + 1e-6 for b in s.blocks)
    assert abs(sum(b.seconds for b in s.blocks if b.kind == "idle") - s.idle) < 1e-6
    assert abs(sum(b.seconds for b in s.blocks if b.kind == "break") - s.breaks) < 1e-6
    assert s.focus is None or s.focus.seconds <= (s.blocks[-1].end - s.blocks[0].start).total_seconds()


@settings(max_examples=100, deadline=None)
@given(day_st)
def test_a_range_is_the_sum_of_its_days(parts):
    """Analysing two half days separately gives the same active time as the whole day."""
    events = _events(*parts)
    by = {}
    for e in events:
        by.setdefault(e.source, []).append(e)
    whole = analyze_day(by, DAY, T0, T0 + 24 * 60 * M, timezone.utc, CONFIG)
    mid = T0 + 7 * 60 * M
    halves = Totals().add(analyze_day(by, DAY, T0, mid, timezone.utc, CONFIG)).add(
        analyze_day(by, DAY, mid, T0 + 24 * 60 * M, timezone.utc, CONFIG))
    assert abs(halves.active - whole.active) < 1e-6
    assert {k: round(v[0], 6) for k, v in halves.categories.items()} == \
        {k: round(v[0], 6) for k, v in whole.categories.items()}


def test_a_gappy_day_reads_as_a_few_blocks_with_the_measured_active_time():
    # Window events of 5 s with 4 s between them (imported data, a browser-only day) from 09:00
    # to 11:00, AFK 11:00–11:10, then the same until 12:00 (issue 6, item 4).
    t0 = at("09:00").astimezone(timezone.utc)
    events = [Event("window", t0 + k * 9 * S, 5 * S, {"app": "code", "title": "x.py"}, {})
              for k in range(0, 3600 * 3 // 9) if not 7200 <= k * 9 < 7800]
    events += [ev("afk", "09:00", "11:00", status="not-afk"), ev("afk", "11:00", "11:10", status="afk"),
               ev("afk", "11:10", "12:00", status="not-afk")]
    s = analyze(events, config=AnalysisConfig(activity=ActivityOptions(flood_seconds=0)))
    assert s.active == (len(events) - 3) * 5
    assert [(b.kind, b.start.astimezone(BERLIN).strftime("%H:%M:%S"), b.active) for b in s.blocks] == [
        ("active", "09:00:00", 800 * 5.0), ("idle", "10:59:56", 0.0), ("active", "11:10:03", 333 * 5.0)]
    assert s.idle == 607 and s.blocks[0].score == 100.0  # scored on active time, not the span
    # A merge gap of 0 keeps the old behaviour: a block per gap.
    s0 = analyze(events, config=AnalysisConfig(activity=ActivityOptions(flood_seconds=0),
                                               merge_gap=timedelta(0)))
    assert len(s0.blocks) == 2 * (len(events) - 3) - 1 and s0.active == s.active


def test_switches_between_windows_of_one_app_count_and_app_switches_are_separate():
    # Issue 7, item 10: 11 switches between three terminals counted as 0 context switches.
    titles = ["~/src/a", "~/src/b", "htop"]
    events = [ev("window", f"09:{2 * i:02d}", f"09:{2 * i + 2:02d}", app="gnome-terminal-server",
                 title=titles[i % 3]) for i in range(12)]
    events += [ev("window", "09:24", "09:30", app="code", title="x.py"),
               ev("window", "09:30", "09:40", app="gnome-terminal-server", title="htop")]
    s = analyze(events)
    assert s.context_switches == 13 and s.app_switches == 2
    both = Totals().add(s).add(s)
    assert both.context_switches == 26 and both.app_switches == 4
    assert DaySummary.from_dict(s.to_dict()).app_switches == 2


def test_a_scroll_depth_never_reaches_the_day_or_range_totals():
    """Issue 9: the summary a day's rollup stores (and reports, the `today` query, the dashboard
    and sync read) totals input and editor counts; a gauge is never one of them, whichever events
    carry it."""
    code = {"app": "code", "title": "main.py — tracker — Visual Studio Code"}
    events = [
        ev("window", "09:00", "10:00", {"keys": 600, "scroll_depth": 80}, **code),
        ev("editor", "09:00", "10:00", {"lines_added": 10, "scroll_depth": 60}, project="tracker",
           language="Python", file="main.py", editor="vscode"),
        ev("window", "10:00", "10:30", app="firefox", title="Mozilla Firefox"),
        ev("browser", "10:00", "10:15", {"tab_switches": 1, "scroll_depth": 100},
           url="https://docs.test/a", title="A", browser="firefox"),
        ev("browser", "10:15", "10:30", {"tab_switches": 1, "scroll_depth": 90},
           url="https://docs.test/b", title="B", browser="firefox"),
    ]
    day = analyze(events)
    assert day.input == {"keys": 600} and day.editor == {"lines_added": 10}
    assert day.domains == {"docs.test": pytest.approx(1800)}
    week = Totals()
    week.add(day).add(analyze([e.with_(start=e.start + timedelta(days=1)) for e in events],
                              day=DAY + timedelta(days=1)))
    assert week.input == {"keys": 1200} and week.editor == {"lines_added": 20}
