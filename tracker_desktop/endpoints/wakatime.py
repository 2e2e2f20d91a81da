"""The local WakaTime-compatible HTTP API (issue 13): every WakaTime editor plugin (through
wakatime-cli) records into our database with `api_url` pointed here.

Loopback only: it binds 127.0.0.1, answers only requests whose Host is a loopback name (a web
page can reach loopback ports through DNS rebinding; it cannot forge Host), sends no CORS headers
(so a page's script cannot read a reply), and wants the local API key (`Authorization: Basic
base64(key)`, or `?api_key=`) before it reads a body: a wrong or missing key stores nothing.

Replies as wakatime-cli expects: a bulk answers 202 with `responses`, one `[body, status]` per
heartbeat in order; 201/202 make the CLI drop a heartbeat from its offline queue, 400 drops it
with an error (it can never be stored), anything else keeps it queued for the next run.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import logging
import socket
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable, MutableMapping

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import JSONResponse

    from tracker_desktop.services.wakatime import WakaTimeReports, WakaTimeService

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
MAX_BODY = 2 * 1024 * 1024  # bytes; a bulk of wakatime-cli's 25 heartbeats is a few kB
MAX_BULK = 1000  # heartbeats per request (wakatime-cli sends at most 25)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
KEY_REREAD_SECONDS = 2.0

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def allowed_hosts(port: int) -> frozenset[str]:
    return frozenset([*LOOPBACK_NAMES, *(f"{n}:{port}" for n in LOOPBACK_NAMES)])


async def _plain(send: Send, status: int, message: str) -> None:
    import json

    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware, before any route: the Host must be a loopback name (DNS rebinding), and
    a body may not exceed MAX_BODY (checked on Content-Length, and counted as it streams in)."""

    def __init__(self, app: ASGIApp, port: Callable[[], int]) -> None:
        self.app = app
        self._port = port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hosts = [v for k, v in scope.get("headers", ()) if k == b"host"]
        if len(hosts) != 1:
            await _plain(send, 400, "one Host header is required")
            return
        host = hosts[0].decode("latin-1").lower()
        if host not in allowed_hosts(self._port()):
            await _plain(send, 421, f"this API answers only on {HOST}:{self._port()} "
                                    "(Host must be 127.0.0.1, localhost or [::1])")
            return
        length = [v for k, v in scope.get("headers", ()) if k == b"content-length"]
        if length:
            try:
                size = int(length[0])
            except ValueError:
                await _plain(send, 400, "bad Content-Length")
                return
            if size > MAX_BODY:
                await _plain(send, 413, f"request body over {MAX_BODY // 1024} KiB")
                return
        # Read the body here, up to the limit (a chunked body has no Content-Length), so a
        # route never sees more than MAX_BODY and the refusal is a 413, not an error mid-route.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                await _plain(send, 413, f"request body over {MAX_BODY // 1024} KiB")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class ApiKey:
    """The local API key, read from the keyring on the first request (the tracker starts without
    touching the keyring) and re-read at most every 2 s after a mismatch, so a key set by
    `wakatime configure` while we run is taken."""

    def __init__(self, load: Callable[[], str]) -> None:
        self._load = load
        self._key: str | None = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    def _current(self, reread: bool) -> str:
        with self._lock:
            stale = reread and time.monotonic() - self._read_at >= KEY_REREAD_SECONDS
            if self._key is None or stale:
                self._key, self._read_at = self._load(), time.monotonic()
            return self._key

    def matches(self, given: str | None) -> bool:
        if not given:
            return False
        raw = given.encode("utf-8", "surrogateescape")
        if hmac.compare_digest(raw, self._current(False).encode()):
            return True
        return hmac.compare_digest(raw, self._current(True).encode())


def key_from_request(authorization: str | None, query_key: str | None) -> str | None:
    """The key a client sent: `Basic base64(key)` (WakaTime's; `key:` as a user name also),
    `Bearer key`, or `?api_key=`."""
    if authorization:
        scheme, _, value = authorization.partition(" ")
        value = value.strip()
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                return None
            return decoded[:-1] if decoded.endswith(":") else decoded
        if scheme.lower() == "bearer":
            return value
        return None
    return query_key


