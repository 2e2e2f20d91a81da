"""Heartbeats received by the local WakaTime-compatible API (issue 13): one row per distinct
heartbeat, so one sent twice (a retry, wakatime-cli's offline queue) is stored once, and
`wakatime status` can tell which editors reach us. The heartbeats become `editor` (and
`browser`) events; each is kept here too (its source, data and counts as canonical JSON), so a
heartbeat arriving late (wakatime-cli's offline queue, sent after newer ones) can have the
stretch it lands in recomputed from the heartbeats, as WakaTime computes durations.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class WakaTimeHeartbeatRow(Base):
    __tablename__ = "wakatime_heartbeats"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # domain.wakatime key()
    time_us: Mapped[int] = mapped_column(BigInteger)  # the heartbeat's time
    received_us: Mapped[int] = mapped_column(BigInteger)  # when it arrived
    editor: Mapped[str] = mapped_column(String(64), default="", server_default="")
    source: Mapped[str] = mapped_column(String(16))  # the event source it became
    data: Mapped[str] = mapped_column(Text)
    counts: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")

    __table_args__ = (
        Index("ix_wakatime_heartbeats_editor", "editor", "received_us"),
        Index("ix_wakatime_heartbeats_time", "time_us"),
    )
