"""Top window titles per app in a day's summary (issue 7, item 9): summed per app, bounded per
day, redacted titles kept redacted, and added up over days."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from tracker_desktop.domain.activity import REDACTED_TITLE
from tracker_desktop.domain.analysis import AnalysisConfig, analyze_day
from tracker_desktop.domain.days import day_bounds
from tracker_desktop.domain.events import Event
from tracker_desktop.domain.privacy import REDACTED
from tracker_desktop.domain.summary import (
    MAX_TITLE_APPS_PER_DAY,
    MAX_TITLE_CHARS,
    MAX_TITLES_PER_APP_PER_DAY,
    DaySummary,
    Totals,
)

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 1, 5)
NINE = datetime(2026, 1, 5, 9, tzinfo=BERLIN).astimezone(timezone.utc)


def window(minute: float, minutes: float, app: str, title: str) -> Event:
    return Event("window", NINE + timedelta(minutes=minute), timedelta(minutes=minutes),
                 {"app": app, "title": title})


def analyze(events: list[Event], day: date = DAY) -> DaySummary:
    by: dict[str, list[Event]] = {}
    for e in events:
        by.setdefault(e.source, []).append(e)
    start, end = day_bounds(day, BERLIN, 0)
    return analyze_day(by, day, start, end, BERLIN, AnalysisConfig())


def test_titles_are_summed_per_app():
    s = analyze([
        window(0, 10, "code", "main.py"), window(10, 5, "firefox", "Docs — Mozilla Firefox"),
        window(15, 20, "code", "tests.py"), window(35, 5, "code", "main.py"),
        window(40, 1, "firefox", "main.py"),  # the same title in another app is another entry
    ])
    assert s.titles == {"code": {"main.py": 900.0, "tests.py": 1200.0},
                        "firefox": {"Docs — Mozilla Firefox": 300.0, "main.py": 60.0}}
    assert s.apps == {"code": 2100.0, "firefox": 360.0}


def test_each_day_keeps_only_its_top_titles_of_its_top_apps():
    n = MAX_TITLES_PER_APP_PER_DAY + 5
    # Title i of "code" gets i + 1 minutes, so the top ones are the last ones.
    events, t = [], 0.0
    for i in range(n):
        events.append(window(t, i + 1, "code", f"file{i}.py"))
        t += i + 1
    # Many small apps, each with one title; "code" has the most time, so it is always kept.
    for j in range(MAX_TITLE_APPS_PER_DAY + 5):
        events.append(window(t, 0.5, f"app{j:02d}", "x"))
        t += 0.5
    s = analyze(events)
    assert set(s.titles["code"]) == {f"file{i}.py" for i in range(n - MAX_TITLES_PER_APP_PER_DAY, n)}
    assert len(s.titles) == MAX_TITLE_APPS_PER_DAY
    # What is dropped stays in the app's own time (the "other" remainder).
    assert s.apps["code"] == sum((i + 1) * 60.0 for i in range(n))
    assert sum(s.titles["code"].values()) < s.apps["code"]
    # The bound holds in the stored form too.
    assert DaySummary.from_dict(s.to_dict()).titles == s.titles


def test_long_titles_are_cut_and_cut_alike_ones_add_up():
    long = "x" * 5000
    s = analyze([window(0, 1, "code", long + "a"), window(1, 1, "code", long + "b")])
    [(title, secs)] = s.titles["code"].items()
    assert len(title) == MAX_TITLE_CHARS and title.endswith("…") and secs == 120.0


def test_a_redacted_title_stays_redacted_even_when_a_tab_names_the_page():
    assert REDACTED_TITLE == REDACTED  # the privacy rules write what the analysis recognises
    tab = Event("browser", NINE, timedelta(minutes=10),
                {"url": "https://bank.example/account", "title": "My Bank — balance",
                 "browser": "firefox"})
    s = analyze([window(0, 10, "firefox", REDACTED), tab,
                 window(10, 5, "firefox", "News — Mozilla Firefox"),
                 Event("browser", NINE + timedelta(minutes=10), timedelta(minutes=5),
                       {"url": "https://news.example/", "title": "News", "browser": "firefox"})])
    assert s.titles == {"firefox": {REDACTED: 600.0, "News": 300.0}}
    assert s.domains == {"bank.example": 600.0, "news.example": 300.0}


def test_titles_add_up_over_days_and_survive_the_stored_form():
    d1 = analyze([window(0, 10, "code", "main.py"), window(10, 5, "code", "a.py")])
    nxt = DAY + timedelta(days=1)
    start = datetime(2026, 1, 6, 9, tzinfo=BERLIN).astimezone(timezone.utc)
    d2 = analyze([Event("window", start, timedelta(minutes=20), {"app": "code", "title": "main.py"}),
                  Event("window", start + timedelta(minutes=20), timedelta(minutes=1),
                        {"app": "slack", "title": "general"})], nxt)
    totals = Totals()
    for d in (d1, d2):
        totals.add(DaySummary.from_dict(d.to_dict()))
    assert totals.titles == {"code": {"main.py": 1800.0, "a.py": 300.0}, "slack": {"general": 60.0}}
    assert d1.titles == {"code": {"main.py": 600.0, "a.py": 300.0}}  # adding never mutates a day


def test_a_day_without_titles_stores_none():
    s = analyze([Event("window", NINE, timedelta(minutes=5), {"app": "code"})])
    assert s.apps == {"code": 300.0} and s.titles == {}
    assert DaySummary.from_dict(s.to_dict()).titles == {}
