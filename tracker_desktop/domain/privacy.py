"""Privacy rules applied to every window reading before anything is recorded or shown."""

from __future__ import annotations

import dataclasses
import re
from typing import Iterable, Protocol, Sequence

from .window import WindowInfo

__all__ = ["REDACTED", "PrivacyRules"]

REDACTED = "[redacted]"


class _PrivacySettingsLike(Protocol):
    @property
    def exclude_apps(self) -> Sequence[str]: ...
    @property
    def exclude_titles(self) -> Sequence[str]: ...
    @property
    def redact_titles(self) -> Sequence[str]: ...


def _app_key(name: str) -> str:
    """Compare app names the way people write them: any case, with or without ".exe"."""
    key = name.strip().casefold()
    return key[:-4] if key.endswith(".exe") else key


def _compile(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


class PrivacyRules:
    """Exclude apps and titles, redact titles; pure and cheap enough to run on every poll."""

    def __init__(
        self,
        exclude_apps: Iterable[str] = (),
        exclude_titles: Iterable[str] = (),
        redact_titles: Iterable[str] = (),
    ) -> None:
        self._exclude_apps = frozenset(_app_key(a) for a in exclude_apps if a.strip())
        self._exclude_titles = _compile(exclude_titles)
        self._redact_titles = _compile(redact_titles)

    @classmethod
    def from_settings(cls, settings: _PrivacySettingsLike) -> "PrivacyRules":
        """From `[privacy]` settings (tracker_desktop.config.PrivacySettings or anything shaped so)."""
        return cls(settings.exclude_apps, settings.exclude_titles, settings.redact_titles)

    def apply(self, info: WindowInfo) -> WindowInfo | None:
        """The reading as it may be recorded: None if excluded, the title redacted if it must be."""
        if _app_key(info.app) in self._exclude_apps:
            return None
        if any(p.search(info.title) for p in self._exclude_titles):
            return None
        if any(p.search(info.title) for p in self._redact_titles):
            return dataclasses.replace(info, title=REDACTED)
        return info
