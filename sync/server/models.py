"""The server's tables (SQLAlchemy 2). Separate from the desktop's storage: another database.

Leaderboards read `period_totals` / `period_languages`: one row per user and day, ISO week and
month, kept current on every push, so a month's board reads one row per user instead of 30 days.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ServerSecret(Base):
    """Secrets shared by every instance (JWT signing key, pseudonym key): created once."""

    __tablename__ = "server_secrets"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(32))
    # Lower-cased: usernames are unique case-insensitively on every backend.
    username_key: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[float | None] = mapped_column(Float, nullable=True)  # epoch seconds
    leaderboard_visible: Mapped[bool] = mapped_column(Boolean, default=False)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    share_languages: Mapped[bool] = mapped_column(Boolean, default=False)


class RefreshToken(Base):
    """One row per issued refresh token (its SHA-256, never the token). Rotation marks it used;
    presenting a used one revokes its whole family (a stolen token was replayed)."""

    __tablename__ = "refresh_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family: Mapped[str] = mapped_column(String(32), index=True)
    expires_at: Mapped[float] = mapped_column(Float)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class RateBucket(Base):
    """A fixed-window counter per key (`ip:...`, `user:...`), shared by every instance."""

    __tablename__ = "rate_buckets"
    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger)
    count: Mapped[int] = mapped_column(Integer)


class DeviceDay(Base):
    """What one device pushed for one day: the upsert target, so a re-push replaces, never adds."""

    __tablename__ = "device_days"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    device: Mapped[str] = mapped_column(String(64), primary_key=True)
    active_seconds: Mapped[float] = mapped_column(Float)
    coding_seconds: Mapped[float] = mapped_column(Float)
    productive_seconds: Mapped[float] = mapped_column(Float)
    productivity_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    focus_sessions: Mapped[int] = mapped_column(Integer)
    focus_seconds: Mapped[float] = mapped_column(Float)
    languages: Mapped[dict[str, float]] = mapped_column(JSON)
    categories: Mapped[dict[str, float]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PeriodTotal(Base):
    """A user's totals over all devices for one day ('d'), ISO week ('w') or month ('m'),
    named by its first day. `score_points` = Σ score × active over the scored days, so a period's
    productivity is score_points / scored_seconds (kept in `productivity` for its index)."""

    __tablename__ = "period_totals"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    start: Mapped[date] = mapped_column(Date, primary_key=True)
    active_seconds: Mapped[float] = mapped_column(Float)
    coding_seconds: Mapped[float] = mapped_column(Float)
    productive_seconds: Mapped[float] = mapped_column(Float)
    score_points: Mapped[float] = mapped_column(Float)
    scored_seconds: Mapped[float] = mapped_column(Float)
    focus_sessions: Mapped[int] = mapped_column(Integer)
    focus_seconds: Mapped[float] = mapped_column(Float)
    productivity: Mapped[float | None] = mapped_column(Float, nullable=True)  # points / scored

    # One index per ranked value: a board walks its index from the top and stops after `limit`
    # opted-in users, instead of sorting every user of the period.
    __table_args__ = (
        Index("ix_period_totals_coding", "kind", "start", "coding_seconds"),
        Index("ix_period_totals_active", "kind", "start", "active_seconds"),
        Index("ix_period_totals_focus", "kind", "start", "focus_seconds"),
        Index("ix_period_totals_productivity", "kind", "start", "productivity"),
    )


class PeriodLanguage(Base):
    __tablename__ = "period_languages"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    start: Mapped[date] = mapped_column(Date, primary_key=True)
    language: Mapped[str] = mapped_column(String(64), primary_key=True)
    seconds: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        Index("ix_period_languages_board", "kind", "start", "language", "seconds"),
    )


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64))
    invite_code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TeamMember(Base):
    __tablename__ = "team_members"
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class Badge(Base):
    __tablename__ = "badges"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    earned_on: Mapped[date] = mapped_column(Date)
