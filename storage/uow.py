"""Unit of work: one transaction; rolls back on exit unless `commit()` was called."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .engine import writer
from .ai import AiRepository, MemoryAiRepository, SqlAiRepository
from .focus import FocusRepository, MemoryFocusRepository, SqlFocusRepository
from .tasks import MemoryTaskRepository, SqlTaskRepository, TaskRepository
from .rollups import MemoryRollupRepository, RollupRepository, SqlRollupRepository
from .repositories import (
    EventRepository,
    MemoryEventRepository,
    MemoryStateRepository,
    SqlEventRepository,
    SqlStateRepository,
    StateRepository,
)
from .wakatime import MemoryWakaTimeRepository, SqlWakaTimeRepository, WakaTimeRepository


class UnitOfWork(Protocol):
    # Read-only in the protocol, so a backend may hold its own repository types (covariance).
    @property
    def events(self) -> EventRepository: ...
    @property
    def state(self) -> StateRepository: ...
    @property
    def rollups(self) -> RollupRepository: ...
    @property
    def focus(self) -> FocusRepository: ...
    @property
    def tasks(self) -> TaskRepository: ...
    @property
    def ai(self) -> AiRepository: ...
    @property
    def wakatime(self) -> WakaTimeRepository: ...

    def __enter__(self) -> "UnitOfWork": ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Makes units of work; `write=True` ones take the write lock up front."""

    def __call__(self, write: bool = False) -> UnitOfWork: ...


class SqlUnitOfWork:
    events: EventRepository
    state: StateRepository
    rollups: RollupRepository
    focus: FocusRepository
    tasks: TaskRepository
    ai: AiRepository
    wakatime: WakaTimeRepository

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory
        self._session: Session | None = None

    def __enter__(self) -> "SqlUnitOfWork":
        self._session = self._factory()
        self.events = SqlEventRepository(self._session)
        self.state = SqlStateRepository(self._session)
        self.rollups = SqlRollupRepository(self._session)
        self.focus = SqlFocusRepository(self._session)
        self.tasks = SqlTaskRepository(self._session)
        self.ai = SqlAiRepository(self._session)
        self.wakatime = SqlWakaTimeRepository(self._session)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._session is not None
        try:
            self._session.rollback()
        finally:
            self._session.close()
            self._session = None

    def commit(self) -> None:
        assert self._session is not None
        self._session.commit()

    def rollback(self) -> None:
        assert self._session is not None
        self._session.rollback()


class SqlUnitOfWorkFactory:
    """Makes units of work on one engine; `write=True` ones take the write lock up front."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(writer(engine), expire_on_commit=False)

    def __call__(self, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._write if write else self._read)


class MemoryUnitOfWork:
    """Applies changes only on commit, like a transaction, over shared in-memory repositories."""

    def __init__(self) -> None:
        self.committed_events = MemoryEventRepository()
        self.committed_state = MemoryStateRepository()
        self.committed_rollups = MemoryRollupRepository(self.committed_events)
        self.committed_focus = MemoryFocusRepository()
        self.committed_tasks = MemoryTaskRepository()
        self.committed_ai = MemoryAiRepository()
        self.committed_wakatime = MemoryWakaTimeRepository()
        self.commits = 0

    def __call__(self, write: bool = False) -> "MemoryUnitOfWork":
        return self

    def __enter__(self) -> "MemoryUnitOfWork":
        self._begin()
        return self

    def __exit__(self, *exc: object) -> None:
        self.rollback()

    def _begin(self) -> None:
        self.events = self.committed_events.clone()
        self.state = self.committed_state.clone()
        self.rollups = self.committed_rollups.clone(self.events)
        self.focus = self.committed_focus.clone()
        self.tasks = self.committed_tasks.clone(self.events)
        self.ai = self.committed_ai.clone()
        self.wakatime = self.committed_wakatime.clone()
        # Every change to events marks the rollups in the same transaction, as the triggers do.
        self.events.on_change = self.rollups.event_changed

    def commit(self) -> None:
        self.committed_events = self.events
        self.committed_state = self.state
        self.committed_rollups = self.rollups
        self.committed_focus = self.focus
        self.committed_tasks = self.tasks
        self.committed_ai = self.ai
        self.committed_wakatime = self.wakatime
        self.commits += 1
        self._begin()

    def rollback(self) -> None:
        self._begin()
