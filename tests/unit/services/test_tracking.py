"""The tracking use case with scripted probes, the real state machines and an in-memory store."""

from datetime import datetime, timedelta, timezone

from collectors.input import InputCounter
from storage.heartbeat_engine import HeartbeatEngine
from storage.uow import MemoryUnitOfWork
from storage.writer import Writer
from tracker_desktop.config import PrivacySettings
from tracker_desktop.domain.afk import AfkTracker
from tracker_desktop.domain.clock import FakeClock
from tracker_desktop.domain.input_minutes import InputMinuteTracker
from tracker_desktop.domain.privacy import PrivacyRules
from tracker_desktop.domain.window import WindowInfo, WindowTracker
from tracker_desktop.services.state import StateService
from tracker_desktop.services.tracking import Collectors, TrackingService

T0 = datetime(2026, 1, 5, 9, 0, 30, tzinfo=timezone.utc)


class ScriptedWindow:
    def __init__(self):
        self.info: WindowInfo | None = WindowInfo("code", "main.py", 10)

    def active_window(self):
        return self.info


class ScriptedIdle:
    def __init__(self, clock):
        self.clock = clock
        self.last_input = clock.now()

    def idle_seconds(self):
        return (self.clock.now() - self.last_input).total_seconds()


class Driven:
    """The service with its writer run by hand after each tick (the thread's loop body)."""

    def __init__(self, service, writer):
        self.service, self.writer = service, writer

    def tick(self):
        self.service.tick()
        self.writer.run_pending()

    def shutdown(self):
        self.service.shutdown()
        assert self.writer.stop()

    def __getattr__(self, name):
        return getattr(self.service, name)


def make(clock, privacy=None, with_probes=True):
    uow = MemoryUnitOfWork()
    writer = Writer(HeartbeatEngine(uow, clock), clock)
    window, idle, counter = ScriptedWindow(), ScriptedIdle(clock), InputCounter(clock)
    collectors = Collectors(
        window_probe=window if with_probes else None,
        idle_probe=idle if with_probes else None,
        input_counter=counter if with_probes else None,
        window=WindowTracker(PrivacyRules.from_settings(privacy or PrivacySettings()), 1.0),
        afk=AfkTracker(timeout=10, poll_seconds=1.0),
        minutes=InputMinuteTracker(),
        unavailable={} if with_probes else {"window": "no display"},
    )
    service = TrackingService(writer, clock, collectors, StateService(uow))
    return Driven(service, writer), uow, window, idle, counter


def events(uow, source):
    with uow() as u:
        return u.events.range(source)


def type_keys(clock, idle, counter, n):
    counter.add("keys", n)
    idle.last_input = clock.now()


def test_windows_afk_and_counts_are_recorded_and_flushed_on_shutdown():
    clock = FakeClock(T0)
    service, uow, window, idle, counter = make(clock)
    for second in range(40):
        if second == 20:
            window.info = WindowInfo("firefox", "docs", 11)
        service.tick()  # a switch is seen at once (on X11 the switch itself triggers the tick)
        if second < 25:
            type_keys(clock, idle, counter, 2)
        clock.advance(1)
    service.shutdown()
    wins = events(uow, "window")
    # Each window's time runs until the switch; the final poll at shutdown (t=40) extends the last.
    assert [(e.data["app"], e.duration.total_seconds()) for e in wins] == [("code", 20.0), ("firefox", 20.0)]
    # Keys go to the window they were typed in.
    assert [e.counts.get("keys") for e in wins] == [40, 10]
    afk = events(uow, "afk")
    statuses = [(e.data["status"], e.start - T0, e.duration) for e in afk]
    # Last input at second 24: away from just after it (noticed at 34, timeout 10 s) to shutdown.
    assert statuses == [("not-afk", timedelta(0), timedelta(seconds=24)),
                        ("afk", timedelta(seconds=24, milliseconds=1), timedelta(seconds=16))]
    minutes = events(uow, "input")
    assert sum(e.counts["keys"] for e in minutes) == 50
    assert [e.start for e in minutes] == [T0.replace(second=0)]  # all typed within 09:00


def test_nothing_is_recorded_while_paused_and_input_during_pause_is_dropped():
    clock = FakeClock(T0)
    service, uow, window, idle, counter = make(clock)
    service.tick()
    StateService(uow).pause(clock.now(), minutes=1)  # by another process (`tracker-desktop pause`)
    clock.advance(3)  # past the pause re-check interval: the writer reads it after this tick
    service.tick()
    for _ in range(30):
        type_keys(clock, idle, counter, 1)
        service.tick()
        clock.advance(1)
    assert service.paused
    assert service.status()["paused"] is True and service.status()["window"] is None
    clock.advance(30)
    service.tick()  # pause expired by itself
    type_keys(clock, idle, counter, 5)
    clock.advance(1)
    service.tick()
    service.shutdown()
    wins = events(uow, "window")
    assert sum(e.counts.get("keys", 0) for e in wins) == 5
    assert wins[-1].start >= T0 + timedelta(seconds=63)
    assert sum(e.counts.get("keys", 0) for e in events(uow, "input")) == 5


