"""Settings: a TOML file in the platform config dir, validated with messages a person can act on."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

APP_NAME = "tracker-desktop"
ENV_DATA_DIR = "TRACKER_DATA_DIR"
ENV_CONFIG = "TRACKER_CONFIG"


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


class Settings(_Section):
    tracking: TrackingSettings = Field(default_factory=TrackingSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
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
    if path is None or not path.exists():
        if required and path is not None:
            raise ConfigError(f"{path}: config file not found")
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
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
