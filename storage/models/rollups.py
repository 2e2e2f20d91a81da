"""Per-day rollup tables (see storage/rollups.py for how they are used).

`rollup_dirty` is written by the triggers on `events` (migration 0003), which the models cannot
express: every INSERT, UPDATE (old and new row) and DELETE records the UTC hours it touched.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class RollupDayRow(Base):
    __tablename__ = "rollup_days"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    active_us: Mapped[int] = mapped_column(BigInteger)
    idle_us: Mapped[int] = mapped_column(BigInteger)
    break_us: Mapped[int] = mapped_column(BigInteger)
    points: Mapped[float] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text)
    blocks: Mapped[str] = mapped_column(Text)
    computed_us: Mapped[int] = mapped_column(BigInteger)
    gen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RollupDirtyRow(Base):
    """Changed spans of UTC hours (hours since the epoch, both ends included), one row per
    distinct span; `gen` grows on every new mark of the same span."""

    __tablename__ = "rollup_dirty"

    first_hour: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    last_hour: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    gen: Mapped[int] = mapped_column(Integer)


class RollupMetaRow(Base):
    __tablename__ = "rollup_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
