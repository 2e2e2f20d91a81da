"""Composition root: builds the whole application from Settings and a Clock. No globals.

Only this module (and the CLI that calls it) may import the UI.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, cast

from tracker_desktop.config import Settings
from tracker_desktop.domain.clock import Clock
from tracker_desktop.services.state import StateService

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from collectors.input import PynputInputListener
    from storage.uow import SqlUnitOfWorkFactory, UnitOfWorkFactory
    from storage.writer import Writer
    from collectors.window import X11SwitchWatcher
    from datetime import date

    from tracker_desktop.secrets import SecretStore
    from tracker_desktop.services.ai import AiService
    from tracker_desktop.services.analysis_setup import AnalysisSetup
    from tracker_desktop.services.github import GithubSync
    from tracker_desktop.services.gitlog import CodeActivity
    from tracker_desktop.services.dashboard import DashboardService
    from tracker_desktop.services.focus import FocusService
    from tracker_desktop.services.reports import ReportService
    from tracker_desktop.services.rollups import RollupService
    from tracker_desktop.services.status import StatusService
    from tracker_desktop.services.tasks import TaskService
    from tracker_desktop.services.export import ExportService
    from tracker_desktop.services.delete import DeleteService
    from tracker_desktop.services.tracking import Collectors
    from sync.client.service import SyncService

logger = logging.getLogger(__name__)

MIN_TICK_GAP_SECONDS = 0.02
INPUT_GRACE_SECONDS = 0.25
SYNC_PUSH_SECONDS = 15 * 60.0


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class Store:
    """The database. Writes and bulk reads go through SQLAlchemy (`engine`, `uow`), opened and
    migrated on first use; reads of state and rollups (`reads`) run on a plain sqlite3 connection
    while the schema is current, so a verb that only reads never imports SQLAlchemy (start-up).
    Not for sharing between threads: the tracker gives its threads their own services on `uow`.
    """

    def __init__(self, db_path: Path, *, migrate_apart: bool = False) -> None:
        self.db_path = db_path
        self._migrate_apart = migrate_apart  # migrations in a child process (long-lived ones)
        self._lite: sqlite3.Connection | None = None

    @cached_property
    def engine(self) -> Engine:
        from sqlalchemy.exc import DBAPIError

        from storage.engine import open_database
        from storage.files import explain

        try:
            return open_database(self.db_path, migrate_apart=self._migrate_apart)
        except DBAPIError as exc:
            reason = explain(exc, self.db_path)
            if reason is None:
                raise
            raise reason from None

    @cached_property
    def uow(self) -> SqlUnitOfWorkFactory:
        from storage.uow import SqlUnitOfWorkFactory

        return SqlUnitOfWorkFactory(self.engine)

    @cached_property
    def reads(self) -> UnitOfWorkFactory:
        """Read units of work on sqlite3 (writes on `uow`); all on `uow` if the schema must be
        migrated first."""
        from storage.lite import ReadThenWrite, connect_current

        self._lite = connect_current(self.db_path)
        if self._lite is None:
            return self.uow
        return cast("UnitOfWorkFactory", ReadThenWrite(self._lite, lambda: self.uow))

    @cached_property
    def state(self) -> StateService:
        return StateService(self.reads)

    def close(self) -> None:
        if self._lite is not None:
            self._lite.close()
            self._lite = None
        if "engine" in self.__dict__:
            self.engine.dispose()


def open_store(settings: Settings, *, create: bool = True, migrate_apart: bool = False) -> Store:
    """The database at the settings' path; `create=False` for verbs that only read;
    `migrate_apart` for the long-lived processes (see storage.engine.migrate).

    Raises storage.files.DatabaseUnavailable (NoDatabase when missing and not `create`) with a
    message a person can act on; the files are checked before SQLite opens them.
    """
    from storage.files import prepare_database

    prepare_database(settings.db_path, create=create)
    store = Store(settings.db_path, migrate_apart=migrate_apart)
    if create:
        store.engine  # noqa: B018  (create and migrate it now, as a writing verb expects)
    return store


class App:
    """The typed services every surface calls (CLI verbs, tray, dashboard, native hosts, sync):
    built once per process from Settings and a Clock, each service on first use.

    JSON happens only at the edges: services return dataclasses.
    """

    def __init__(self, settings: Settings, clock: Clock, store: Store) -> None:
        self.settings = settings
        self.clock = clock
        self.store = store

    @property
    def state(self) -> StateService:
        return self.store.state

    @cached_property
    def analysis(self) -> "AnalysisSetup":
        from tracker_desktop.config import this_device
        from tracker_desktop.services.analysis_setup import build_setup

        return build_setup(self.settings.analysis, local_device=this_device(self.settings.tracking))

    @cached_property
    def rollups(self) -> "RollupService":
        """Rollups kept current: consumes change marks, stores what it computes (rebuild)."""
        from tracker_desktop.services.rollups import RollupService

        return RollupService(self.store.reads, self.analysis, self.clock)

    @cached_property
    def reading_rollups(self) -> "RollupService":
        """Rollups for showing figures: leaves marks to the tracker and stores only sizeable
        work, so status and report rarely take the write lock or import SQLAlchemy."""
        from tracker_desktop.services.rollups import RollupService

        return RollupService(self.store.reads, self.analysis, self.clock, read_mostly=True)

    def device_reports(self, device: str) -> "ReportService":
        """Reports of one device's events: computed from raw events, never stored (rollups hold
        the all-devices view)."""
        from tracker_desktop.services.analysis_setup import for_device
        from tracker_desktop.services.reports import ReportService
        from tracker_desktop.services.rollups import RollupService

        return ReportService(RollupService(self.store.reads, for_device(self.analysis, device),
                                           self.clock, read_mostly=True))

    @cached_property
    def reports(self) -> "ReportService":
        from tracker_desktop.services.reports import ReportService

        return ReportService(self.reading_rollups)

    @cached_property
    def status(self) -> "StatusService":
        from tracker_desktop.services.status import StatusService

        return StatusService(self.state, self.reading_rollups, self.clock)

    @cached_property
    def focus(self) -> "FocusService":
        """Focus sessions: reads on the lean path, each verb one write unit of work."""
        from tracker_desktop.services.focus import FocusService

        return FocusService(self.store.reads, self.settings.focus, self.clock, self.analysis.tz)

    @cached_property
    def tasks(self) -> "TaskService":
        """Tasks, time entries and the manual log: reads on the lean path, each verb one write
        unit of work."""
        from tracker_desktop.services.tasks import TaskService

        return TaskService(self.store.reads, self.clock, self.analysis.tz)

    @cached_property
    def export(self) -> "ExportService":
        """Export (JSON dump, CSV) and the native restore: bulk reads and writes on SQLAlchemy."""
        from tracker_desktop.services.export import ExportService, settings_for_export

        return ExportService(lambda: self.store.engine, settings_for_export(self.settings),
                             self.clock.now)

    @cached_property
    def delete(self) -> "DeleteService":
        """Deleting a range of days, or everything (the keyring's secrets too)."""
        from tracker_desktop.secrets import SecretStore
        from tracker_desktop.services.delete import DeleteService

        assert self.settings.data_dir is not None
        data_dir = self.settings.data_dir
        return DeleteService(lambda: self.store.engine, lambda: self.rollups, lambda: self.focus,
                             lambda: SecretStore(data_dir, warn=False))

    @cached_property
    def secrets(self) -> "SecretStore":
        """API keys and tokens: the OS keyring (a private file in the data dir without one)."""
        from tracker_desktop.secrets import SecretStore

        assert self.settings.data_dir is not None
        return SecretStore(self.settings.data_dir)

    @cached_property
    def code_activity(self) -> "CodeActivity":
        """Local git commits of the projects seen in editor activity, against coding time."""
        from tracker_desktop.services.gitlog import CodeActivity

        return CodeActivity(self.store.uow, self.reports, self.settings.ai.git_repos)

    @cached_property
    def github(self) -> "GithubSync":
        from tracker_desktop.services.github import TOKEN_NAME, GithubSync

        return GithubSync(self.store.uow, self.clock, lambda: self.secrets.get(TOKEN_NAME))

    @cached_property
    def ai(self) -> "AiService":
        """Insights and plans: Claude with a key (ANTHROPIC_API_KEY or the keyring), else local."""
        return make_ai(self, self.store.uow, self.reports, self.tasks)

    @cached_property
    def sync(self) -> "SyncService":
        """Opt-in sync: off until the person registers or logs in (`sync` verbs)."""
        return make_sync(self.settings, self.clock, self.store.reads, self.analysis)

    def for_another_thread(self) -> "App":
        """The same services over connections of their own: for a thread that reads while
        this App's are in use elsewhere (the dashboard's worker; the lean read connection is
        not for two threads at once). Close it when done."""
        return App(self.settings, self.clock, Store(self.settings.db_path))

    @cached_property
    def dashboard(self) -> "DashboardService":
        """The dashboard window's reads (run on its worker thread, never the GUI thread)."""
        from tracker_desktop.domain.days import day_bounds, day_period
        from tracker_desktop.services.dashboard import DashboardService, DataVersion, code_feed

        def code(day: "date") -> Any:
            start, end = day_bounds(day, self.analysis.tz, self.analysis.day_start_hour)
            with self.store.uow() as u:
                github = u.ai.github_items(start, end)
            commits = self.code_activity.for_period(day_period(day)).commits
            return code_feed(github, commits, self.analysis.tz)

        return DashboardService(self.reports, self.focus, self.store.reads, self.clock,
                                DataVersion(self.settings.db_path), code)

    def close(self) -> None:
        if "dashboard" in self.__dict__:
            self.dashboard.close()
        self.store.close()


def make_sync(settings: Settings, clock: Clock, uow: Any, analysis: "AnalysisSetup",
              write: Callable[[Callable[[], object]], None] | None = None) -> "SyncService":
    """The sync client over this machine's own events (each device pushes its own day)."""
    from sync.client.service import SyncService
    from tracker_desktop.config import this_device
    from tracker_desktop.secrets import SecretStore
    from tracker_desktop.services.analysis_setup import for_device
    from tracker_desktop.services.rollups import RollupService

    device = this_device(settings.tracking)
    rollups = RollupService(uow, for_device(analysis, device), clock, read_mostly=True)
    assert settings.data_dir is not None
    data_dir = settings.data_dir
    return SyncService(uow, clock, analysis.tz, rollups.summaries,
                       lambda: SecretStore(data_dir), device, write=write)


def build_app(settings: Settings, clock: Clock, *, create: bool = True,
              migrate_apart: bool = False) -> App:
    """Open the database (`create=False`: a verb that only reads) and assemble the services
    (`migrate_apart`: a long-lived process, whose migrations run in a child)."""
    return App(settings, clock, open_store(settings, create=create, migrate_apart=migrate_apart))


class AlreadyTracking(RuntimeError):
    """Another tracker records into this database; a second one would record everything twice."""


def claim_tracking(store: Store, db_path: Path) -> Any:
    """Hold the one-tracker-per-database lock (released by the OS if the process dies)."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(db_path) + ".tracker.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        stored = store.state.tracker_status()
        pid = stored[0].get("pid") if stored else None
        raise AlreadyTracking(
            f"another tracker is already recording into {db_path}"
            + (f" (pid {pid})" if isinstance(pid, int) else "")
            + "; stop it first, or use another --data-dir") from None
    return lock


@dataclass
class Tracker:
    """A running tracker's parts: the loop thread drives `service.tick` every poll; the writer
    thread does every database write."""

    store: Store
    clock: Clock
    settings: Settings
    headless: bool
    service: Any = None
    writer: Writer | None = None
    listener: Any = None
    scheduler: Any = None
    run_lock: Any = None
    watcher: Any = None  # tells of window switches as they happen (X11); None: polling only
    tz: tzinfo | None = None  # the analysis time zone, for what the tray shows
    stop_event: threading.Event = field(default_factory=threading.Event)
    # Set by a stop request or a window switch: the loop ticks at once instead of at the next poll.
    wake: threading.Event = field(default_factory=threading.Event)
    # Served beside the tracker, writing through its writer: the local WakaTime API (issue 13).
    endpoints: list[Any] = field(default_factory=list)

    def run_forever(self) -> int:
        """Tick until SIGTERM/SIGINT (or `stop()`), then flush and return the exit code."""
        poll = self.settings.tracking.poll_seconds

        def on_signal(signum: int, _frame: object) -> None:
            logger.info("signal %s: stopping", signum)
            self.stop()

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        written = False
        try:
            self.start(self.wake.set)
            while not self.stop_event.is_set():
                started = self.clock.monotonic()
                try:
                    self.service.tick()
                except Exception:
                    logger.exception("tracking tick failed")
                # A burst of title changes (a progress bar in a title) ticks at most this often.
                self.stop_event.wait(MIN_TICK_GAP_SECONDS)
                self.wake.wait(max(0.0, poll - (self.clock.monotonic() - started)))
                self.wake.clear()
        finally:
            written = self.shutdown()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0 if written else 1

    def start(self, on_switch: Callable[[], None] | None = None) -> None:
        """Start the writer, the listeners and the jobs; `on_switch` is told of window switches."""
        if self.writer is not None:
            self.writer.start()
        self._start_endpoints()
        if self.watcher is not None and on_switch is not None:
            from collectors.base import CollectorUnavailable

            try:
                self.watcher.start(on_switch)
            except CollectorUnavailable as exc:
                logger.warning("window switches are noticed by polling only: %s", exc)
                self.watcher = None
        if self.listener is not None:
            from collectors.base import CollectorUnavailable

            try:
                self.listener.start()
            except CollectorUnavailable as exc:
                logger.warning("input collector off: %s", exc)
                self.listener = None
                self.service.input_unavailable(str(exc))
        if self.scheduler is not None:
            self.scheduler.start()

    def _start_endpoints(self) -> None:
        for endpoint in list(self.endpoints):
            try:
                endpoint.start()
            except RuntimeError as exc:  # PortInUse, or it did not come up
                # The record goes on without it; the reason is in the log and on stderr.
                logger.warning("the WakaTime API is off: %s", exc)
                _quietly("the WakaTime API", endpoint.stop)  # its lock, socket and thread
                self.endpoints.remove(endpoint)

    def stop(self) -> None:
        self.stop_event.set()
        self.wake.set()

    def shutdown(self) -> bool:
        """Stop everything and write what is pending; False if some of it could not be written
        (the writer logged how much)."""
        try:
            # Whatever fails here, the record must still be written (the finally below).
            if self.scheduler is not None:
                _quietly("the scheduler", lambda: self.scheduler.shutdown(wait=True))
            if self.watcher is not None:
                _quietly("the window switch watcher", self.watcher.stop)
            # The last poll first, while the listener still counts; stopping it sends no input,
            # so the last AFK state is the real one (issue 7: every shutdown looked like a
            # return). Input typed a moment before the signal may still be on its way.
            if self.listener is not None:
                time.sleep(INPUT_GRACE_SECONDS)
            _quietly("the last poll", self.service.shutdown)
            if self.listener is not None:
                _quietly("the input listener", self.listener.stop)
            collectors = getattr(self.service, "collectors", None)
            if collectors is not None:
                _quietly("the probes", collectors.close)
        finally:
            for endpoint in self.endpoints:  # requests in flight finish before the writer stops
                _quietly("the WakaTime API", endpoint.stop)
            written = self.writer.stop() if self.writer is not None else True
            self.store.close()
            if self.run_lock is not None:
                self.run_lock.release()
        return written


def _quietly(what: str, fn: Callable[[], object]) -> None:
    try:
        fn()
    except Exception:
        logger.warning("%s did not stop cleanly", what, exc_info=True)


def build_collectors(settings: Settings, clock: Clock
                     ) -> tuple[Collectors, PynputInputListener | None, Any]:
    """The probes and state machines this machine supports, the input listener and the switch
    watcher (X11, sway, Hyprland; None where unavailable, with the reason in
    `collectors.unavailable`). Linux sessions get the probes `domain.session.plan_session` picks
    from the environment (issue 14)."""
    from collectors.afk import make_idle_probe
    from collectors.base import CollectorUnavailable
    from collectors.input import InputCounter, PynputInputListener
    from collectors.window import X11SwitchWatcher, X11WindowProbe, make_window_probe
    from tracker_desktop.domain.afk import AfkTracker
    from tracker_desktop.domain.input_minutes import InputMinuteTracker
    from tracker_desktop.domain.privacy import PrivacyRules
    from tracker_desktop.domain.window import WindowTracker
    from tracker_desktop.services.tracking import Collectors

    t = settings.tracking
    unavailable: dict[str, str] = {}
    window_probe = idle_probe = counter = listener = watcher = None
    fallback_notes: dict[str, str] = {}  # a window probe used in place of the plan's, and why
    plan = None
    if sys.platform not in ("win32", "darwin"):
        from tracker_desktop.domain.session import plan_session

        plan = plan_session(os.environ, record_input=t.record_input)
    if plan is not None and plan.session == "wayland":
        window_probe, watcher, idle_probe = _wayland_probes(plan, clock, unavailable,
                                                            fallback_notes)
    elif not has_display():
        reason = "no display (DISPLAY is not set): window, AFK and input tracking are off"
        unavailable.update(window=reason, afk=reason, input=reason)
    else:
        try:
            window_probe = make_window_probe()
            if isinstance(window_probe, X11WindowProbe):
                watcher = X11SwitchWatcher(window_probe)
        except CollectorUnavailable as exc:
            unavailable["window"] = str(exc)
        if t.record_input:
            counter = InputCounter(clock)
            try:
                listener = PynputInputListener(counter, clock)
            except CollectorUnavailable as exc:
                unavailable["input"] = str(exc)
                counter = None
        else:
            unavailable["input"] = "input counting is off in the settings (tracking.record_input)"
        try:
            idle_probe = make_idle_probe(counter, clock)
        except CollectorUnavailable as exc:
            unavailable["afk"] = str(exc)
    for name, reason in unavailable.items():
        logger.warning("%s collector off: %s", name, reason)
    collectors = Collectors(
        window_probe=window_probe,
        idle_probe=idle_probe,
        input_counter=counter,
        window=WindowTracker(PrivacyRules.from_settings(settings.privacy), t.poll_seconds,
                             t.window_pulsetime),
        afk=AfkTracker(t.afk_timeout, t.poll_seconds),
        minutes=InputMinuteTracker(),
        unavailable=unavailable,
        probes=_probe_names(plan, window_probe, idle_probe, counter, fallback_notes),
        session=f"{plan.session} ({plan.desktop})" if plan is not None else sys.platform,
        notes=({**plan.notes, **{"window": n for n in fallback_notes.values()}}
               if plan is not None else {}),
    )
    return collectors, listener, watcher


def _wayland_probes(plan: Any, clock: Clock, unavailable: dict[str, str],
                    fallback_notes: dict[str, str]) -> tuple[Any, Any, Any]:
    """The window probe, its switch watcher and the idle probe the Wayland plan names; a probe
    that cannot start leaves its collector off with the reason, or the window collector on its
    fallback (`fallback_notes[probe]` says why and what it sees)."""
    from collectors import wayland
    from collectors.base import CollectorUnavailable
    from collectors.window import X11SwitchWatcher, X11WindowProbe

    unavailable.update(plan.off)
    window_probe = watcher = idle_probe = None

    def window(name: str) -> tuple[Any, Any]:
        if name == "x11":  # XWayland
            x11 = X11WindowProbe()
            return x11, X11SwitchWatcher(x11)
        return wayland.make_window_probe(name)

    if plan.window is not None:
        try:
            window_probe, watcher = window(plan.window)
        except CollectorUnavailable as exc:
            unavailable["window"] = str(exc)
            if plan.window_fallback is not None:
                try:
                    window_probe, watcher = window(plan.window_fallback)
                except CollectorUnavailable as fallback_exc:
                    unavailable["window"] += f"; the fallback failed too: {fallback_exc}"
                else:
                    del unavailable["window"]
                    fallback_notes[plan.window_fallback] = f"{plan.fallback_note} ({exc})"
    if plan.afk is not None:
        try:
            idle_probe = wayland.make_idle_probe(plan.afk, clock)
        except CollectorUnavailable as exc:
            unavailable["afk"] = str(exc)
    return window_probe, watcher, idle_probe


def _probe_names(plan: Any, window_probe: Any, idle_probe: Any, counter: Any,
                 fallback_notes: dict[str, str]) -> dict[str, str]:
    """What `status` names as the probe of each collector that is on."""
    if plan is None:
        names = {"window": "pywinctl", "afk": "os-idle", "input": "pynput"}
    else:
        names = dict(plan.probes)
        for probe in fallback_notes:
            names["window"] = probe
        from collectors.afk import LastInputIdleProbe

        if isinstance(idle_probe, LastInputIdleProbe):
            names["afk"] = "input-listener"
    on = {"window": window_probe, "afk": idle_probe, "input": counter}
    return {k: v for k, v in names.items() if on.get(k) is not None}


def build_tracker(app: App, *, headless: bool) -> Tracker:
    from tracker_desktop.scheduler import make_scheduler
    from tracker_desktop.services.tracking import TrackingService

    from storage.heartbeat_engine import HeartbeatEngine
    from storage.writer import Writer
    from tracker_desktop.services.rollups import RollupService

    settings, clock, store = app.settings, app.clock, app.store
    run_lock = claim_tracking(store, settings.db_path)
    from tracker_desktop.config import this_device

    # Every heartbeat and event this tracker records carries this machine's device name.
    writer = Writer(HeartbeatEngine(store.uow, clock, device=this_device(settings.tracking)), clock)
    collectors, listener, watcher = build_collectors(settings, clock)
    # The writer thread does these services' reads too: they get their own connections (`uow`),
    # not the read connection the main thread uses.
    service = TrackingService(writer, clock, collectors, StateService(store.uow),
                              headless=headless)
    service.load_pause()
    rollups = RollupService(store.uow, app.analysis, clock)
    from tracker_desktop.services.focus import FocusService

    focus = FocusService(store.uow, settings.focus, clock, app.analysis.tz)
    sync = make_sync(settings, clock, store.uow, app.analysis,
                     write=lambda fn: writer.submit(fn, name="sync_state"))
    scheduler = make_scheduler({
        # Keep today's and yesterday's rollups current so reports never wait on raw events; it
        # writes, so it runs on the writer thread like every other write of this process.
        "rollups": (lambda: writer.submit(rollups.tick, name="rollups", key="rollups", retry=False),
                    60.0),
        # The focus profile (also recomputed after every session): sessions stopped from another
        # process or a changed time zone show within minutes.
        "focus_profile": (lambda: writer.submit(focus.recompute, name="focus_profile",
                                                key="focus_profile", retry=False), 300.0),
        # Opt-in sync: does nothing (no network) until the person opted in. Reads and HTTP run
        # on the scheduler's thread; what was sent is recorded through the writer.
        "sync_push": (sync.scheduled_push, SYNC_PUSH_SECONDS),
    })
    _schedule_ai(app, scheduler, writer)
    tracker = Tracker(store, clock, settings, headless, service, writer, listener, scheduler,
                      run_lock, watcher, app.analysis.tz)
    if settings.wakatime.enabled:
        tracker.endpoints.append(build_wakatime_endpoint(app, writer, on_first_connection=True))
    return tracker


def build_wakatime_endpoint(app: App, writer: Writer, port: int | None = None, *,
                            on_first_connection: bool = False) -> Any:
    """The local WakaTime API over `app`'s database (issue 13), writing through `writer` (the
    tracker's, or its own for `wakatime serve`); `start()` binds 127.0.0.1 (PortInUse if taken),
    `stop()` ends it. Its HTTP threads read on their own connections (`store.uow`). The tracker
    starts its HTTP stack on the first connection (see WakaTimeEndpoint)."""
    from datetime import timedelta

    from tracker_desktop.endpoints.wakatime import ApiKey, WakaTimeEndpoint, create_app
    from tracker_desktop.secrets import SecretStore
    from tracker_desktop.services.rollups import RollupService
    from tracker_desktop.services.wakatime import WakaTimeReports, WakaTimeService, ensure_api_key

    settings = app.settings
    assert settings.data_dir is not None
    data_dir = settings.data_dir
    opened: list[SecretStore] = []

    def load_key() -> str:
        # The keyring is opened on the first request: a tracker nobody's plugin talks to never
        # touches it (nor warns that a headless box has none).
        if not opened:
            opened.append(SecretStore(data_dir))
        return ensure_api_key(opened[0])

    key = ApiKey(load_key)
    timeout = timedelta(minutes=settings.wakatime.keystroke_timeout_minutes)
    service = WakaTimeService(writer, app.store.uow, app.clock, timeout)
    reports = WakaTimeReports(RollupService(app.store.uow, app.analysis, app.clock, read_mostly=True),
                              settings.analysis.coding_category, app.clock)
    return WakaTimeEndpoint(lambda port_of: create_app(service, reports, key, port_of, app.clock.now),
                            settings.wakatime.port if port is None else port,
                            Path(str(settings.db_path) + ".wakatime.lock"),
                            on_first_connection=on_first_connection)


def make_ai(app: App, uow: Any, reports: "ReportService", tasks: "TaskService", *,
            write: Callable[[Callable[[], object]], None] | None = None,
            environment_key: bool = True) -> "AiService":
    """The insights and plans service over `uow` (the CLI's, or a thread's own connections):
    commits from GitHub and local git, open tasks and logged errors fed in, the key from the
    keyring (and ANTHROPIC_API_KEY when `environment_key`)."""
    from tracker_desktop.domain.days import day_bounds, day_period
    from tracker_desktop.services.ai import AiService, key_from, manual_errors, open_tasks
    from tracker_desktop.services.gitlog import CodeActivity

    code = CodeActivity(uow, reports, app.settings.ai.git_repos)
    setup = app.analysis

    def commits_on(day: "date") -> int:
        start, end = day_bounds(day, setup.tz, setup.day_start_hour)
        with uow() as u:
            on_github = {g.external_id for g in u.ai.github_items(start, end) if g.kind == "commit"}
        return len(on_github | {c.sha for c in code.for_period(day_period(day)).commits})

    return AiService(uow, reports, app.settings.ai, app.clock,
                     key=key_from(lambda name: app.secrets.get(name), environment=environment_key),
                     privacy_excluded=app.settings.privacy.exclude_apps, write=write,
                     commits_on=commits_on, open_tasks=lambda: open_tasks(tasks),
                     manual_errors_on=lambda day: manual_errors(tasks, setup, day))


def _schedule_ai(app: App, scheduler: Any, writer: "Writer") -> None:
    """The day's analysis and tomorrow's plan at their times, runs missed while the tracker was
    not running caught up shortly after start, and the GitHub sync when connected. They wait on
    the network in the scheduler's threads; what they store goes through the writer."""
    from tracker_desktop.scheduler import add_daily, add_every, add_once
    from tracker_desktop.services.github import TOKEN_NAME, GithubSync
    from tracker_desktop.services.tasks import TaskService
    from tracker_desktop.services.reports import ReportService
    from tracker_desktop.services.rollups import RollupService

    settings, clock, store = app.settings, app.clock, app.store

    def write(fn: Callable[[], object]) -> None:
        writer.submit(fn, name="ai")

    reports = ReportService(RollupService(store.uow, app.analysis, clock, read_mostly=True))
    # Unattended runs ask Claude only with a key stored by `ai set-key`: an ANTHROPIC_API_KEY
    # exported in the session for some other tool is no consent to send anything.
    ai = make_ai(app, store.uow, reports, TaskService(store.uow, clock, app.analysis.tz),
                 write=write, environment_key=False)
    add_daily(scheduler, "ai_analysis", ai.daily_analysis, settings.ai.analysis_time,
              app.analysis.tz)
    add_daily(scheduler, "ai_plan", ai.nightly_plan, settings.ai.plan_time, app.analysis.tz)
    add_once(scheduler, "ai_catch_up", ai.catch_up)
    github = GithubSync(store.uow, clock, lambda: app.secrets.get(TOKEN_NAME), write=write)

    def sync_github() -> None:
        if app.secrets.get(TOKEN_NAME):
            github.sync(days=7)

    add_every(scheduler, "github_sync", sync_github, settings.ai.github_sync_hours * 3600)


def run_gui(app: App, tracker: Tracker, *, settings_path: Path | None = None) -> int:
    """The tray app: the same tracker, ticked by a Qt timer, with a tray icon (the settings
    dialog saves to `settings_path`)."""
    from ui.tray import run_tray_app

    return run_tray_app(app, tracker, settings_path=settings_path)


def hand_to_running(data_dir: Path, message: dict[str, Any]) -> bool:
    """Give `message` to the tray app already running on `data_dir` (one instance only)."""
    from ui.single_instance import send_to_running

    # Blocking QLocalSocket calls need no application object (none exists yet: the tray app
    # creates its QApplication later).
    return send_to_running(data_dir, message)
