"""The tracking use case: read the probes, run the collectors' state machines, feed the store.

`TrackingService.tick()` is the whole of one poll; the run loop (or a test) only calls it. Probes
may be missing (no display): the service then records what it can and says what it cannot.
A tick never touches the database: it hands heartbeats, the status and the pause check to the
process's writer (`storage.writer.Writer`) and returns, so a database locked by another process
cannot delay a poll (and with it window switches and key attribution).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Protocol

from collectors.afk import IdleProbe
from collectors.base import CollectorUnavailable
from collectors.input import InputCounter
from collectors.window import WindowProbe
from tracker_desktop.domain.afk import AfkTracker
from tracker_desktop.domain.clock import Clock
from tracker_desktop.domain.events import AFK, WINDOW, Event, Heartbeat
from tracker_desktop.domain.input_minutes import InputMinuteTracker
from tracker_desktop.domain.window import WindowTracker

from .state import PauseState, StateService

logger = logging.getLogger(__name__)

PAUSE_CHECK_SECONDS = 2.0
STATUS_EVERY_SECONDS = 5.0
SLOW_TICK_SECONDS = 0.05


class Recorder(Protocol):
    """Where a tick hands its work: the process's database writer. Every method returns at once."""

    def heartbeat(self, hb: Heartbeat, pulsetime: float | None = None) -> None: ...
    def insert(self, event: Event) -> None: ...
    def close(self, source: str) -> None: ...
    def submit(self, fn: Callable[[], object], *, name: str | None = None, key: str | None = None,
               retry: bool = True) -> None: ...


