"""Recorded events and small shared state. Times are integer microseconds since the Unix epoch, UTC."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    start_us: Mapped[int] = mapped_column(BigInteger)
    duration_us: Mapped[int] = mapped_column(BigInteger)
    # Canonical JSON (sorted keys, compact): equal data compares equal as text too.
    data: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    counts: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    # The machine it was recorded on; "" is this machine (rows from before migration 0004, and
    # imports that name none). Not in an index: range scans stay on (source, start) for every
    # device, and a day holds few devices, so filtering them costs nothing worth an index.
    device: Mapped[str] = mapped_column(String(64), default="", server_default="")

    __table_args__ = (
        Index("ix_events_source_start", "source", "start_us"),
        # Bounds the look-back of range queries: max(duration) per source in O(log n).
        Index("ix_events_source_duration", "source", "duration_us"),
    )


class StateRow(Base):
    """Small key/value facts shared between processes: pause state, the running tracker's status."""

    __tablename__ = "state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_us: Mapped[int] = mapped_column(BigInteger)