def create_app(service: "WakaTimeService", reports: "WakaTimeReports", key: ApiKey,
               port: Callable[[], int], now: Callable[[], datetime]) -> ASGIApp:
    """The ASGI app: Starlette's router (FastAPI's request validation and OpenAPI would cost
    the tray ~15 MB for five routes that parse their bodies with msgspec anyway), wrapped in the
    Host/size guard."""
    import msgspec
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from tracker_desktop.domain.days import InvalidPeriod, parse_date
    from tracker_desktop.domain.wakatime import InvalidHeartbeat, parse_heartbeat

    def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status, headers=headers)

    def authorized(request: Request) -> bool:
        return key.matches(key_from_request(request.headers.get("authorization"),
                                            request.query_params.get("api_key")))

    async def heartbeats(request: Request, user: str, bulk: bool | None) -> JSONResponse:
        if user != "current":
            return error(404, "only users/current exists here")
        if not authorized(request):
            return error(401, "missing or wrong API key (tracker-desktop wakatime configure "
                              "writes the right one into ~/.wakatime.cfg)")
        body = await request.body()
        try:
            payload = msgspec.json.decode(body)
        except msgspec.DecodeError as exc:
            return error(400, f"the body is not valid JSON: {exc}")
        except RecursionError:
            return error(400, "the body is not valid JSON: nested too deeply")
        if bulk is None:  # the base URL (the legacy CLI posts its bulk to api_url as given)
            bulk = isinstance(payload, list)
        if bulk:
            if not isinstance(payload, list):
                return error(400, "a bulk must be a JSON list of heartbeats")
            if len(payload) > MAX_BULK:
                return error(413, f"{len(payload)} heartbeats in one request (at most {MAX_BULK})")
            objects = payload
        else:
            objects = [payload]
        ua = request.headers.get("user-agent")
        t_now = now()
        parsed: list[Any] = []
        for obj in objects:
            try:
                parsed.append(parse_heartbeat(obj, t_now, ua))
            except InvalidHeartbeat as exc:
                parsed.append(str(exc))
        valid = [p for p in parsed if not isinstance(p, str)]
        keys = [hb.key() for hb in valid]
        # Waits on the event loop for the writer's commit (no worker thread blocked on it).
        loop = asyncio.get_running_loop()
        committed: asyncio.Future[list[int]] = loop.create_future()

        def resolve(statuses: list[int]) -> None:
            if not committed.done():
                committed.set_result(statuses)

        service.submit(valid, keys, lambda statuses: loop.call_soon_threadsafe(resolve, statuses))
        try:
            statuses = iter(await asyncio.wait_for(committed, service.wait_seconds))
        except (asyncio.TimeoutError, TimeoutError):
            logger.warning("%d WakaTime heartbeat(s) not written within %s s", len(valid),
                           service.wait_seconds)
            return error(503, "not stored yet (the database is busy); send them again",
                         {"Retry-After": "5"})
        responses: list[list[Any]] = []
        ids = iter(keys)
        for item in parsed:
            if isinstance(item, str):
                responses.append([{"error": item}, 400])
            else:
                responses.append([{"data": _echo(item, next(ids))}, next(statuses)])
        if bulk:
            return JSONResponse({"responses": responses}, status_code=202)
        body_, status = responses[0]
        return JSONResponse(body_, status_code=status)

    async def post_bulk(request: Request) -> JSONResponse:
        return await heartbeats(request, request.path_params["user"], True)

    async def post_one(request: Request) -> JSONResponse:
        return await heartbeats(request, request.path_params["user"], False)

    async def post_bulk_short(request: Request) -> JSONResponse:
        return await heartbeats(request, "current", True)

    async def post_base(request: Request) -> JSONResponse:
        return await heartbeats(request, "current", None)

    async def statusbar(request: Request) -> JSONResponse:
        user = request.path_params["user"]
        if user != "current":
            return error(404, "only users/current exists here")
        if not authorized(request):
            return error(401, "missing or wrong API key")
        return JSONResponse(await run_in_threadpool(reports.statusbar))

    async def summaries(request: Request) -> JSONResponse:
        user = request.path_params["user"]
        if user != "current":
            return error(404, "only users/current exists here")
        if not authorized(request):
            return error(401, "missing or wrong API key")
        q = request.query_params
        today = await run_in_threadpool(reports.today)
        rng = (q.get("range") or "").lower()
        try:
            if rng in ("today", "yesterday"):
                first = last = parse_date(rng, today)
            elif q.get("start") and q.get("end"):
                first, last = parse_date(q["start"], today), parse_date(q["end"], today)
            else:
                return error(400, "start and end are required (YYYY-MM-DD, today, yesterday)")
            if (last - first).days > 366:
                return error(400, "at most 367 days per request")
            result = await run_in_threadpool(reports.summaries, first, last)
        except (InvalidPeriod, ValueError) as exc:
            return error(400, str(exc))
        return JSONResponse(result)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        status = getattr(exc, "status_code", 500)
        return error(status, str(getattr(exc, "detail", "")) or "error",
                     getattr(exc, "headers", None))

    api = Starlette(exception_handlers={404: http_error, 405: http_error}, routes=[
        Route("/api/v1/users/{user}/heartbeats.bulk", post_bulk, methods=["POST"]),
        Route("/api/v1/users/{user}/heartbeats", post_one, methods=["POST"]),
        Route("/api/v1/heartbeats.bulk", post_bulk_short, methods=["POST"]),
        Route("/api/v1", post_base, methods=["POST"]),
        Route("/api/v1/", post_base, methods=["POST"]),
        Route("/api/v1/users/{user}/statusbar/today", statusbar, methods=["GET"]),
        Route("/api/v1/users/{user}/summaries", summaries, methods=["GET"]),
    ])
    return Guard(api, port)