def test_no_event_reaches_into_a_pause_shorter_than_the_pulsetime():
    """Merging across a short pause (AFK pulsetime is timeout + poll) would record the pause."""
    clock = FakeClock(T0)
    service, uow, window, idle, counter = make(clock)
    for _ in range(5):
        type_keys(clock, idle, counter, 1)
        service.tick()
        clock.advance(1)
    paused_at = clock.now()
    StateService(uow).pause(paused_at, minutes=0.1)  # 6 s, well under the 11 s AFK pulsetime
    for _ in range(8):
        type_keys(clock, idle, counter, 1)  # active all through the pause
        service.tick()
        clock.advance(1)
    assert not service.paused
    for _ in range(5):
        type_keys(clock, idle, counter, 1)
        service.tick()
        clock.advance(1)
    service.shutdown()
    inside = paused_at + timedelta(seconds=4.5)  # the pause is noticed within 2 s, ends at +6 s
    for source in ("window", "afk"):
        recorded = events(uow, source)
        assert recorded and recorded[-1].end > paused_at + timedelta(seconds=6)
        assert not [e for e in recorded if e.start <= inside <= e.end], source


def test_excluded_apps_are_never_written():
    clock = FakeClock(T0)
    service, uow, window, idle, counter = make(clock, PrivacySettings(exclude_apps=["keepassxc"]))
    window.info = WindowInfo("keepassxc", "passwords.kdbx", 12)
    for _ in range(5):
        type_keys(clock, idle, counter, 1)
        service.tick()
        clock.advance(1)
    service.shutdown()
    assert events(uow, "window") == []


def test_status_is_published_and_says_what_is_off():
    clock = FakeClock(T0)
    service, uow, *_ = make(clock, with_probes=False)
    service.tick()
    stored, updated = StateService(uow).tracker_status()
    assert updated == T0
    assert stored["collectors"] == {"window": False, "afk": False, "input": False}
    assert stored["unavailable"] == {"window": "no display"}
    service.shutdown()
    assert StateService(uow).tracker_status()[0]["stopped"] == T0.isoformat()


def test_input_in_an_excluded_app_is_not_counted_anywhere():
    clock = FakeClock(T0)
    service, uow, window, idle, counter = make(clock, PrivacySettings(exclude_apps=["keepassxc"]))
    for second in range(10):
        window.info = WindowInfo("keepassxc" if second < 5 else "code", "x", 12)
        service.tick()
        type_keys(clock, idle, counter, 1)  # typed in the window just seen
        clock.advance(1)
    service.shutdown()
    assert sum(e.counts.get("keys", 0) for e in events(uow, "window")) == 5
    assert sum(e.counts.get("keys", 0) for e in events(uow, "input")) == 5


def test_an_idle_probe_that_fails_turns_afk_off_and_tracking_goes_on():
    from collectors.base import CollectorUnavailable

    clock = FakeClock(T0)
    service, uow, window, idle, counter = make(clock)

    def broken():
        raise CollectorUnavailable("X server went away")

    idle.idle_seconds = broken
    for _ in range(3):
        service.tick()
        clock.advance(1)
    assert service.status()["unavailable"]["afk"] == "X server went away"
    service.shutdown()
    assert len(events(uow, "window")) == 1 and events(uow, "afk") == []


def test_input_since_the_last_tick_reaches_the_window_event_at_shutdown():
    clock = FakeClock(T0)
    service, uow, window, idle, counter = make(clock)
    service.tick()
    clock.advance(0.5)
    type_keys(clock, idle, counter, 7)  # typed after the last poll, then SIGTERM
    service.shutdown()
    assert sum(e.counts.get("keys", 0) for e in events(uow, "window")) == 7
    assert sum(e.counts.get("keys", 0) for e in events(uow, "input")) == 7


def test_a_tracker_started_while_paused_records_nothing_from_its_first_tick():
    clock = FakeClock(T0)
    service, uow, window, idle, counter = make(clock)
    StateService(uow).pause(clock.now())  # paused before this tracker started
    service.load_pause()  # what build_tracker does before the first tick
    for _ in range(3):
        type_keys(clock, idle, counter, 1)
        service.tick()
        clock.advance(1)
    service.shutdown()
    assert events(uow, "window") == [] and events(uow, "input") == []


def test_without_a_window_probe_input_is_still_taken_so_none_piles_up():
    clock = FakeClock(T0)
    service, uow, window, idle, counter = make(clock)
    service.service._c.window_probe = None  # e.g. the window collector is off
    for _ in range(5):
        type_keys(clock, idle, counter, 2)
        service.tick()
        clock.advance(1)
    assert len(counter._log) == 0
    service.shutdown()
    assert sum(e.counts.get("keys", 0) for e in events(uow, "input")) == 10
