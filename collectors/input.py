"""Input activity: how many keys, clicks, scrolls and moves — never which key or where.

`InputCounter` is the thread-safe tally the listener writes and the trackers read (the pure state
machine that turns it into per-minute "input" events is `tracker_desktop.domain.input_minutes`);
`PynputInputListener` is the platform probe (pynput imported lazily: it binds to $DISPLAY).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections import deque
from typing import Any, Iterable

from collectors.base import CollectorUnavailable
from tracker_desktop.domain.clock import Clock, SystemClock
from tracker_desktop.domain.events import COUNT_KEYS

logger = logging.getLogger(__name__)

KINDS = COUNT_KEYS  # ("keys", "clicks", "scrolls", "moves")
_INDEX = {kind: i for i, kind in enumerate(KINDS)}


class InputCounter:
    """Thread-safe input tally with independent readers, each input stamped with its time.

    The listener threads call `add`; each consumer calls `take(reader)` with its own name and gets
    the counts since *its* previous take, so the window tracker ("window") and the per-minute
    tracker ("minutes") each see every input exactly once. `take(reader, until=t)` stops at the
    inputs made after monotonic time `t`: a window switch noticed a few milliseconds late still
    credits each key to the window it was typed in (issue 7). Only the kind and the time of an
    input are kept, for at most `horizon` seconds: which key, which button and where never reach
    this object. Readers are named up front, so an input is kept only until all of them took it.
    """

    def __init__(self, clock: Clock | None = None, *, readers: Iterable[str] = ("window", "minutes"),
                 horizon: float = 600.0) -> None:
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._totals = [0] * len(KINDS)
        # (monotonic time, kind index, n), oldest first; entry i of the log has absolute index
        # self._base + i, and each reader's position is the absolute index of its next entry.
        self._log: deque[tuple[float, int, int]] = deque()
        self._base = 0
        self._pos: dict[str, int] = {reader: 0 for reader in readers}
        if not self._pos:
            raise ValueError("an input counter needs at least one reader")
        self._horizon = horizon
        self._last_input: float | None = None

    def add(self, kind: str, n: int = 1, *, at: float | None = None) -> None:
        """Count `n` inputs of `kind`; `at` is the monotonic time of the input (default: now)."""
        index = _INDEX.get(kind)
        if index is None:
            raise ValueError(f"unknown input kind {kind!r}; expected one of {', '.join(KINDS)}")
        if n < 0:
            raise ValueError(f"input count must not be negative, not {n}")
        when = self._clock.monotonic() if at is None else at
        with self._lock:
            self._totals[index] += n
            self._log.append((when, index, n))
            if self._last_input is None or when > self._last_input:
                self._last_input = when
            if when - self._log[0][0] > self._horizon:
                self._trim(when - self._horizon)

    def take(self, reader: str = "window", until: float | None = None) -> dict[str, int]:
        """Counts (all four kinds, zeros included) since this reader's previous take, up to
        monotonic time `until` (default: everything so far)."""
        if reader not in self._pos:
            raise ValueError(f"unknown input reader {reader!r}; this counter serves "
                             + ", ".join(sorted(self._pos)))
        counts = [0] * len(KINDS)
        with self._lock:
            log, base = self._log, self._base
            i = self._pos[reader] - base
            end = len(log)
            while i < end:
                when, index, n = log[i]
                if until is not None and when > until:
                    break
                counts[index] += n
                i += 1
            self._pos[reader] = base + i
            # Entries every reader has taken are no longer needed.
            done = min(self._pos.values()) - base
            for _ in range(done):
                log.popleft()
            self._base += done
        return dict(zip(KINDS, counts))

    def _trim(self, before: float) -> None:
        """Drop inputs older than the horizon (a reader stopped taking); they are lost to it."""
        dropped = 0
        while self._log and self._log[0][0] < before:
            self._log.popleft()
            dropped += 1
        self._base += dropped
        lagging = [r for r, pos in self._pos.items() if pos < self._base]
        for reader in lagging:
            self._pos[reader] = self._base
        if lagging:
            logger.warning("input counts older than %.0f s were never taken by %s; dropped",
                           self._horizon, ", ".join(sorted(lagging)))

    def totals(self) -> dict[str, int]:
        """Everything counted since the counter was made (reading this resets nothing)."""
        with self._lock:
            return dict(zip(KINDS, self._totals))

    @property
    def last_input(self) -> float | None:
        """Monotonic time of the most recent input, None before the first."""
        with self._lock:
            return self._last_input


# --------------------------------------------------------------------------------------------
# The probe


def _check_x11_record() -> None:
    """pynput's X11 listener needs the RECORD extension; without it its thread dies silently."""
    try:
        import Xlib.display
        import Xlib.error
    except ImportError:  # pragma: no cover - python-xlib is a Linux dependency
        return
    name = os.environ.get("DISPLAY")
    if not name:
        raise CollectorUnavailable(
            "no display: DISPLAY is not set, so keyboard and mouse input cannot be counted")
    try:
        dpy = Xlib.display.Display(name)
    except (Xlib.error.DisplayError, Xlib.error.ConnectionClosedError, OSError) as exc:
        raise CollectorUnavailable(f"cannot connect to the X display {name!r} ({exc})") from None
    try:
        if not dpy.has_extension("RECORD"):
            raise CollectorUnavailable(
                f"the X server on {name} has no RECORD extension, which input counting needs; "
                "enable it (Xorg: Load \"record\"; Xvfb: +extension RECORD) or set "
                "tracking.record_input = false")
    finally:
        dpy.close()