def _echo(hb: Any, key: str) -> dict[str, Any]:
    """What WakaTime returns for a stored heartbeat: the heartbeat with an id."""
    return {"id": key, "entity": hb.entity, "type": hb.type, "time": hb.time,
            "project": hb.project, "branch": hb.branch, "language": hb.language,
            "category": hb.category, "is_write": hb.is_write}


class EndpointUnavailable(RuntimeError):
    """The API cannot be served (the message says why)."""


class PortInUse(EndpointUnavailable):
    """Another program listens on the WakaTime port."""


class AlreadyServing(EndpointUnavailable):
    """Another process serves the WakaTime API for this database."""


class WakaTimeEndpoint:
    """uvicorn serving the API on 127.0.0.1 in a thread of this process. `start()` binds (or
    raises PortInUse), `stop()` ends it; writes go through the given Writer.

    `on_first_connection`: bind and listen at `start()`, but import and start the HTTP stack
    (Starlette, uvicorn: ~8 MB) only when the first client connects; until then a thread waits on
    the listening socket, and that client waits in its backlog for the fraction of a second the
    start takes. The tray uses it, so a person who has no WakaTime plugin never pays for the
    server; `wakatime serve` starts at once, so a broken start shows before it says it serves.
    """

    def __init__(self, make_app: Callable[[Callable[[], int]], ASGIApp], port: int,
                 lock_path: Path | None = None, *, on_first_connection: bool = False) -> None:
        self.port = port
        self._make_app = make_app
        self._lazy = on_first_connection
        self._lock_path = lock_path
        self._lock: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self._stopping = threading.Event()
        self._wake: tuple[socket.socket, socket.socket] | None = None

    def start(self, timeout: float = 10.0) -> None:
        if self._lock_path is not None:
            # One endpoint per database: its service knows what it stored (see WakaTimeService).
            from filelock import FileLock, Timeout

            from storage.files import create_private_file

            create_private_file(self._lock_path)  # 0600 before filelock creates it 0644
            lock = FileLock(str(self._lock_path))
            try:
                lock.acquire(timeout=0)
            except Timeout:
                raise AlreadyServing("another process already serves the WakaTime API for this "
                                     "database (tracker-desktop run, or wakatime serve)") from None
            self._lock = lock

        # IPPROTO_TCP named, not 0: asyncio sets TCP_NODELAY on accepted connections only when
        # the listening socket says it is TCP. Without it Nagle held every reply's body until the
        # client's delayed ACK: 40 ms a request (bench/bench_wakatime.py).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, self.port))
        except OSError as exc:
            sock.close()
            self._release()
            raise PortInUse(f"cannot listen on {HOST}:{self.port} ({exc.strerror}); another "
                            "program uses it: set [wakatime] port in the settings") from None
        sock.listen(128)
        self._sock = sock
        self.port = sock.getsockname()[1]
        self._stopping.clear()
        if self._lazy:
            self._wake = socket.socketpair()
            self._thread = threading.Thread(target=self._serve_when_called, name="wakatime-api",
                                            daemon=True)
            self._thread.start()
            logger.info("WakaTime API on http://%s:%s/api/v1 (starts on the first request)",
                        HOST, self.port)
            return
        self._server = self._new_server()
        self._thread = threading.Thread(target=self._run, name="wakatime-api", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started and self._thread.is_alive():
            if time.monotonic() > deadline:
                raise RuntimeError("the WakaTime API did not start")
            time.sleep(0.01)
        if not self._server.started:
            raise RuntimeError("the WakaTime API could not start (see the log)")
        logger.info("WakaTime API on http://%s:%s/api/v1", HOST, self.port)

    def _new_server(self) -> Any:
        import uvicorn

        config = uvicorn.Config(self._make_app(lambda: self.port), log_level="warning",
                                access_log=False, lifespan="off", server_header=False,
                                date_header=False)
        return uvicorn.Server(config)

    def _serve_when_called(self) -> None:
        """Wait for the first client (or `stop()`), then serve on the same listening socket:
        the waiting connection is in its backlog and uvicorn accepts it."""
        import selectors

        assert self._sock is not None and self._wake is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._sock, selectors.EVENT_READ)
            selector.register(self._wake[0], selectors.EVENT_READ)
            while not self._stopping.is_set():
                if any(key.fileobj is self._sock for key, _ in selector.select()):
                    break
        if self._stopping.is_set():
            return
        try:
            server = self._new_server()
        except Exception:
            # Refuse connections from now on rather than accept them and never answer: a plugin
            # then queues its heartbeats offline at once instead of waiting out its timeout.
            logger.exception("the WakaTime API could not start; its port is closed")
            self._sock.close()
            return
        self._server = server
        if self._stopping.is_set():  # stop() came while the HTTP stack was imported
            return
        self._run()

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        except BaseException:  # SystemExit from uvicorn on a start-up failure
            logger.exception("the WakaTime API stopped")

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._wake is not None:
            self._wake[1].send(b"x")
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            if self._server is not None:  # started between the first check and the join
                self._server.should_exit = True
                self._thread.join(timeout)
            self._thread = None
        if self._wake is not None:
            for end in self._wake:
                end.close()
            self._wake = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/api/v1"
