"""EventRepository.stream, against every backend: the same events as range(), oldest or newest
first, read lazily (issue 7, item 11)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

from storage.engine import open_database
from storage.uow import MemoryUnitOfWork, SqlUnitOfWorkFactory
from tracker_desktop.domain.events import Event

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
S = timedelta(seconds=1)


@pytest.fixture(params=["memory", "sqlite"])
def uow(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "memory":
        yield MemoryUnitOfWork()
    else:
        engine = open_database(tmp_path / "t.sqlite3")
        yield SqlUnitOfWorkFactory(engine)
        engine.dispose()


def ev(t: float, d: float, source: str = "window", app: str = "code") -> Event:
    return Event(source, T0 + t * S, d * S, {"app": app}, {})


@pytest.fixture
def stored(uow: Any) -> Any:
    with uow(write=True) as u:
        u.events.add_many([ev(100, 10, app="b"), ev(0, 50, app="a"), ev(200, 0, app="c"),
                           ev(40, 5, source="afk"), ev(3600, 7200, app="long"),
                           ev(100, 1, source="afk", app="tie")])
        u.commit()
    return uow


def key(events: Any) -> list[tuple[str, str]]:
    return [(e.source, e.data["app"]) for e in events]


@pytest.mark.parametrize("source", [None, "window", "afk"])
@pytest.mark.parametrize("span", [(None, None), (45, 105), (50, None), (None, 100), (7000, 7001)])
def test_stream_gives_what_range_gives_in_either_order(stored, source, span):
    start, end = (None if s is None else T0 + s * S for s in span)
    with stored() as u:
        expected = u.events.range(source, start, end)
        assert list(u.events.stream(source, start, end)) == expected
        assert list(u.events.stream(source, start, end, newest_first=True)) == expected[::-1]


def test_stream_limits_take_the_earliest_or_the_latest(stored):
    with stored() as u:
        everything = u.events.range()
        assert list(u.events.stream(limit=2)) == everything[:2]
        assert list(u.events.stream(newest_first=True, limit=3)) == everything[::-1][:3]
        assert list(u.events.stream(limit=0)) == []

