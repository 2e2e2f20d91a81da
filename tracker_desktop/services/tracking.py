"""The tracking use case: read the probes, run the collectors' state machines, feed the store.

`TrackingService.tick()` is the whole of one poll; the run loop (or a test) only calls it. Probes
may be missing (no display): the service then records what it can and says what it cannot.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any

from collectors.afk import AfkTracker, IdleProbe
from collectors.base import CollectorUnavailable
from collectors.input import InputCounter, InputMinuteTracker
from collectors.window import WindowProbe, WindowTracker
from storage.heartbeat_engine import HeartbeatEngine
from tracker_desktop.domain.clock import Clock
from tracker_desktop.domain.events import AFK, WINDOW

from .state import PauseState, StateService

logger = logging.getLogger(__name__)

PAUSE_CHECK_SECONDS = 2.0
STATUS_EVERY_SECONDS = 5.0


@dataclass
class Collectors:
    """What this machine can observe; a None probe is a collector that is off, with the reason."""

    window_probe: WindowProbe | None
    idle_probe: IdleProbe | None
    input_counter: InputCounter | None
    window: WindowTracker
    afk: AfkTracker
    minutes: InputMinuteTracker
    unavailable: dict[str, str] = field(default_factory=dict)


class TrackingService:
    def __init__(self, engine: HeartbeatEngine, clock: Clock, collectors: Collectors,
                 state: StateService, *, headless: bool = True) -> None:
        self._engine = engine
        self._clock = clock
        self._c = collectors
        self._state = state
        self._headless = headless
        self._pause = PauseState(False)
        self._pause_checked: float | None = None
        self._status_at: float | None = None
        self._started = clock.now()
        self._was_paused = False
        self._resumed_at: Any = None

    @property
    def paused(self) -> bool:
        return self._pause.active(self._clock.now())

    def tick(self) -> None:
        now = self._clock.now()
        mono = self._clock.monotonic()
        if self._pause_checked is None or mono - self._pause_checked >= PAUSE_CHECK_SECONDS:
            self._pause = self._state.pause_state()
            self._pause_checked = mono
        counts = self._c.input_counter.take("window") if self._c.input_counter else {}
        minute_counts = self._c.input_counter.take("minutes") if self._c.input_counter else {}
        if self._pause.active(now):
            if not self._was_paused:
                logger.info("tracking paused")
                self._close_input_minute(now)
                # A heartbeat after the pause would otherwise merge across it (the AFK pulsetime
                # is minutes long) and record the pause as time at the computer.
                self._engine.close(WINDOW)
                self._engine.close(AFK)
                self._c.afk.reset()
            self._was_paused = True
        else:
            if self._was_paused:
                logger.info("tracking resumed")
                self._was_paused = False
                self._resumed_at = now
            self._observe(now, counts, minute_counts)
        self._engine.maybe_flush()
        if self._status_at is None or mono - self._status_at >= STATUS_EVERY_SECONDS:
            self.publish_status()
            self._status_at = mono

    def _observe(self, now: Any, counts: dict[str, int], minute_counts: dict[str, int]) -> None:
        if self._c.window_probe is not None:
            info = self._c.window_probe.active_window()
            for hb in self._c.window.tick(now, info, counts):
                self._engine.heartbeat(hb, self._c.window.pulsetime)
            if info is not None and self._c.window.current is None:
                # An excluded app is focused: its input is not recorded anywhere, not even as
                # anonymous per-minute totals.
                minute_counts = {}
        if self._c.idle_probe is not None:
            idle = self._idle_seconds()
            if idle is not None and self._resumed_at is not None:
                # Input during the pause is not ours to know: idle time counts from the resume.
                idle = min(idle, max(0.0, (now - self._resumed_at).total_seconds()))
            if idle is not None:
                for hb in self._c.afk.tick(now, idle):
                    self._engine.heartbeat(hb, self._c.afk.pulsetime)
        if self._c.input_counter is not None:
            for event in self._c.minutes.tick(now, minute_counts):
                self._engine.insert(event)

    def _idle_seconds(self) -> float | None:
        assert self._c.idle_probe is not None
        try:
            idle = self._c.idle_probe.idle_seconds()
        except CollectorUnavailable as exc:
            if "afk" not in self._c.unavailable:
                logger.warning("AFK collector cannot read idle time: %s", exc)
            self._c.unavailable["afk"] = str(exc)
            return None
        self._c.unavailable.pop("afk", None)
        return idle

    def input_unavailable(self, reason: str) -> None:
        """The input listener could not start: stop counting, and say why in the status."""
        self._c.input_counter = None
        self._c.unavailable["input"] = reason

    def _close_input_minute(self, now: Any) -> None:
        for event in self._c.minutes.flush(now):
            self._engine.insert(event)

    def status(self) -> dict[str, Any]:
        window = self._c.window.current
        return {
            "pid": os.getpid(),
            "started": self._started.isoformat(),
            "headless": self._headless,
            "paused": self.paused,
            "pause_until": self._pause.until.isoformat() if self._pause.until else None,
            "window": {"app": window.app, "title": window.title} if window and not self.paused else None,
            "afk": self._c.afk.afk if self._c.idle_probe is not None else None,
            "collectors": {
                "window": self._c.window_probe is not None,
                "afk": self._c.idle_probe is not None,
                "input": self._c.input_counter is not None,
            },
            "unavailable": dict(self._c.unavailable),
        }

    def publish_status(self) -> None:
        try:
            self._state.publish_status(self.status(), self._clock.now())
        except Exception:  # a busy database must not stop tracking; the next publish retries
            logger.warning("could not publish tracker status", exc_info=True)

    def shutdown(self) -> None:
        """Close the current input minute, write everything pending, mark the tracker stopped."""
        now = self._clock.now()
        if not self.paused:
            # One last poll, so input since the previous tick reaches its window event too.
            counter = self._c.input_counter
            try:
                self._observe(now, counter.take("window") if counter else {},
                              counter.take("minutes") if counter else {})
            except Exception:  # a probe failing now must not stop the final write
                logger.warning("final poll at shutdown failed", exc_info=True)
        self._close_input_minute(now)
        if not self._engine.flush():
            # One more try after the busy timeout; what still fails is logged with the count.
            if not self._engine.flush():
                logger.error("%d heartbeats could not be written at shutdown", self._engine.pending)
        status = self.status()
        status["stopped"] = now.isoformat()
        try:
            self._state.publish_status(status, now)
        except Exception:
            logger.warning("could not publish final status", exc_info=True)
