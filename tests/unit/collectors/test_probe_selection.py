"""Probe selection and the listener's bookkeeping, with fakes (the real probes run in tests/x11)."""

import sys
import threading
import types
from datetime import datetime, timezone

import pytest

import collectors.afk as afk_mod
import collectors.input as input_mod
import collectors.window as window_mod
from collectors.afk import LastInputIdleProbe, make_idle_probe
from collectors.base import CollectorUnavailable
from collectors.input import InputCounter, PynputInputListener
from collectors.window import make_window_probe
from tracker_desktop.domain.clock import FakeClock

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


@pytest.fixture
def no_display(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    for mod in (window_mod, afk_mod, input_mod):
        monkeypatch.setattr(mod.sys, "platform", "linux")


def test_window_probe_without_a_display_says_what_to_do(no_display):
    with pytest.raises(CollectorUnavailable, match="no display.*--headless.*DISPLAY"):
        make_window_probe()


def test_wayland_without_xwayland_is_named(no_display, monkeypatch):
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    with pytest.raises(CollectorUnavailable, match="Wayland"):
        make_window_probe()


def test_idle_probe_without_display_or_input_is_unavailable(no_display):
    with pytest.raises(CollectorUnavailable, match="no way to measure idle time"):
        make_idle_probe()


def test_idle_probe_falls_back_to_the_input_listener(no_display):
    clock = FakeClock(T0)
    counter = InputCounter(clock)
    probe = make_idle_probe(counter, clock)
    assert isinstance(probe, LastInputIdleProbe)


def test_last_input_idle_probe_counts_from_the_last_input():
    clock = FakeClock(T0)
    counter = InputCounter(clock)
    probe = LastInputIdleProbe(counter, clock)
    clock.advance(4)
    assert probe.idle_seconds() == 4.0  # no input yet: idle since the probe was made
    counter.add("keys")
    assert probe.idle_seconds() == 0.0
    clock.advance(2.5)
    assert probe.idle_seconds() == 2.5


def test_input_listener_without_a_display_is_unavailable(no_display):
    with pytest.raises(CollectorUnavailable, match="DISPLAY is not set"):
        PynputInputListener(InputCounter(), FakeClock(T0))


# ---- the listener's callbacks, against a fake pynput ---------------------------------------

class FakeListener:
    instances: list = []

    def __init__(self, **callbacks):
        self.callbacks = callbacks
        self.started = self.stopped = False
        self.ready = threading.Event()
        self._alive = False
        FakeListener.instances.append(self)

    def start(self):
        self.started = self._alive = True
        self.ready.set()

    def wait(self):
        self.ready.wait(1.0)  # bounded so the test leaves no thread behind for long

    def is_alive(self):
        return self._alive

    def stop(self):
        self.stopped = True
        self._alive = False

    def join(self, timeout=None):
        pass


@pytest.fixture
def fake_pynput(monkeypatch):
    FakeListener.instances = []
    pynput = types.ModuleType("pynput")
    pynput.keyboard = types.SimpleNamespace(Listener=FakeListener)
    pynput.mouse = types.SimpleNamespace(Listener=FakeListener)
    monkeypatch.setitem(sys.modules, "pynput", pynput)
    monkeypatch.setattr(input_mod.sys, "platform", "win32")  # no X11 checks
    return FakeListener


def test_listener_counts_kinds_only(fake_pynput):
    clock = FakeClock(T0)
    counter = InputCounter(clock)
    listener = PynputInputListener(counter, clock)
    listener.start()
    assert listener.running
    keyboard, mouse = fake_pynput.instances
    clock.advance(3)
    for key in "secret":
        keyboard.callbacks["on_press"](key, False)
    mouse.callbacks["on_click"](10, 20, "left", True, False)
    mouse.callbacks["on_click"](10, 20, "left", False, False)  # release: not a second click
    mouse.callbacks["on_scroll"](10, 20, 0, -1, False)
    mouse.callbacks["on_move"](11, 21, False)
    assert counter.take("window") == {"keys": 6, "clicks": 1, "scrolls": 1, "moves": 1}
    assert counter.last_input == 3.0
    # Nothing about which key or where is kept anywhere in the counter.
    assert "secret" not in repr(vars(counter)) and "21" not in repr(counter.totals())
    listener.stop()
    assert all(x.stopped for x in fake_pynput.instances) and not listener.running
    keyboard.callbacks["on_press"]("x", False)  # the thread's last event after stop()
    assert counter.take("window")["keys"] == 0
    listener.stop()  # idempotent


def test_listener_that_never_gets_ready_is_unavailable(fake_pynput, monkeypatch):
    def dead_start(self):
        self.started = True  # thread "died" before signalling ready

    monkeypatch.setattr(FakeListener, "start", dead_start)
    listener = PynputInputListener(InputCounter(), FakeClock(T0))
    with pytest.raises(CollectorUnavailable, match="did not start"):
        listener.start(timeout=0.2)