class PynputInputListener:
    """Count keyboard and mouse input with pynput into an InputCounter.

    The constructor checks that pynput can work here and raises CollectorUnavailable if not, so
    `start()` normally succeeds. Callbacks look at nothing but the kind of event.
    """

    def __init__(self, counter: InputCounter, clock: Clock) -> None:
        self._counter = counter
        self._clock = clock
        self._x11 = sys.platform.startswith("linux") or "bsd" in sys.platform
        if self._x11:
            _check_x11_record()
        try:
            from pynput import keyboard, mouse
        except Exception as exc:  # pynput raises ImportError listing every backend that failed
            raise CollectorUnavailable(f"pynput cannot listen to input here: {exc}") from None
        self._keyboard_mod: Any = keyboard
        self._mouse_mod: Any = mouse
        self._listeners: list[Any] = []
        self._stopped = False

    @property
    def running(self) -> bool:
        return bool(self._listeners) and all(listener.is_alive() for listener in self._listeners)

    def start(self, timeout: float = 5.0) -> None:
        if self._listeners:
            return
        self._stopped = False
        counter_add = self._counter.add
        mono = self._clock.monotonic

        def add(kind: str) -> None:
            if not self._stopped:  # a stopped listener's thread may still see one last event
                counter_add(kind, at=mono())

        def on_press(_key: object, _injected: bool = False) -> None:
            add("keys")

        def on_click(_x: int, _y: int, _button: object, pressed: bool,
                     _injected: bool = False) -> None:
            if pressed:
                add("clicks")

        def on_scroll(_x: int, _y: int, _dx: int, _dy: int, _injected: bool = False) -> None:
            add("scrolls")

        def on_move(_x: int, _y: int, _injected: bool = False) -> None:
            add("moves")

        listeners = [
            self._keyboard_mod.Listener(on_press=on_press),
            self._mouse_mod.Listener(on_click=on_click, on_scroll=on_scroll, on_move=on_move),
        ]
        for listener in listeners:
            listener.start()
        self._listeners = listeners
        for listener in listeners:
            if not _wait_ready(listener, timeout):
                self.stop()
                raise CollectorUnavailable(
                    "pynput's input listener did not start (see the log for its error); "
                    "input counting is off")
        logger.debug("input listener started")

    def stop(self) -> None:
        """Stop counting now. Returns at once and sends no input of its own.

        pynput's X11 listener threads only notice stop() when the next input arrives. Waking them
        with fake XTEST input (as we used to) reset the X session's idle timer and made the last
        poll see a return from AFK at every shutdown (issue 7); the threads are daemons instead,
        left to end with the next real input or the process.
        """
        listeners, self._listeners = self._listeners, []
        self._stopped = True
        for listener in listeners:
            listener.stop()


def _wait_ready(listener: Any, timeout: float) -> bool:
    """pynput's wait() has no timeout and blocks forever if the listener thread died early."""
    ready = threading.Event()

    def wait() -> None:
        listener.wait()
        ready.set()

    threading.Thread(target=wait, name="pynput-ready", daemon=True).start()
    deadline = timeout
    step = 0.05
    while deadline > 0:
        if ready.wait(step):
            return True
        if not listener.is_alive():
            return ready.is_set()
        deadline -= step
    return ready.is_set()
