"""The declarative base every table model derives from: one `MetaData` for the whole schema."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
