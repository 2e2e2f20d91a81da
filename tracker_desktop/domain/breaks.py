"""Break reminders (seed 001): after a stretch of continuous activity, remind the person to take
a break, even with no focus timer running. A pure state machine fed by the AFK state.

Rules chosen here (documented in the README):
- a stretch of activity starts when the person is present again after a break; an absence
  shorter than `min_break` (a coffee at the desk, a phone call) does not end it;
- a reminder is due once the stretch reaches `after`, then every `repeat` until a break;
- `took_break(now)` (the tray's "Take a break") restarts the stretch now: it resets the counter
  without recording any break time, which only real time away (or a focus break phase) is;
- `quiet` (a focus session runs: its timer schedules the breaks) keeps counting but reminds of
  nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

_ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class BreakPolicy:
    after: timedelta = timedelta(minutes=50)  # zero: reminders off
    repeat: timedelta = timedelta(minutes=10)
    min_break: timedelta = timedelta(minutes=5)

    def __post_init__(self) -> None:
        if self.after < _ZERO:
            raise ValueError("after must not be negative")
        if self.repeat <= _ZERO or self.min_break <= _ZERO:
            raise ValueError("repeat and min_break must be longer than 0")


@dataclass(frozen=True, slots=True)
class BreakState:
    active_since: datetime | None = None  # start of the current stretch of activity
    away_since: datetime | None = None  # start of the current absence (None: present)
    last_reminder: datetime | None = None


@dataclass(frozen=True, slots=True)
class BreakReminder:
    at: datetime
    active_for: timedelta  # the stretch of activity so far

    @property
    def minutes(self) -> int:
        return int(self.active_for.total_seconds() // 60)


def observe(policy: BreakPolicy, state: BreakState, now: datetime, *,
            away_since: datetime | None, quiet: bool = False
            ) -> tuple[BreakState, BreakReminder | None]:
    """One observation: `away_since` is when the current absence began (None: present now).
    Returns the new state and the reminder due now, if any."""
    if now.tzinfo is None:
        raise ValueError("break times must be aware datetimes")
    if away_since is not None:
        # Away: the absence is remembered from its real start (the last input, not when the AFK
        # timeout noticed it), so a long enough one ends the stretch.
        start = state.away_since or away_since
        return replace(state, away_since=min(start, now)), None
    if state.away_since is not None:
        if now - state.away_since >= policy.min_break:
            state = BreakState(active_since=now)
        else:
            state = replace(state, away_since=None)
    if state.active_since is None:
        state = replace(state, active_since=now)
    assert state.active_since is not None
    active_for = now - state.active_since
    if quiet or policy.after <= _ZERO or active_for < policy.after:
        return state, None
    if state.last_reminder is not None and now - state.last_reminder < policy.repeat:
        return state, None
    return replace(state, last_reminder=now), BreakReminder(now, active_for)


def took_break(state: BreakState, now: datetime) -> BreakState:
    """A break the person started by hand (or a focus break phase): the stretch restarts now."""
    return BreakState(active_since=now, away_since=state.away_since)
