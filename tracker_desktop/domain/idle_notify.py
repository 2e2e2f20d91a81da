"""Idle time from a compositor's idle notifications (Wayland: ext-idle-notify-v1 or
org_kde_kwin_idle), which say "no input for `timeout` s" and "input again", never "idle for n s".

With one short timeout S the idle time is exact once it reaches S: the notification came S after
the last input. Below S it is only known to be less than S (and at most the time since the last
resume, which was an input): `idle_seconds` reports that upper bound, so a "not-afk" ping at
now - idle is never later than the real last input, and `AfkTracker` sees the AFK period start at
the last input exactly as on X11 (issue 14).
"""

from __future__ import annotations


class NotifiedIdle:
    """Fed by the notification reader (`idled`, `resumed`, monotonic seconds), read each poll."""

    def __init__(self, timeout: float, started: float) -> None:
        if timeout <= 0:
            raise ValueError(f"idle notification timeout must be positive, not {timeout}")
        self.timeout = float(timeout)
        # (idle?, time): idle → the last input's time; active → the last known input (a resume,
        # or the start: the compositor's timer starts when the notification is registered).
        # One tuple, replaced whole, so the polling thread never sees half an update.
        self._state: tuple[bool, float] = (False, float(started))

    def idled(self, at: float) -> None:
        """The compositor said: no input for `timeout` s (received at monotonic `at`)."""
        if not self._state[0]:
            self._state = (True, at - self.timeout)

    def resumed(self, at: float) -> None:
        """Input again, at `at`."""
        self._state = (False, at)

    @property
    def idle(self) -> bool:
        return self._state[0]

    def idle_seconds(self, now: float) -> float:
        idle, since = self._state
        elapsed = max(0.0, now - since)
        return elapsed if idle else min(elapsed, self.timeout)
