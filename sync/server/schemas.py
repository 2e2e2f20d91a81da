"""Request and response bodies: what the API accepts (validated here) and returns."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_DAY_SECONDS = 86_400
# Names of languages and categories: letters, digits, spaces and the punctuation real names use
# ("C++", "C#", "Objective-C", "Work > Programming"); no control characters or markup.
NAME_RE = re.compile(r"^[\w .+#/()'&>:-]{1,64}$")
USERNAME_PATTERN = r"^[A-Za-z0-9_.-]{3,32}$"
DEVICE_PATTERN = r"^[\w .:@-]{1,64}$"

Seconds = Annotated[float, Field(ge=0, le=MAX_DAY_SECONDS)]
Period = Literal["day", "week", "month"]
Metric = Literal["coding", "active", "productivity", "focus"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterIn(Strict):
    username: str = Field(pattern=USERNAME_PATTERN)
    password: str = Field(min_length=8, max_length=128)
    display_name: str | None = Field(default=None, min_length=1, max_length=64,
                                     pattern=r"^[^\x00-\x1f\x7f]+$")


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)


class RefreshIn(Strict):
    refresh_token: str = Field(min_length=1, max_length=256)


class TokensOut(BaseModel):
    user_id: int
    access_token: str
    refresh_token: str
    token_type: str = "bearer"


def _names(value: dict[str, float]) -> dict[str, float]:
    if len(value) > 100:
        raise ValueError("at most 100 names")
    for name in value:
        if not NAME_RE.match(name) or name.strip() != name:
            raise ValueError(f"not a sane name: {name[:70]!r}")
    if sum(value.values()) > MAX_DAY_SECONDS * 2:  # languages may overlap; never a week a day
        raise ValueError("more seconds than a day holds")
    return value


class AggregateIn(Strict):
    device: str = Field(default="default", pattern=DEVICE_PATTERN)
    active_seconds: Seconds
    coding_seconds: Seconds = 0.0
    productive_seconds: Seconds = 0.0
    productivity_score: float | None = Field(default=None, ge=0, le=100)
    focus_sessions: int = Field(default=0, ge=0, le=500)
    focus_seconds: Seconds = 0.0
    languages: dict[str, Seconds] = Field(default_factory=dict)
    categories: dict[str, Seconds] = Field(default_factory=dict)

    _check_languages = field_validator("languages", "categories")(_names)


class PushOut(BaseModel):
    date: date
    device: str
    changed: bool


class DayValues(BaseModel):
    active_seconds: float
    coding_seconds: float
    productive_seconds: float
    productivity_score: float | None
    focus_sessions: int
    focus_seconds: float
    languages: dict[str, float]
    categories: dict[str, float]


class MyDay(BaseModel):
    date: date
    total: DayValues
    devices: dict[str, DayValues]


class MyAggregatesOut(BaseModel):
    start: date
    end: date
    days: list[MyDay]


class Entry(BaseModel):
    rank: int
    user_id: int
    name: str
    value: float


class LeaderboardOut(BaseModel):
    period: Period
    metric: Metric
    start: date
    end: date
    language: str | None = None
    team: int | None = None
    entries: list[Entry]


class TeamEntry(BaseModel):
    rank: int
    team_id: int
    name: str
    members: int
    value: float


class TeamBoardOut(BaseModel):
    period: Period
    metric: Metric
    start: date
    end: date
    entries: list[TeamEntry]


class TeamIn(Strict):
    name: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")


class JoinIn(Strict):
    invite_code: str = Field(min_length=1, max_length=64)


class TeamOut(BaseModel):
    team_id: int
    name: str
    invite_code: str
    members: int


class BadgeOut(BaseModel):
    code: str
    name: str
    earned_on: date


class PrivacyIn(Strict):
    leaderboard_visible: bool | None = None
    anonymous: bool | None = None
    share_languages: bool | None = None


class PrivacyOut(BaseModel):
    leaderboard_visible: bool
    anonymous: bool
    share_languages: bool


class MeOut(BaseModel):
    user_id: int
    username: str
    display_name: str | None
    privacy: PrivacyOut


class ExportOut(BaseModel):
    user: MeOut
    aggregates: list[dict[str, object]]
    teams: list[TeamOut]
    badges: list[BadgeOut]


class Health(BaseModel):
    status: str
    database: str
