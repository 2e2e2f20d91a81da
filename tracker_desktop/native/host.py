"""The host loop: frames in on stdin, replies and focus pushes out on stdout.

The main thread reads, validates and answers; heartbeats go to the process's one `Writer` thread
(the same merge engine as the desktop collectors), so a database held by another process delays
no reply. A second thread polls the focus session once a second and pushes changes. Start-up is
kept lean (the browser starts a host on every connect): `hello` is answered from the sqlite3
read path; SQLAlchemy is loaded with the first heartbeat.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from dataclasses import dataclass
from datetime import timedelta, timezone
from typing import TYPE_CHECKING, Any, BinaryIO, Callable

from tracker_desktop import __version__
from tracker_desktop.domain.heartbeat import PulsedHeartbeat

from . import framing, protocol
from .protocol import MessageId, ProtocolError

if TYPE_CHECKING:
    from storage.heartbeat_engine import HeartbeatEngine
    from storage.writer import Writer
    from tracker_desktop.app import App, Store
    from tracker_desktop.services.focus import FocusService, FocusStatus

logger = logging.getLogger(__name__)

FOCUS_POLL_SECONDS = 1.0
TOP = 10  # entries per list in the `today` answer
# Heartbeats handed to the writer and not yet written: above HIGH the host stops reading until the
# writer is down to LOW (at most an event of a few hundred bytes each: within ~1-2 MB).
QUEUE_HIGH = 2_000
QUEUE_LOW = 500


class _Stop(Exception):
    """SIGTERM/SIGINT: stop reading, write what was acknowledged, exit."""


def focus_message(status: FocusStatus, blocklist: list[str]) -> dict[str, Any]:
    """The `focus` push: `active` while a work phase runs (not paused, not a break)."""
    state = status.state
    cur = state.current if state is not None else None
    active = state is not None and cur is not None and cur.kind == "work" and not state.paused
    remaining = state.remaining(status.at) if state is not None else None
    until = None
    if active and remaining is not None:
        end = (status.at + remaining).astimezone(timezone.utc)
        until = (end + timedelta(microseconds=500_000)).replace(microsecond=0).isoformat()
    return {
        "type": "focus", "active": active, "until": until, "blocklist": list(blocklist),
        "phase": cur.kind if cur is not None else None,
        "paused": bool(state is not None and state.paused),
        "mode": state.plan.mode if state is not None else None,
        "session_id": status.session_id,
        "remaining_seconds": None if remaining is None else round(remaining.total_seconds()),
    }


def _same_focus(a: dict[str, Any] | None, b: dict[str, Any]) -> bool:
    if a is None:
        return False
    return all(a[k] == b[k] for k in b if k != "remaining_seconds")


@dataclass
class HostStats:
    received: int = 0
    heartbeats: int = 0
    errors: int = 0


class NativeHost:
    def __init__(self, app: App, stdin: BinaryIO, stdout: BinaryIO, *,
                 focus_poll_seconds: float = FOCUS_POLL_SECONDS,
                 focus_service_factory: Callable[[], FocusService] | None = None) -> None:
        self.app = app
        self._in = stdin
        self._out = stdout
        self._out_lock = threading.Lock()
        self._writer: Writer | None = None
        self._engine: HeartbeatEngine | None = None
        self._focus_poll = focus_poll_seconds
        self._focus_factory = focus_service_factory or self._own_focus_service
        self._focus_sent: dict[str, Any] | None = None
        self._focus: FocusService | None = None
        self._focus_lock = threading.Lock()
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self._out_closed = False
        self.stats = HostStats()

    # -- output --------------------------------------------------------------------------------
    def send(self, obj: dict[str, Any], *, flush: bool = True) -> None:
        """Write a frame; `flush=False` (the reading loop's replies) leaves it buffered until the
        loop is about to wait for input, so a burst of replies costs few writes."""
        body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8",
                                                                               "replace")
        if len(body) > framing.MAX_OUTBOUND:
            body = json.dumps({"type": "error", "id": obj.get("id"), "error": "reply_too_large",
                               "message": f"the reply is {len(body)} bytes, over the "
                                          f"{framing.MAX_OUTBOUND}-byte limit"}).encode()
        frame = framing.encode_frame(body)
        with self._out_lock:
            if self._out_closed:
                return
            try:
                self._out.write(frame)
                if flush:
                    self._out.flush()
            except (BrokenPipeError, ValueError, OSError):
                # The browser went away; stdin closes next and we exit after writing.
                self._out_closed = True

    def flush(self) -> None:
        with self._out_lock:
            if self._out_closed:
                return
            try:
                self._out.flush()
            except (BrokenPipeError, ValueError, OSError):
                self._out_closed = True

    def _reply(self, obj: dict[str, Any]) -> None:
        self.send(obj, flush=False)

    def _error(self, code: str, message: str, msg_id: MessageId) -> None:
        self.stats.errors += 1
        self._reply({"type": "error", "id": msg_id, "error": code, "message": message})

    # -- the loop --------------------------------------------------------------------------------
    def run(self) -> int:
        """Serve until stdin closes (0), a broken frame (2) or a signal (0); everything
        acknowledged is written before returning (1 if some of it could not be)."""
        previous = {}

        def on_signal(signum: int, _frame: object) -> None:
            raise _Stop()

        if threading.current_thread() is threading.main_thread():
            previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        code = 0
        try:
            self._poller = threading.Thread(target=self._poll_focus, name="focus-poll",
                                            daemon=True)
            self._poller.start()
            reader = framing.FrameReader(self._in)
            while True:
                try:
                    frame = reader.read(self.flush)
                except framing.FrameError as exc:
                    logger.warning("native host: %s", exc)
                    self._error(exc.code, str(exc), None)
                    code = 2
                    break
                if frame is None:
                    break
                self.handle(frame)
        except _Stop:
            logger.info("native host: stopped by a signal")
        finally:
            self.flush()
            self._stop.set()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if self._writer is not None and not self._writer.stop():
                logger.error("native host: some acknowledged heartbeats could not be written")
                code = code or 1
            if self._poller is not None:
                self._poller.join(timeout=5)
        logger.info("native host: %d message(s), %d heartbeat(s), %d error(s)",
                    self.stats.received, self.stats.heartbeats, self.stats.errors)
        return code

    def handle(self, frame: bytes) -> None:
        self.stats.received += 1
        msg_id: MessageId = None
        try:
            msg = protocol.parse(frame, self.app.clock.now())
            msg_id = msg.id
            if isinstance(msg, protocol.HeartbeatMessage):
                self._record((msg.item,))
                self._ack({"type": "ack", "id": msg.id, "ok": True}, msg.durable)
            elif isinstance(msg, protocol.HeartbeatsMessage):
                self._record(msg.items)
                reply: dict[str, Any] = {"type": "ack", "id": msg.id, "ok": True,
                                         "count": len(msg.items)}
                if msg.rejected_count:
                    reply["rejected"] = [{"index": r.index, "error": r.code, "message": r.message}
                                         for r in msg.rejected]
                    reply["rejected_count"] = msg.rejected_count
                self._ack(reply, msg.durable and bool(msg.items))
            elif isinstance(msg, protocol.Hello):
                logger.info("native host: hello from %s %s", msg.client, msg.version)
                with self._focus_lock:
                    focus = focus_message(self._main_focus().status(), self._blocklist)
                    self._focus_sent = focus
                self._reply({"type": "hello", "id": msg.id, "ok": True, "version": __version__,
                             "protocol": protocol.PROTOCOL_VERSION, "focus": focus})
            else:
                self._reply(self.today(msg.id))
        except ProtocolError as exc:
            self._error(exc.code, str(exc), exc.id)
        except _Stop:
            raise
        except Exception as exc:
            logger.exception("native host: a message failed")
            self._error("internal", f"{type(exc).__name__}: {exc}"[:500], msg_id)

    # -- heartbeats ------------------------------------------------------------------------------
    def _ack(self, reply: dict[str, Any], durable: bool) -> None:
        """Acknowledge now (the writer commits within 5 s, and before the host exits), or, for a
        `durable` message, once the writer has committed it (a kill -9 then loses nothing
        acknowledged)."""
        if not durable:
            self._reply(reply)
            return
        writer, engine = self._writer, self._engine
        assert writer is not None and engine is not None

        def commit_then_ack() -> None:
            if not engine.flush():
                raise RuntimeError("the heartbeats could not be written yet")
            self.send(reply)

        writer.submit(commit_then_ack, name="durable ack")

    def _record(self, items: tuple[PulsedHeartbeat, ...]) -> None:
        if not items:
            return
        writer = self._writer or self._start_writer()
        for item in items:
            writer.heartbeat(item.heartbeat, item.pulsetime)
        self.stats.heartbeats += len(items)
        if writer.backlog() > QUEUE_HIGH:
            # Backpressure: a sender flushing a long offline queue (or a benchmark) can hand
            # heartbeats over faster than the writer takes them, or while its commits wait on
            # another process's lock. Stop reading until the writer has written its way down:
            # the pipe fills and the sender waits, instead of this process's memory growing with
            # the backlog (it peaked at 55-80 MB under load, against a 60 MB target). What was
            # already answered goes out first.
            self.flush()
            logger.info("native host: %d heartbeat(s) not yet written; reading paused",
                        writer.backlog())
            while writer.backlog() > QUEUE_LOW and writer.alive():
                time.sleep(0.002)
            logger.info("native host: reading again")

    def _start_writer(self) -> Writer:
        from storage.heartbeat_engine import HeartbeatEngine
        from storage.writer import Writer
        from tracker_desktop.config import this_device

        store = self.app.store
        store.engine  # noqa: B018  (open and migrate on this thread, before the writer's uses it)
        self._engine = HeartbeatEngine(store.uow, self.app.clock,
                                       device=this_device(self.app.settings.tracking))
        writer = Writer(self._engine, self.app.clock)
        writer.start()
        self._writer = writer
        return writer

    # -- today ---------------------------------------------------------------------------------------
    def today(self, msg_id: MessageId) -> dict[str, Any]:
        from tracker_desktop.domain.days import day_period

        app = self.app
        report = app.reports.report(day_period(app.reading_rollups.today()), blocks=False)
        with self._focus_lock:
            focus = focus_message(self._main_focus().status(), self._blocklist)

        def named(items: Any) -> list[dict[str, Any]]:
            return [{"name": n.name, "seconds": n.seconds} for n in list(items)[:TOP]]

        return {
            "type": "today", "id": msg_id, "ok": True, "date": report.first_day.isoformat(),
            "active_seconds": report.active_seconds,
            "coding_seconds": round(sum(p.seconds for p in report.projects), 1),
            "productivity_score": report.productivity_score,
            "streak_days": report.streak_days,
            "categories": named(report.categories), "sites": named(report.domains),
            "projects": named(report.projects), "languages": named(report.languages),
            "focus": focus,
        }

    # -- focus pushes ----------------------------------------------------------------------------
    @property
    def _blocklist(self) -> list[str]:
        return list(self.app.settings.focus.blocklist)

    def _main_focus(self) -> FocusService:
        if self._focus is None:
            self._focus = self._focus_on(self.app.store)
        return self._focus

    def _focus_on(self, store: Store) -> FocusService:
        from tracker_desktop.services.focus import FocusService

        app = self.app
        # The time zone only shapes profiles (never read here); the analysis settings that give
        # it cost 70 ms of start-up.
        return FocusService(store.reads, app.settings.focus, app.clock, timezone.utc)

    def _own_focus_service(self) -> FocusService:
        """Focus reads on this thread's own connection (sqlite3 objects stay on their thread)."""
        from tracker_desktop.app import Store

        # migrate_apart as the host's own store: were the schema behind (the first start after an
        # upgrade), this thread must not import Alembic into the host either.
        return self._focus_on(Store(self.app.settings.db_path, migrate_apart=True))

    def _poll_focus(self) -> None:
        service: FocusService | None = None
        while not self._stop.wait(self._focus_poll):
            try:
                if service is None:
                    service = self._focus_factory()
                focus = focus_message(service.status(), self._blocklist)
            except Exception:
                logger.warning("native host: could not read the focus session", exc_info=True)
                continue
            with self._focus_lock:
                if self._focus_sent is None:  # no hello yet: this is the state the client knows
                    self._focus_sent = focus
                    continue
                if _same_focus(self._focus_sent, focus):
                    continue
                self._focus_sent = focus
            self.send(focus)
