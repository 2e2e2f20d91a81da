"""Tasks and time entries (issue 10; seed 004's `tasks` and `time_entries`, for a single local
user). Times are integer microseconds since the Unix epoch, UTC, as in `events`; the manual
activity log is kept as `manual` events (it counts in reports as its own source).

A running timer is the entry whose `end_us` is NULL (one at most: the service sees to that);
`pauses` is a JSON list of [start_us, end_us | null], and `paused_us` their total once stopped.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class TaskRow(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(16))
    due: Mapped[str | None] = mapped_column(String(10), nullable=True)  # YYYY-MM-DD
    tags: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")  # JSON list
    estimate_hours: Mapped[float | None] = mapped_column(Float, nullable=True)
    project: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_us: Mapped[int] = mapped_column(BigInteger)
    updated_us: Mapped[int] = mapped_column(BigInteger)
    completed_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (Index("ix_tasks_status", "status"),)


class TimeEntryRow(Base):
    __tablename__ = "time_entries"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    task_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    start_us: Mapped[int] = mapped_column(BigInteger)
    end_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    paused_us: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    pauses: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    source: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        Index("ix_time_entries_start", "start_us"),
        Index("ix_time_entries_end", "end_us"),  # the running timer: end_us IS NULL
        Index("ix_time_entries_task", "task_id"),
    )
