"""What a day looks like on the wire: only aggregates, names made sane, never more than a day."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sync.client.payload import day_payload, fingerprint, is_empty
from tracker_desktop.domain.focus import FinishedSession
from tracker_desktop.domain.summary import DaySummary

UTC = timezone.utc
DAY = date(2026, 3, 4)
START = datetime(2026, 3, 4, tzinfo=UTC)


def summary(**kw) -> DaySummary:
    return DaySummary(DAY, START, START + timedelta(days=1), **kw)


def session(hour: int, minutes: float) -> FinishedSession:
    t = START + timedelta(hours=hour)
    return FinishedSession(t, t + timedelta(minutes=minutes), "pomodoro", timedelta(minutes=25),
                           timedelta(minutes=minutes), timedelta(0), 1, 0, True)


def test_a_day_becomes_exactly_these_fields():
    s = summary(active=7200.0, points=7200.0 * 3,
                categories={"Work > Programming": (3000.0, 0.0), "Work > Programming > Docs": (600.0, 0.0),
                            "Media > Video": (1800.0, 0.0)},
                levels={2: 3000.0, 1: 600.0, -2: 1800.0}, languages={"Python": 2500.0, "C++": 500.0},
                apps={"code": 7200.0}, titles={"code": {"secret.py": 7200.0}})
    p = day_payload(s, [session(9, 25), session(23, 50), session(-1, 30)], UTC, "laptop")
    assert p == {"device": "laptop", "active_seconds": 7200.0, "coding_seconds": 3600.0,
                 "productive_seconds": 3600.0, "productivity_score": 75.0, "focus_sessions": 2,
                 "focus_seconds": 4500.0, "languages": {"Python": 2500.0, "C++": 500.0},
                 "categories": {"Media > Video": 1800.0, "Work > Programming": 3000.0,
                                "Work > Programming > Docs": 600.0}}
    assert "secret.py" not in repr(p) and "code" not in p["categories"]


def test_names_are_made_sane_and_bounded():
    langs = {"<script>alert(1)</script>": 10.0, "": 5.0, "x" * 100: 1.0,
             **{f"L{i}": float(100 + i) for i in range(80)}}
    p = day_payload(summary(active=100.0, languages=langs), [], UTC, "d")
    assert len(p["languages"]) == 50
    assert all(len(n) <= 64 and "<" not in n for n in p["languages"])


def test_empty_days_and_fingerprints():
    empty = day_payload(summary(), [], UTC, "d")
    assert is_empty(empty) and empty["productivity_score"] is None
    busy = day_payload(summary(active=60.0), [], UTC, "d")
    assert not is_empty(busy)
    assert fingerprint(busy) == fingerprint(dict(reversed(list(busy.items()))))
    assert fingerprint(busy) != fingerprint({**busy, "active_seconds": 61.0})
