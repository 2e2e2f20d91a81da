"""AI insights and plans (seed 003's `insights` and `plans`, for one local user) and the GitHub
activity synced for the activity feed. Times are integer microseconds since the Unix epoch, UTC.

`ai_results` keeps one analysis and one plan per day and source ("claude" or "local"); `body` is
the answer as JSON in the seed's shape (a plan's tasks also carry `done`), and `input_hash` the
hash of exactly what was sent, so the same day with the same data is not paid for twice.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class AiResultRow(Base):
    __tablename__ = "ai_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # "analysis" or "plan"
    day: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD
    source: Mapped[str] = mapped_column(String(16))  # "claude" or "local"
    model: Mapped[str | None] = mapped_column(String(100), nullable=True)
    input_hash: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_us: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        UniqueConstraint("kind", "day", "source", name="uq_ai_results_kind_day_source"),
        Index("ix_ai_results_hash", "input_hash"),
    )


class GithubItemRow(Base):
    __tablename__ = "github_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # "commit", "pull_request" or "issue"
    external_id: Mapped[str] = mapped_column(String(128))  # commit sha or the item's node id
    repo: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(32), default="", server_default="")
    occurred_us: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        UniqueConstraint("kind", "external_id", name="uq_github_items_kind_id"),
        Index("ix_github_items_occurred", "occurred_us"),
    )
