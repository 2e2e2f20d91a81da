"""Productivity score 0–100: RescueTime's pulse, Σ(seconds × (level + 2)) / (Σ seconds × 4) × 100.

Each category has a level from −2 (very distracting) to +2 (very productive). How a category's
time turns into points is a strategy chosen by the category's kind (seed 000: "per-category
scoring strategies, e.g. ResearchScorer, EntertainmentScorer"): a strategy sees the category's
visits of the day in order and says which level each visit effectively earns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Hashable, Mapping, Protocol, Sequence

from .categories import Category, inherited

MIN_LEVEL, MAX_LEVEL = -2, 2


@dataclass(frozen=True, slots=True)
class Visit:
    """Uninterrupted time on one thing (a page, a window title, a file) within one category."""

    start: datetime
    seconds: float
    key: Hashable


class Strategy(Protocol):
    def levels(self, visits: Sequence[Visit], level: int) -> list[float]:
        """The effective level of each visit, given the category's level."""
        ...


@dataclass(frozen=True, slots=True)
class StandardScorer:
    """Every second earns the category's level."""

    def levels(self, visits: Sequence[Visit], level: int) -> list[float]:
        return [float(level)] * len(visits)


@dataclass(frozen=True, slots=True)
class ResearchScorer:
    """Reading counts as productive only when you stay: visits shorter than `min_dwell` seconds
    (skimming search results, bouncing between tabs) are neutral instead."""

    min_dwell: float = 30.0

    def levels(self, visits: Sequence[Visit], level: int) -> list[float]:
        if level <= 0:
            return [float(level)] * len(visits)
        return [float(level) if v.seconds >= self.min_dwell else 0.0 for v in visits]


@dataclass(frozen=True, slots=True)
class EntertainmentScorer:
    """Distraction is what you actually watch: glances shorter than `glance` seconds (pausing a
    video, skipping a song) are neutral, and so is a daily `allowance` of seconds (a planned
    break); everything after that earns the category's (negative) level."""

    glance: float = 5.0
    allowance: float = 0.0

    def levels(self, visits: Sequence[Visit], level: int) -> list[float]:
        if level >= 0:
            return [float(level)] * len(visits)
        out = []
        left = self.allowance
        for v in visits:
            if v.seconds < self.glance or v.seconds <= 0:
                out.append(0.0)
                continue
            free = min(v.seconds, left)
            left -= free
            out.append(level * (v.seconds - free) / v.seconds)
        return out


STANDARD = "standard"
DEFAULT_STRATEGIES: Mapping[str, Strategy] = MappingProxyType({
    STANDARD: StandardScorer(),
    "research": ResearchScorer(),
    "entertainment": EntertainmentScorer(),
})


@dataclass(frozen=True, slots=True)
class ScoringPolicy:
    levels: Mapping[Category, int] = field(default_factory=dict)
    kinds: Mapping[Category, str] = field(default_factory=dict)
    strategies: Mapping[str, Strategy] = field(default_factory=lambda: DEFAULT_STRATEGIES)

    def level(self, category: Category) -> int:
        return int(inherited(category, self.levels, 0))

    def kind(self, category: Category) -> str:
        return str(inherited(category, self.kinds, STANDARD))

    def strategy(self, category: Category) -> Strategy:
        return self.strategies.get(self.kind(category), self.strategies.get(STANDARD, StandardScorer()))


def points(seconds: float, level: float) -> float:
    """A span's contribution to the numerator: seconds × (level + 2), from 0 to 4 × seconds."""
    return seconds * (level + 2)


def score(total_points: float, seconds: float) -> float | None:
    """0–100, or None when there is no time to score."""
    if seconds <= 0:
        return None
    value = total_points / (seconds * 4) * 100
    return min(100.0, max(0.0, value))