@dataclass
class TickStats:
    """How long polls took: a slow one delays switches and credits keys to the wrong window."""

    count: int = 0
    max_seconds: float = 0.0
    slow: int = 0  # ticks over SLOW_TICK_SECONDS

    def add(self, seconds: float) -> None:
        self.count += 1
        self.max_seconds = max(self.max_seconds, seconds)
        if seconds > SLOW_TICK_SECONDS:
            self.slow += 1

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "max_ms": round(self.max_seconds * 1000, 3), "slow": self.slow}


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
    # What `status` names: the probe of each collector that is on ("sway-ipc", "x11", ...), the
    # session ("wayland (sway)") and caveats of probes that are on (XWayland windows only).
    probes: dict[str, str] = field(default_factory=dict)
    session: str | None = None
    notes: dict[str, str] = field(default_factory=dict)

    def close(self) -> None:
        """Release the probes' connections and helper processes (Wayland's swayidle)."""
        for probe in (self.window_probe, self.idle_probe):
            close = getattr(probe, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:
                    logger.warning("closing %r failed", probe, exc_info=True)


class TrackingService:
    def __init__(self, recorder: Recorder, clock: Clock, collectors: Collectors,
                 state: StateService, *, headless: bool = True) -> None:
        self._recorder = recorder
        self._clock = clock
        self._c = collectors
        self._state = state
        self._headless = headless
        self._pause = PauseState(False)
        self._pause_checked: float | None = None
        self._status_at: float | None = None
        self._started = clock.now()
        self._was_paused = False
        self._resumed_at: datetime | None = None
        self._pause_version = 0
        self._pause_lock = threading.Lock()
        self._pause_until: datetime | None = None
        self.ticks = TickStats()

    @property
    def collectors(self) -> Collectors:
        return self._c

    @property
    def paused(self) -> bool:
        return self._pause.active(self._clock.now())

    def pause(self, minutes: float | None = None) -> PauseState:
        """Pause every tracker on this database (for `minutes`, or until resumed); from the tray."""
        now = self._clock.now()
        with self._pause_lock:
            self._pause_version += 1
            self._pause = PauseState(True, now + timedelta(minutes=minutes) if minutes else None,
                                     now)
        self._recorder.submit(lambda: self._state.pause(now, minutes), name="pause", key="pause-write")
        return self._pause

    def resume(self) -> PauseState:
        now = self._clock.now()
        with self._pause_lock:
            self._pause_version += 1
            self._pause = PauseState(False)
        self._recorder.submit(lambda: self._state.resume(now), name="resume", key="pause-write")
        return self._pause

    def load_pause(self) -> None:
        """Read the stored pause state now (start-up: the first tick must already know it)."""
        self._pause = self._state.pause_state()
        if self._pause.active(self._clock.now()):
            self._was_paused, self._pause_until = True, self._pause.until  # nothing to close

    def _refresh_pause(self, version: int) -> None:
        """On the writer thread: read the pause state `pause`/`resume` (any process) stored."""
        stored = self._state.pause_state()
        with self._pause_lock:  # the tray may pause on the GUI thread meanwhile
            if version == self._pause_version:  # else our own newer pause/resume is on its way
                self._pause = stored

    def tick(self) -> None:
        started = self._clock.monotonic()
        try:
            self._tick()
        finally:
            self.ticks.add(self._clock.monotonic() - started)

    def _tick(self) -> None:
        now = self._clock.now()
        mono = self._clock.monotonic()
        if self._pause_checked is None or mono - self._pause_checked >= PAUSE_CHECK_SECONDS:
            version = self._pause_version
            self._recorder.submit(lambda: self._refresh_pause(version), name="pause check",
                                  key="pause-read", retry=False)
            self._pause_checked = mono
        if self._pause.active(now):
            if not self._was_paused:
                logger.info("tracking paused")
                # Input typed before the pause still goes to its window and minute; nothing typed
                # after it was asked for (here, or by `pause` a moment before we noticed) does.
                since = self._pause.since
                paused_mono = mono - max(0.0, (now - since).total_seconds()) if since else mono
                self._observe(now, mono, until=paused_mono)
                # A heartbeat after the pause would otherwise merge across it (the AFK pulsetime
                # is minutes long) and record the pause as time at the computer.
                self._recorder.close(WINDOW)
                self._recorder.close(AFK)
                self._c.afk.reset()
                self._c.window.reset()
                self._c.minutes.reset()
                self._was_paused = True
                self._pause_until = self._pause.until
            self._discard_input(mono)
        else:
            if self._was_paused:
                logger.info("tracking resumed")
                self._was_paused = False
                until = self._pause_until
                self._resumed_at = until if until is not None and until <= now else now
                # Input typed during the pause is not recorded, not even in its last second.
                self._discard_input(mono - (now - self._resumed_at).total_seconds())
            self._observe(now, mono)
        if self._status_at is None or mono - self._status_at >= STATUS_EVERY_SECONDS:
            self.publish_status()
            self._status_at = mono

    def _discard_input(self, until: float) -> None:
        counter = self._c.input_counter
        if counter is not None:
            counter.take("window", until=until)
            counter.take("minutes", until=until)

    def _observe(self, now: datetime, mono: float, until: float | None = None) -> None:
        """One reading of the probes at `now`; input up to monotonic `until` (default: `mono`)."""
        counter = self._c.input_counter
        cut = mono if until is None else until
        window = self._c.window
        # Input since the previous tick was typed in the window recorded then (see WindowTracker);
        # with none recorded (none focused, or the first tick), in the one seen now.
        excluded_before = window.excluded
        unattributed = window.current is None and not excluded_before
        counts = counter.take("window", until=cut) if counter is not None else {}
        if self._c.window_probe is not None:
            info = self._c.window_probe.active_window()
            for hb in window.tick(now, info, counts):
                self._recorder.heartbeat(hb, window.pulsetime)
        if self._c.idle_probe is not None:
            idle = self._idle_seconds()
            if idle is not None and self._resumed_at is not None:
                # Input during the pause is not ours to know: idle time counts from the resume.
                idle = min(idle, max(0.0, (now - self._resumed_at).total_seconds()))
            if idle is not None:
                for hb in self._c.afk.tick(now, idle):
                    self._recorder.heartbeat(hb, self._c.afk.pulsetime)
        if counter is not None:
            minutes = self._c.minutes
            boundary = minutes.boundary(now)
            before = (counter.take("minutes", until=cut - (now - boundary).total_seconds())
                      if boundary is not None else None)
            counts = counter.take("minutes", until=cut)
            if excluded_before or (unattributed and window.excluded):
                # Typed in an excluded app: not recorded anywhere, not even as anonymous totals.
                return
            for hb in minutes.tick(now, counts, before):
                self._recorder.heartbeat(hb, minutes.pulsetime)

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
            "session": self._c.session,
            "probes": {k: v for k, v in self._c.probes.items()
                       if k not in self._c.unavailable},
            "notes": dict(self._c.notes),
            "ticks": self.ticks.to_json(),
        }

    def publish_status(self) -> None:
        status, now = self.status(), self._clock.now()
        # A status that cannot be written is dropped: a newer one follows within seconds.
        self._recorder.submit(lambda: self._state.publish_status(status, now), name="status",
                            key="status", retry=False)

    def shutdown(self) -> None:
        """One last reading, and mark the tracker stopped; the writer then writes it all."""
        now, mono = self._clock.now(), self._clock.monotonic()
        if not self.paused:
            # One last poll, so input since the previous tick reaches its window and minute too.
            try:
                self._observe(now, mono)
            except Exception:  # a probe failing now must not stop the final write
                logger.warning("final poll at shutdown failed", exc_info=True)
        status = self.status()
        status["stopped"] = now.isoformat()
        self._recorder.submit(lambda: self._state.publish_status(status, now), name="final status",
                            key="status")
