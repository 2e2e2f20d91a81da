"""Settings: a TOML file in the platform config dir, validated with messages a person can act on.

Validated with msgspec rather than pydantic: every CLI verb loads the settings, and pydantic's
import plus model building cost ~110 ms of a 250 ms start-up budget (issue 6); msgspec costs a
few. Limits live in `Meta` on each field; what `Meta` cannot say (regexes that must compile,
levels in -2..2, a pulsetime that covers a poll, time zones that exist) is checked in
`__post_init__`, which msgspec runs on every conversion.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import msgspec
from msgspec import Meta, field

if TYPE_CHECKING:
    from typing import Self

APP_NAME = "tracker-desktop"
ENV_DATA_DIR = "TRACKER_DATA_DIR"
ENV_CONFIG = "TRACKER_CONFIG"



class ConfigError(ValueError):
    """The config file is missing, unreadable or invalid; the message says where and why."""


class InvalidSettings(ConfigError):
    """Settings that do not validate; `problems` holds one "dotted.path: reason" line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid settings\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = problems


class _Invalid(ValueError):
    """A `__post_init__` check failed; carries the field so the message can name the setting."""

    def __init__(self, field_name: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field_name = field_name


_S = TypeVar("_S", bound="_Section")


class _Section(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    # The two method names are pydantic's: callers (the analysis setup, tests) used them before.
    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """Validate a dict as TOML gives it; `InvalidSettings` names every bad setting."""
        return _validate(cls, data)

    def model_dump(self, *, exclude: Collection[str] = ()) -> dict[str, Any]:
        """The values as plain dicts, lists, strings and numbers (paths as strings)."""
        dumped: dict[str, Any] = msgspec.to_builtins(self, enc_hook=str)
        return {k: v for k, v in dumped.items() if k not in exclude}


def _check_patterns(field_name: str, patterns: list[str]) -> None:
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise _Invalid(field_name, f"{p!r} is not a valid regular expression: {exc}") from None


def _check_category(field_name: str | None, name: str) -> str:
    if not name or any(not part.strip() for part in name.split(">")):
        raise _Invalid(field_name, f"{name!r}: a category is names separated by '>', "
                                   "e.g. 'Work > Programming'")
    return " > ".join(part.strip() for part in name.split(">"))


class TrackingSettings(_Section, frozen=True):
    poll_seconds: Annotated[float, Meta(gt=0, le=60, description="How often the active window is read")] = 1.0
    afk_timeout: Annotated[float, Meta(ge=1, le=86400,
                                       description="Seconds without input before you count as away")] = 180.0
    record_input: Annotated[bool, Meta(
        description="Count keystrokes/clicks/scrolls/moves (never which key)")] = True
    window_pulsetime: Annotated[float, Meta(
        gt=0, description="Merge window heartbeats up to this many seconds apart "
        "(default: poll_seconds + 1)")] | None = None
    device: Annotated[str, Meta(
        description="This machine's name on the events it records (default: the host name, "
        "without its domain); `report --device NAME` picks one machine")] | None = None

    def __post_init__(self) -> None:
        if self.device is not None:
            if not self.device.strip():
                raise _Invalid("device", "a device name must not be blank")
            if len(self.device) > 64:
                raise _Invalid("device", f"{self.device[:20]!r}... is longer than 64 characters")
            if not self.device.isprintable():
                raise _Invalid("device", f"{self.device!r} has control characters")
        if self.window_pulsetime is not None and self.window_pulsetime < self.poll_seconds + 1:
            raise _Invalid("window_pulsetime",
                           f"window_pulsetime ({self.window_pulsetime:g} s) must be at least poll_seconds + 1 "
                           f"({self.poll_seconds + 1:g} s), or consecutive polls of one window would not merge")


def this_device(settings: TrackingSettings) -> str:
    """This machine's device name: the `[tracking] device` setting, else the host name's first
    label ("laptop.example.org" → "laptop"), cut to 64 characters."""
    if settings.device:
        return settings.device
    import socket

    return socket.gethostname().split(".", 1)[0][:64]


class PrivacySettings(_Section, frozen=True):
    exclude_apps: Annotated[list[str], Meta(
        description="Apps (process names, case-insensitive) never recorded")] = field(default_factory=list)
    exclude_titles: Annotated[list[str], Meta(
        description="Regexes: windows whose title matches are never recorded")] = field(default_factory=list)
    redact_titles: Annotated[list[str], Meta(
        description="Regexes: matching titles are stored as '[redacted]'")] = field(default_factory=list)

    def __post_init__(self) -> None:
        _check_patterns("exclude_titles", self.exclude_titles)
        _check_patterns("redact_titles", self.redact_titles)


class LoggingSettings(_Section, frozen=True):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


_RULE_FIELDS = ("app", "title", "domain", "url", "project", "language", "file")


class CategoryRuleSettings(_Section, frozen=True):
    """One rule: activities whose fields all match these regexes belong to `category`."""

    category: Annotated[str, Meta(description="e.g. 'Work > Clients > Acme'; the deepest matching rule wins")]
    app: str | None = None
    title: str | None = None
    domain: str | None = None
    url: str | None = None
    project: str | None = None
    language: str | None = None
    file: str | None = None
    ignore_case: bool = True

    def __post_init__(self) -> None:
        # Stored normalised ("Work>Code" -> "Work > Code") so rules and levels name one category.
        msgspec.structs.force_setattr(self, "category", _check_category("category", self.category))
        for name in _RULE_FIELDS:
            value = getattr(self, name)
            if value == "":
                raise _Invalid(name, "an empty pattern would match everything")
            if value is not None:
                _check_patterns(name, [value])
        if not any(getattr(self, f) for f in _RULE_FIELDS):
            raise _Invalid(None, f"rule for {self.category!r} needs at least one of: {', '.join(_RULE_FIELDS)}")


class GoalSettings(_Section, frozen=True):
    """A daily or weekly target (min_minutes) or cap (max_minutes)."""

    name: str
    metric: Annotated[Literal["active", "coding", "category"], Meta(
        description="active time, coding time (analysis.coding_category) or a category's time")] = "category"
    category: Annotated[str, Meta(description="for metric = 'category' (includes subcategories)")] | None = None
    period: Literal["day", "week"] = "day"
    min_minutes: Annotated[float, Meta(ge=0)] | None = None
    max_minutes: Annotated[float, Meta(ge=0)] | None = None

    def __post_init__(self) -> None:
        if (self.min_minutes is None) == (self.max_minutes is None):
            raise _Invalid(None, f"goal {self.name!r}: give exactly one of min_minutes (a target) "
                                 "or max_minutes (a cap)")
        if self.metric == "category":
            if not self.category:
                raise _Invalid("category", f"goal {self.name!r}: metric 'category' needs a category")
            _check_category("category", self.category)


def _default_goals() -> list[GoalSettings]:
    return [GoalSettings(name="Media at most 1 h a day", metric="category", category="Media",
                         period="day", max_minutes=60.0)]


WorkDay = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _default_work_days() -> list[WorkDay]:
    return ["mon", "tue", "wed", "thu", "fri"]


class AnalysisSettings(_Section, frozen=True):
    """How the record becomes a day: time zone, day start, breaks, categories, scores, goals."""

    timezone: Annotated[str, Meta(
        description="IANA zone for days (default: TZ, then the system's)")] | None = None
    day_start_hour: Annotated[int, Meta(
        ge=0, le=23, description="a day runs from this hour to the same hour next day")] = 0
    break_minutes: Annotated[float, Meta(
        gt=0, le=1440, description="time away at least this long is a break; shorter is idle")] = 15.0
    merge_gap_seconds: Annotated[float, Meta(
        ge=0, le=3600,
        description="active time with gaps shorter than this (and no AFK) is one block; 0: a block per gap")] = 120.0
    flood_seconds: Annotated[float, Meta(
        ge=0, le=60, description="fill gaps up to this long between events of one source")] = 5.0
    focus_interruption_seconds: Annotated[float, Meta(
        ge=0, le=3600, description="interruptions shorter than this do not end a focus stretch")] = 60.0
    rules: Annotated[list[CategoryRuleSettings], Meta(
        description="your category rules; checked before the defaults")] = field(default_factory=list)
    default_rules: Annotated[bool, Meta(
        description="also use the built-in rules for common apps and sites")] = True
    levels: Annotated[dict[str, int], Meta(
        description="productivity per category, -2..2 (inherited by subcategories)")] = field(default_factory=dict)
    kinds: Annotated[dict[str, Literal["standard", "research", "entertainment"]], Meta(
        description="scoring strategy per category (inherited by subcategories)")] = field(default_factory=dict)
    research_min_dwell_seconds: Annotated[float, Meta(
        ge=0, description="research pages count as productive only after this long")] = 30.0
    entertainment_glance_seconds: Annotated[float, Meta(
        ge=0, description="entertainment visits shorter than this are neutral")] = 5.0
    entertainment_allowance_minutes: Annotated[float, Meta(
        ge=0, description="daily entertainment time that counts as neutral (a planned break)")] = 0.0
    coding_category: Annotated[str, Meta(description="what 'coding' goals count")] = "Work > Programming"
    daily_active_goal_minutes: Annotated[float, Meta(
        gt=0, description="the daily active-time goal; the streak counts days meeting it")] = 240.0
    goals: list[GoalSettings] = field(default_factory=_default_goals)
    work_days: Annotated[list[WorkDay], Meta(
        min_length=1, description="days daily goals and the streak count; other days never break the streak",
    )] = field(default_factory=_default_work_days)
    browser_apps: Annotated[str, Meta(description="regex: apps whose time browser tabs refine")] | None = None
    editor_apps: Annotated[str, Meta(description="regex: apps whose time editor events refine")] | None = None

    def __post_init__(self) -> None:
        msgspec.structs.force_setattr(
            self, "coding_category", _check_category("coding_category", self.coding_category))
        for name in ("browser_apps", "editor_apps"):
            value = getattr(self, name)
            if value is not None:
                _check_patterns(name, [value])
        for category, level in self.levels.items():
            _check_category("levels", category)
            if not -2 <= level <= 2:
                raise _Invalid("levels", f"{category!r}: level {level} is outside -2 (very distracting) "
                                         ".. 2 (very productive)")
        for category in self.kinds:
            _check_category("kinds", category)
        if self.timezone is not None:
            # zoneinfo only when a zone is set: most configs leave it to the system.
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise _Invalid("timezone", f"{self.timezone!r} is not a known time zone "
                                           "(e.g. 'Europe/Berlin')") from None


# A host name as the browser's network rules match it: lower-case labels, no scheme/path/port.
_DOMAIN = re.compile(r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*")


class FocusSettings(_Section, frozen=True):
    """Focus sessions (`tracker-desktop focus`): Pomodoro lengths and the other modes."""

    mode: Annotated[Literal["pomodoro", "flowtime", "countdown"], Meta(
        description="What `focus start` runs without --mode")] = "pomodoro"
    work_minutes: Annotated[float, Meta(gt=0, le=1440,
                                        description="A Pomodoro work phase; the countdown's length")] = 25.0
    short_break_minutes: Annotated[float, Meta(gt=0, le=1440)] = 5.0
    long_break_minutes: Annotated[float, Meta(gt=0, le=1440)] = 15.0
    long_break_every: Annotated[int, Meta(ge=1, le=100,
                                          description="A long break after this many work phases")] = 4
    auto_start_breaks: Annotated[bool, Meta(
        description="Start a break when a work phase ends (else it waits for `focus next`)")] = True
    auto_start_work: Annotated[bool, Meta(
        description="Start work when a break ends (else it waits for `focus next`)")] = False
    flowtime_break_ratio: Annotated[float, Meta(
        gt=0, le=1, description="Flowtime: the break is this part of the work before it")] = 0.2
    blocklist: Annotated[list[str], Meta(
        max_length=500,
        description="Sites the browser extension blocks during a focus session's work phases: "
                    "domains such as 'youtube.com' (a domain blocks its subdomains too)")] = field(
        default_factory=list)

    def __post_init__(self) -> None:
        for domain in self.blocklist:
            if not _DOMAIN.fullmatch(domain):
                raise _Invalid("blocklist", f"{domain!r} is not a domain name such as 'youtube.com' "
                                            "(lower case, no scheme, path or port)")


_HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class AiSettings(_Section, frozen=True):
    """AI insights and plans (`tracker-desktop insights`, `plan`): what is sent, to which model,
    and when the daily runs happen. Without an API key everything is computed locally."""

    use_claude: Annotated[bool, Meta(
        description="Ask Claude when an API key is set (false: always local heuristics)")] = True
    model: Annotated[str, Meta(min_length=1, max_length=100,
                               description="The Anthropic model to ask")] = "claude-sonnet-5-5"
    privacy: Annotated[Literal["aggregates", "tasks", "detailed"], Meta(
        description="What is sent: aggregates (names and durations only), tasks (also open "
                    "task titles), detailed (also top window titles and files)")] = "aggregates"
    exclude: Annotated[list[str], Meta(
        description="App, site, project, language or category names never sent "
                    "([privacy] exclude_apps are never sent either)")] = field(default_factory=list)
    history_days: Annotated[int, Meta(ge=0, le=30,
                                      description="Days before the one analysed sent for comparison")] = 6
    timeout_seconds: Annotated[float, Meta(gt=0, le=600)] = 60.0
    max_retries: Annotated[int, Meta(ge=0, le=10,
                                     description="The SDK's retries (with backoff) on 429 and 5xx")] = 2
    max_tokens: Annotated[int, Meta(ge=256, le=16384)] = 2048
    analysis_time: Annotated[str, Meta(pattern=_HHMM,
                                       description="When the day's analysis runs (local time)")] = "19:45"
    plan_time: Annotated[str, Meta(pattern=_HHMM,
                                   description="When tomorrow's plan is made (local time)")] = "20:00"
    github_sync_hours: Annotated[float, Meta(gt=0, le=168)] = 6.0
    git_repos: Annotated[list[str], Meta(
        description="Local git repositories to read commits from, besides those found from "
                    "editor activity")] = field(default_factory=list)


# WakaTime's plugins talk to this port on 127.0.0.1 (Wakapi's default is 3000, which dev servers
# also use; 5292 clashes with nothing common).
WAKATIME_PORT = 5292


class WakaTimeSettings(_Section, frozen=True):
    """The local WakaTime-compatible API (`tracker-desktop wakatime`): served on 127.0.0.1 only."""

    enabled: Annotated[bool, Meta(
        description="Serve the API inside `tracker-desktop run` (tray or headless)")] = True
    port: Annotated[int, Meta(ge=1, le=65535,
                              description="TCP port on 127.0.0.1 (default 5292)")] = WAKATIME_PORT
    keystroke_timeout_minutes: Annotated[float, Meta(
        gt=0, le=120, description="Time between two heartbeats counts when the gap is at most "
                                  "this (WakaTime's keystroke timeout, 15 minutes)")] = 15.0


class ReminderSettings(_Section, frozen=True):
    """The tray's reminders and prompts: notifications at focus phase changes, break reminders
    after continuous activity, and the question about away time on return."""

    notifications: Annotated[bool, Meta(
        description="Tray messages at focus phase changes and for break reminders")] = True
    sound: Annotated[bool, Meta(description="A beep with each notification")] = False
    break_after_minutes: Annotated[float, Meta(
        ge=0, le=1440,
        description="Remind to take a break after this much continuous activity (0: never)")] = 50.0
    break_repeat_minutes: Annotated[float, Meta(
        gt=0, le=1440, description="Remind again after this long while no break is taken")] = 10.0
    break_min_minutes: Annotated[float, Meta(
        gt=0, le=1440, description="Time away from the computer that counts as a break")] = 5.0
    idle_prompt_minutes: Annotated[float, Meta(
        ge=0, le=1440,
        description="Back from being away longer than this while a focus session runs: ask what "
                    "the time was (0: never ask)")] = 5.0
    idle_prompt_during_focus: Annotated[bool, Meta(
        description="Ask about away time during focus sessions (false: stay silent)")] = True


class UiSettings(_Section, frozen=True):
    """The dashboard window (`tracker-desktop dashboard`, or the tray's "Open dashboard")."""

    theme: Annotated[Literal["system", "light", "dark"], Meta(
        description="Colours: follow the desktop's scheme, or always light / dark")] = "system"
    refresh_seconds: Annotated[float, Meta(
        ge=5, le=3600, description="While open, look this often for new activity (a period "
        "with today in it is re-read only when something was recorded)")] = 60.0


class Settings(_Section, frozen=True):
    tracking: TrackingSettings = field(default_factory=TrackingSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    focus: FocusSettings = field(default_factory=FocusSettings)
    ai: AiSettings = field(default_factory=AiSettings)
    wakatime: WakaTimeSettings = field(default_factory=WakaTimeSettings)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    data_dir: Path | None = None  # resolved: flag > env > file > platform default

    @property
    def db_path(self) -> Path:
        assert self.data_dir is not None, "resolve_settings() fills data_dir"
        return self.data_dir / "tracker.sqlite3"

    def with_tracking(self, **changes: Any) -> Settings:
        """A copy with these `[tracking]` overrides (None keeps the value), validated like the file."""
        raw = self.tracking.model_dump() | {k: v for k, v in changes.items() if v is not None}
        try:
            tracking = _validate(TrackingSettings, raw, where="tracking")
        except InvalidSettings as exc:
            raise ConfigError("; ".join(exc.problems)) from None
        return msgspec.structs.replace(self, tracking=tracking)


def default_config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def default_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, appauthor=False)


# --- validation, and messages that name the setting ---------------------------------------

def _dec_hook(type_: type, obj: Any) -> Any:
    if type_ is Path:
        if isinstance(obj, str):
            return Path(obj)
        raise ValueError("Input should be a path in quotes")
    raise NotImplementedError(type_)


def _convert(raw: Any, type_: Any) -> Any:
    # strict=False: a quoted number ("2") or boolean ("true") passed before (pydantic's lax
    # mode), so a config file that worked keeps working.
    return msgspec.convert(raw, type_, strict=False, dec_hook=_dec_hook)


def _validate(cls: type[_S], raw: Any, where: str = "") -> _S:
    try:
        result: _S = _convert(raw, cls)
        return result
    except msgspec.ValidationError as exc:
        # msgspec stops at the first problem; a person fixing a file wants all of them, so the
        # slow path (only ever taken for a bad file) checks setting by setting.
        raise InvalidSettings(_problems(cls, raw, where) or [_explain(exc, where, cls, raw)]) from None


def _join(where: str, key: object) -> str:
    return f"{where}.{key}" if where else str(key)


def _problems(cls: type[msgspec.Struct], raw: Any, where: str) -> list[str]:
    """Every problem in `raw` as "dotted.path: reason", checking each setting on its own."""
    if not isinstance(raw, dict):
        return []  # the caller's own conversion error says what the table should be
    fields = {f.encode_name: f for f in msgspec.structs.fields(cls)}
    found: list[str] = []
    for key, value in raw.items():
        info = fields.get(key)
        if info is None:
            found.append(f"{_join(where, key)}: {_unknown(key, fields)}")
        else:
            found += _value_problems(info.type, value, _join(where, key))
    if not found:  # each setting is fine alone: the section's own checks (__post_init__) failed
        try:
            _convert(raw, cls)
        except msgspec.ValidationError as exc:
            found.append(_explain(exc, where, cls, raw))
    return found


def _value_problems(type_: Any, value: Any, where: str) -> list[str]:
    from typing import get_args, get_origin

    try:
        _convert(value, type_)
        return []
    except msgspec.ValidationError as exc:
        error = exc
    # Look inside tables, lists of tables and dicts to name the exact setting (and all of them).
    bare = get_args(type_)[0] if get_origin(type_) is Annotated else type_
    found: list[str] = []
    if isinstance(bare, type) and issubclass(bare, msgspec.Struct):
        found = _problems(bare, value, where)
    elif get_origin(bare) is list and isinstance(value, list):
        (item,) = get_args(bare)
        if isinstance(item, type) and issubclass(item, msgspec.Struct):
            found = [p for i, v in enumerate(value) for p in _value_problems(item, v, f"{where}[{i}]")]
    elif get_origin(bare) is dict and isinstance(value, dict):
        item = get_args(bare)[1]
        found = [p for k, v in value.items() for p in _value_problems(item, v, f'{where}["{k}"]')]
    return found or [_explain(error, where, type_, value)]


def _unknown(key: str, fields: Collection[str]) -> str:
    from difflib import get_close_matches

    close = get_close_matches(key, fields, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown setting (check the spelling{hint})"


_TYPE_WORDS = {"float": "a number", "int": "a whole number", "str": "text in quotes",
               "bool": "true or false", "array": "a list", "object": "a table", "Path": "a path in quotes"}
_COMPARISONS = {">": "greater than", ">=": "greater than or equal to",
                "<": "less than", "<=": "less than or equal to"}


def _explain(exc: msgspec.ValidationError, where: str, type_: Any, value: Any) -> str:
    """msgspec's message as "dotted.path: reason", with the value given and the choices allowed."""
    cause = exc.__cause__
    message, _, at = str(exc).partition(" - at `$")
    at = at.rstrip("`")
    value = _lookup(value, at)
    where = where + at if where else at.lstrip(".")
    if isinstance(cause, _Invalid):
        return f"{_join(where, cause.field_name) if cause.field_name else where or '(top level)'}: {cause}"
    got = _shown(value)
    if m := re.fullmatch(r"Expected `([^`]+)`, got `[^`]+`", message):
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in m[1].split(" | ") if t != "null")
        reason = f"Input should be {wanted}, got {got}"
    elif m := re.fullmatch(r"Expected `[^`]+` (>=|>|<=|<) (\S+)", message):
        reason = f"Input should be {_COMPARISONS[m[1]]} {float(m[2]):g}, got {got}"
    elif m := re.fullmatch(r"Expected `\w+` of length >= (\d+)", message):
        reason = f"Input should have at least {m[1]} item{'s' if m[1] != '1' else ''}"
    elif message.startswith("Invalid enum value"):
        choices = ", ".join(_shown(c) for c in _literals(type_))
        reason = f"Input should be one of {choices}, got {got}"
    elif m := re.fullmatch(r"Object contains unknown field `(.+)`", message):
        return f"{_join(where, m[1])}: unknown setting (check the spelling)"
    elif m := re.fullmatch(r"Object missing required field `(.+)`", message):
        return f"{_join(where, m[1])}: required, but missing"
    else:
        reason = message
    return f"{where or '(top level)'}: {reason}"


def _lookup(value: Any, at: str) -> Any:
    for key, index in re.findall(r"\.(\w+)|\[(\d+)\]", at):
        try:
            value = value[int(index)] if index else value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _literals(type_: Any) -> list[Any]:
    from typing import get_args, get_origin

    if get_origin(type_) is Literal:
        return list(get_args(type_))
    return [choice for arg in get_args(type_) for choice in _literals(arg)]


def _shown(value: Any) -> str:
    # As TOML spells it: "text", true, 1.5, ["a"].
    import json

    return json.dumps(value, ensure_ascii=False, default=str)


# --- loading -------------------------------------------------------------------------------

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
    import tomllib  # only when there is a file: most runs have none

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
        return _validate(Settings, raw)
    except InvalidSettings as exc:
        raise ConfigError(f"{path}: {exc}") from None


def resolve_settings(config: Path | None = None, data_dir: Path | None = None) -> Settings:
    """Settings from flags, environment, file and platform defaults, in that order of precedence."""
    explicit = config is not None or bool(os.environ.get(ENV_CONFIG))
    path = config or (Path(os.environ[ENV_CONFIG]) if os.environ.get(ENV_CONFIG) else default_config_path())
    settings = load_settings(path, required=explicit)
    chosen = data_dir or (Path(os.environ[ENV_DATA_DIR]) if os.environ.get(ENV_DATA_DIR) else None) \
        or settings.data_dir or default_data_dir()
    return msgspec.structs.replace(settings, data_dir=Path(chosen).expanduser())
