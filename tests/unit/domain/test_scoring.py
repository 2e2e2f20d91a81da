from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from tracker_desktop.domain.scoring import (
    EntertainmentScorer,
    ResearchScorer,
    ScoringPolicy,
    StandardScorer,
    Visit,
    points,
    score,
)

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def visits(*seconds):
    return [Visit(T0, s, i) for i, s in enumerate(seconds)]


def test_rescuetime_pulse_formula():
    # 2 h at +2, 30 min at 0, 30 min at -2: (7200*4 + 1800*2 + 1800*0) / (10800*4)
    total = points(7200, 2) + points(1800, 0) + points(1800, -2)
    assert score(total, 10800) == (7200 * 4 + 1800 * 2) / (10800 * 4) * 100
    assert score(points(60, 2), 60) == 100
    assert score(points(60, -2), 60) == 0
    assert score(points(60, 0), 60) == 50
    assert score(0, 0) is None


def test_standard_strategy_gives_every_visit_the_category_level():
    assert StandardScorer().levels(visits(1, 100), 1) == [1.0, 1.0]


def test_research_is_productive_only_after_the_dwell_time():
    r = ResearchScorer(min_dwell=30)
    assert r.levels(visits(5, 29.9, 30, 600), 2) == [0.0, 0.0, 2.0, 2.0]
    # A distracting category is not made better by being short.
    assert r.levels(visits(5), -1) == [-1.0]


def test_entertainment_glances_and_allowance_are_neutral():
    e = EntertainmentScorer(glance=5, allowance=600)
    # 3 s glance: neutral, free; 400 s: inside the allowance; 400 s: 200 free + 200 at -2.
    assert e.levels(visits(3, 400, 400, 100), -2) == [0.0, 0.0, -1.0, -2.0]
    assert EntertainmentScorer().levels(visits(1800), -2) == [-2.0]


def test_policy_inherits_level_and_kind_from_parents():
    p = ScoringPolicy({("Work",): 2, ("Media",): -2, ("Media", "Music"): -1},
                      {("Media",): "entertainment", ("Work", "Docs"): "research"})
    assert p.level(("Work", "Programming", "Python")) == 2
    assert p.level(("Media", "Music", "Jazz")) == -1
    assert p.level(("Uncategorized",)) == 0
    assert isinstance(p.strategy(("Media", "Video")), EntertainmentScorer)
    assert isinstance(p.strategy(("Work", "Docs", "Python")), ResearchScorer)
    assert isinstance(p.strategy(("Work",)), StandardScorer)


@given(st.lists(st.tuples(st.floats(0, 1e5), st.sampled_from([-2, -1, 0, 1, 2])), min_size=1))
def test_score_is_always_between_0_and_100(spans):
    total_seconds = sum(s for s, _ in spans)
    value = score(sum(points(s, lv) for s, lv in spans), total_seconds)
    assert value is None or 0 <= value <= 100
