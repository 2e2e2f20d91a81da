"""Settings: a TOML file in the platform config dir, validated with messages a person can act on."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

APP_NAME = "tracker-desktop"
ENV_DATA_DIR = "TRACKER_DATA_DIR"
ENV_CONFIG = "TRACKER_CONFIG"


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WORK_WEEK: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")

class ConfigError(ValueError):
    """The config file is missing, unreadable or invalid; the message says where and why."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrackingSettings(_Section):
    poll_seconds: float = Field(1.0, gt=0, le=60, description="How often the active window is read")
    afk_timeout: float = Field(180.0, ge=1, le=86400,
                               description="Seconds without input before you count as away")
    record_input: bool = Field(True, description="Count keystrokes/clicks/scrolls/moves (never which key)")
    window_pulsetime: float | None = Field(
        None, gt=0, description="Merge window heartbeats up to this many seconds apart "
        "(default: poll_seconds + 1)")

    @model_validator(mode="after")
    def _pulsetime_covers_a_poll(self) -> "TrackingSettings":
        if self.window_pulsetime is not None and self.window_pulsetime < self.poll_seconds + 1:
            raise ValueError(
                f"window_pulsetime ({self.window_pulsetime:g} s) must be at least poll_seconds + 1 "
                f"({self.poll_seconds + 1:g} s), or consecutive polls of one window would not merge")
        return self


def _check_patterns(patterns: list[str]) -> list[str]:
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"{p!r} is not a valid regular expression: {exc}") from None
    return patterns


class PrivacySettings(_Section):
    exclude_apps: list[str] = Field(default_factory=list,
                                    description="Apps (process names, case-insensitive) never recorded")
    exclude_titles: list[str] = Field(default_factory=list,
                                      description="Regexes: windows whose title matches are never recorded")
    redact_titles: list[str] = Field(default_factory=list,
                                     description="Regexes: matching titles are stored as '[redacted]'")

    _v_ex = field_validator("exclude_titles")(_check_patterns)
    _v_red = field_validator("redact_titles")(_check_patterns)


class LoggingSettings(_Section):
    level: str = Field("INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")


_RULE_FIELDS = ("app", "title", "domain", "url", "project", "language", "file")


def _check_category(name: str) -> str:
    if not name or any(not part.strip() for part in name.split(">")):
        raise ValueError(f"{name!r}: a category is names separated by '>', e.g. 'Work > Programming'")
    return " > ".join(part.strip() for part in name.split(">"))


class CategoryRuleSettings(_Section):
    """One rule: activities whose fields all match these regexes belong to `category`."""

    category: str = Field(description="e.g. 'Work > Clients > Acme'; the deepest matching rule wins")
    app: str | None = None
    title: str | None = None
    domain: str | None = None
    url: str | None = None
    project: str | None = None
    language: str | None = None
    file: str | None = None
    ignore_case: bool = True

    _v_cat = field_validator("category")(_check_category)

    @field_validator(*_RULE_FIELDS)
    @classmethod
    def _v_pattern(cls, value: str | None) -> str | None:
        if value is not None:
            if value == "":
                raise ValueError("an empty pattern would match everything")
            _check_patterns([value])
        return value

    @model_validator(mode="after")
    def _v_any(self) -> "CategoryRuleSettings":
        if not any(getattr(self, f) for f in _RULE_FIELDS):
            raise ValueError(f"rule for {self.category!r} needs at least one of: {', '.join(_RULE_FIELDS)}")
        return self


class GoalSettings(_Section):
    """A daily or weekly target (min_minutes) or cap (max_minutes)."""

    name: str
    metric: Literal["active", "coding", "category"] = Field(
        "category", description="active time, coding time (analysis.coding_category) or a category's time")
    category: str | None = Field(None, description="for metric = 'category' (includes subcategories)")
    period: Literal["day", "week"] = "day"
    min_minutes: float | None = Field(None, ge=0)
    max_minutes: float | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _v_goal(self) -> "GoalSettings":
        if (self.min_minutes is None) == (self.max_minutes is None):
            raise ValueError(f"goal {self.name!r}: give exactly one of min_minutes (a target) "
                             "or max_minutes (a cap)")
        if self.metric == "category":
            if not self.category:
                raise ValueError(f"goal {self.name!r}: metric 'category' needs a category")
            _check_category(self.category)
        return self


def _default_goals() -> list[GoalSettings]:
    return [GoalSettings(name="Media at most 1 h a day", metric="category", category="Media",
                         period="day", max_minutes=60)]


