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
from typing import Any

from collectors.base import CollectorUnavailable
from tracker_desktop.domain.clock import Clock, SystemClock
from tracker_desktop.domain.events import COUNT_KEYS

logger = logging.getLogger(__name__)

KINDS = COUNT_KEYS  # ("keys", "clicks", "scrolls", "moves")
_INDEX = {kind: i for i, kind in enumerate(KINDS)}
_JOIN_SECONDS = 2.0


class InputCounter:
    """Thread-safe input tally with independent readers.

    The listener thread calls `add`; each consumer calls `take(reader)` with its own name and gets
    the counts since *its* previous take (or since the counter was made), so the window tracker
    ("window") and the per-minute tracker ("minutes") each see every input exactly once. Only
    totals are kept: which key, which button and where never reach this object.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._totals = [0] * len(KINDS)
        self._seen: dict[str, tuple[int, ...]] = {}
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
            if self._last_input is None or when > self._last_input:
                self._last_input = when

    def take(self, reader: str = "default") -> dict[str, int]:
        """Counts (all four kinds, zeros included) since this reader's previous take."""
        with self._lock:
            totals = tuple(self._totals)
            before = self._seen.get(reader)
            self._seen[reader] = totals
        if before is None:
            return dict(zip(KINDS, totals))
        return {kind: now - then for kind, now, then in zip(KINDS, totals, before)}

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


def _wake_x11_listeners() -> None:
    """Send harmless XTEST input so stopped pynput X11 listeners return from their RECORD loop.

    pynput's X11 listener only notices stop() when the next event arrives. A press and release of
    a keycode with no keysym is delivered but means nothing to any application; a motion to the
    pointer's own position does not move it.
    """
    try:
        import Xlib.display
        from Xlib import X
        from Xlib.ext import xtest
    except ImportError:  # pragma: no cover
        return
    try:
        dpy = Xlib.display.Display()
    except Exception:
        return
    try:
        if not dpy.has_extension("XTEST"):
            return
        first = dpy.display.info.min_keycode
        count = dpy.display.info.max_keycode - first + 1
        mapping = dpy.get_keyboard_mapping(first, count)
        unmapped = next((first + i for i, syms in enumerate(mapping) if not any(syms)), None)
        if unmapped is not None:
            xtest.fake_input(dpy, X.KeyPress, unmapped)
            xtest.fake_input(dpy, X.KeyRelease, unmapped)
        pointer = dpy.screen().root.query_pointer()
        xtest.fake_input(dpy, X.MotionNotify, x=pointer.root_x, y=pointer.root_y)
        dpy.sync()
    except Exception:
        logger.debug("could not send the XTEST wake-up input", exc_info=True)
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

    @property
    def running(self) -> bool:
        return bool(self._listeners) and all(listener.is_alive() for listener in self._listeners)

    def start(self, timeout: float = 5.0) -> None:
        if self._listeners:
            return
        add = self._counter.add
        mono = self._clock.monotonic

        def on_press(_key: object, _injected: bool = False) -> None:
            add("keys", at=mono())

        def on_click(_x: int, _y: int, _button: object, pressed: bool,
                     _injected: bool = False) -> None:
            if pressed:
                add("clicks", at=mono())

        def on_scroll(_x: int, _y: int, _dx: int, _dy: int, _injected: bool = False) -> None:
            add("scrolls", at=mono())

        def on_move(_x: int, _y: int, _injected: bool = False) -> None:
            add("moves", at=mono())

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
        """Stop listening; returns within about two seconds even if a listener hangs."""
        listeners, self._listeners = self._listeners, []
        if not listeners:
            return
        for listener in listeners:
            listener.stop()
        if self._x11:
            _wake_x11_listeners()
        for listener in listeners:
            listener.join(_JOIN_SECONDS)
            if listener.is_alive():  # daemon thread: it cannot keep the process alive
                logger.warning("an input listener thread did not stop within %.0f s", _JOIN_SECONDS)


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
