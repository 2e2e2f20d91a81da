"""Focus sessions and the focus profile (issue 8 part 2; seed 002's `focus_sessions` and
`user_focus_profiles`, for a single local user). Times are integer microseconds since the Unix
epoch, UTC, as in `events`.

A running session (`ended_us` NULL) keeps the domain state machine's state as JSON in `state`, so
every process (the CLI, the tray) acts on the same session; the other columns are what the
session records, written from that state at every change.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class FocusSessionRow(Base):
    __tablename__ = "focus_sessions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    mode: Mapped[str] = mapped_column(String(16))
    started_us: Mapped[int] = mapped_column(BigInteger)
    ended_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    expected_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    actual_us: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    break_us: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    cycles: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    interruptions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    completed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    context: Mapped[str] = mapped_column(Text, default="", server_default="")
    task_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    state: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        # The running session (ended_us IS NULL) and finished ones by end time.
        Index("ix_focus_sessions_ended", "ended_us"),
    )


class FocusProfileRow(Base):
    """One row per profile (id 1: the one local user)."""

    __tablename__ = "focus_profiles"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sessions: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)
    avg_focus_minutes: Mapped[float] = mapped_column(Float)
    avg_break_minutes: Mapped[float] = mapped_column(Float)
    avg_interruptions: Mapped[float] = mapped_column(Float)
    completion_ratio: Mapped[float] = mapped_column(Float)
    estimation_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    avg_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    peak_hours: Mapped[str] = mapped_column(Text)  # JSON list of local hours
    peak_days: Mapped[str] = mapped_column(Text)  # JSON list of "Mon".."Sun"
    focus_by_hour: Mapped[str] = mapped_column(Text)  # JSON {"9": minutes, ...}
    computed_us: Mapped[int] = mapped_column(BigInteger)
