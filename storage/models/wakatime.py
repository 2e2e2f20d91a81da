"""Heartbeats received by the local WakaTime-compatible API (issue 13): one row per distinct
heartbeat, so one sent twice (a retry, wakatime-cli's offline queue) is stored once, and
`wakatime status` can tell which editors reach us. The heartbeats themselves become `editor`
events; this table keeps only their dedupe key, time, editor and when it arrived.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class WakaTimeHeartbeatRow(Base):
    __tablename__ = "wakatime_heartbeats"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # domain.wakatime key()
    time_us: Mapped[int] = mapped_column(BigInteger)  # the heartbeat's time
    received_us: Mapped[int] = mapped_column(BigInteger)  # when it arrived
    editor: Mapped[str] = mapped_column(String(64), default="", server_default="")

    __table_args__ = (
        Index("ix_wakatime_heartbeats_editor", "editor", "received_us"),
    )