class AnalysisSettings(_Section):
    """How the record becomes a day: time zone, day start, breaks, categories, scores, goals."""

    timezone: str | None = Field(None, description="IANA zone for days (default: TZ, then the system's)")
    day_start_hour: int = Field(0, ge=0, le=23, description="a day runs from this hour to the same hour next day")
    break_minutes: float = Field(15.0, gt=0, le=1440,
                                 description="time away at least this long is a break; shorter is idle")
    merge_gap_seconds: float = Field(
        120.0, ge=0, le=3600,
        description="active time with gaps shorter than this (and no AFK) is one block; 0: a block per gap")
    flood_seconds: float = Field(5.0, ge=0, le=60,
                                 description="fill gaps up to this long between events of one source")
    focus_interruption_seconds: float = Field(
        60.0, ge=0, le=3600, description="interruptions shorter than this do not end a focus stretch")
    rules: list[CategoryRuleSettings] = Field(
        default_factory=list, description="your category rules; checked before the defaults")
    default_rules: bool = Field(True, description="also use the built-in rules for common apps and sites")
    levels: dict[str, int] = Field(
        default_factory=dict, description="productivity per category, -2..2 (inherited by subcategories)")
    kinds: dict[str, Literal["standard", "research", "entertainment"]] = Field(
        default_factory=dict, description="scoring strategy per category (inherited by subcategories)")
    research_min_dwell_seconds: float = Field(
        30.0, ge=0, description="research pages count as productive only after this long")
    entertainment_glance_seconds: float = Field(
        5.0, ge=0, description="entertainment visits shorter than this are neutral")
    entertainment_allowance_minutes: float = Field(
        0.0, ge=0, description="daily entertainment time that counts as neutral (a planned break)")
    coding_category: str = Field("Work > Programming", description="what 'coding' goals count")
    daily_active_goal_minutes: float = Field(
        240.0, gt=0, description="the daily active-time goal; the streak counts days meeting it")
    goals: list[GoalSettings] = Field(default_factory=_default_goals)
    work_days: list[Weekday] = Field(
        default_factory=lambda: list(WORK_WEEK), min_length=1,
        description="days daily goals and the streak count; other days never break the streak")
    browser_apps: str | None = Field(None, description="regex: apps whose time browser tabs refine")
    editor_apps: str | None = Field(None, description="regex: apps whose time editor events refine")

    _v_coding = field_validator("coding_category")(_check_category)

    @field_validator("browser_apps", "editor_apps")
    @classmethod
    def _v_regex(cls, value: str | None) -> str | None:
        if value is not None:
            _check_patterns([value])
        return value

    @field_validator("levels")
    @classmethod
    def _v_levels(cls, value: dict[str, int]) -> dict[str, int]:
        for name, level in value.items():
            _check_category(name)
            if not -2 <= level <= 2:
                raise ValueError(f"{name!r}: level {level} is outside -2 (very distracting) .. 2 (very productive)")
        return value

    @field_validator("kinds")
    @classmethod
    def _v_kinds(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            _check_category(name)
        return value

    @field_validator("timezone")
    @classmethod
    def _v_tz(cls, value: str | None) -> str | None:
        if value is not None:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"{value!r} is not a known time zone (e.g. 'Europe/Berlin')") from None
        return value


class Settings(_Section):
    tracking: TrackingSettings = Field(default_factory=TrackingSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)
    data_dir: Path | None = None  # resolved: flag > env > file > platform default

    @property
    def db_path(self) -> Path:
        assert self.data_dir is not None, "resolve_settings() fills data_dir"
        return self.data_dir / "tracker.sqlite3"

    def with_tracking(self, **changes: Any) -> "Settings":
        tracking = self.tracking.model_copy(update={k: v for k, v in changes.items() if v is not None})
        return self.model_copy(update={"tracking": TrackingSettings.model_validate(tracking.model_dump())})


def default_config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def default_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, appauthor=False)


def _format_errors(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}: invalid settings"]
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown setting (check the spelling)"
        lines.append(f"  {where}: {msg}")
    return "\n".join(lines)


def load_settings(path: Path | None, *, required: bool = False) -> Settings:
    """Read and validate the TOML file at `path`; a missing optional file gives the defaults."""
    try:
        exists = path is not None and path.exists()
    except OSError as exc:  # e.g. a config dir the user may not search
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    if path is None or not exists:
        if required and path is not None:
            raise ConfigError(f"{path}: config file not found")
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        # TOML is UTF-8 by definition; a file saved as Latin-1 is the usual cause.
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it "
                          "as UTF-8") from None
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_format_errors(path, exc)) from None


def resolve_settings(config: Path | None = None, data_dir: Path | None = None) -> Settings:
    """Settings from flags, environment, file and platform defaults, in that order of precedence."""
    explicit = config is not None or bool(os.environ.get(ENV_CONFIG))
    path = config or (Path(os.environ[ENV_CONFIG]) if os.environ.get(ENV_CONFIG) else default_config_path())
    settings = load_settings(path, required=explicit)
    chosen = data_dir or (Path(os.environ[ENV_DATA_DIR]) if os.environ.get(ENV_DATA_DIR) else None) \
        or settings.data_dir or default_data_dir()
    return settings.model_copy(update={"data_dir": Path(chosen).expanduser()})
