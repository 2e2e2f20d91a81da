"""`wakatime`: the local WakaTime-compatible API every WakaTime editor plugin can record into.

`serve` runs it alone (for people who don't run the tracker; `run` serves it too), `configure`
points ~/.wakatime.cfg at it, `status` says whether plugins reach us, `unconfigure` undoes
`configure`.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from tracker_desktop.commands.base import Context, UsageError

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "wakatime", help="a local WakaTime-compatible API for every WakaTime editor plugin",
        description="Serve WakaTime's heartbeat API on 127.0.0.1 (port 5292 by default, "
                    "[wakatime] port), so every WakaTime editor plugin records into this "
                    "database with one setting changed. `tracker-desktop run` serves it too.")
    verbs = p.add_subparsers(dest="wakatime_verb", metavar="VERB", required=True)

    serve = verbs.add_parser("serve", help="serve the API alone (without the tracker)",
                             description="Serve the API until SIGTERM or Ctrl+C (then write "
                                         "everything pending and exit 0).")
    serve.add_argument("--port", type=int, help="default: [wakatime] port (5292)")
    serve.set_defaults(handler=_serve, creates_database=True, log_to_file=True)

    for name, text in (("configure", "point ~/.wakatime.cfg at this API (api_url, api_key)"),
                       ("unconfigure", "put back the api_url and api_key from before configure"),
                       ("status", "whether plugins reach us: the last heartbeat per editor")):
        v = verbs.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        v.add_argument("--wakatime-cfg", type=Path, metavar="PATH",
                       help="default: $WAKATIME_HOME/.wakatime.cfg, else ~/.wakatime.cfg")
        if name == "status":
            v.add_argument("--json", action="store_true", help="print JSON")
        v.set_defaults(handler={"configure": _configure, "unconfigure": _unconfigure,
                                "status": _status}[name])


def _url(port: int) -> str:
    from tracker_desktop.endpoints.wakatime import HOST

    return f"http://{HOST}:{port}/api/v1"


def _cfg_path(args: argparse.Namespace) -> Path:
    from tracker_desktop.services.wakatime_cfg import default_path

    return args.wakatime_cfg or default_path()


def _serve(args: argparse.Namespace, ctx: Context) -> int:
    import signal
    import threading

    from storage.heartbeat_engine import HeartbeatEngine
    from storage.writer import Writer
    from tracker_desktop.app import build_wakatime_endpoint
    from tracker_desktop.config import this_device
    from tracker_desktop.endpoints.wakatime import EndpointUnavailable

    port = ctx.settings.wakatime.port if args.port is None else args.port
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: not a TCP port (0-65535)")
    app = ctx.app
    writer = Writer(HeartbeatEngine(app.store.uow, app.clock,
                                    device=this_device(app.settings.tracking)), app.clock)
    endpoint = build_wakatime_endpoint(app, writer, port)
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGTERM, signal.SIGINT)}
    writer.start()
    try:
        try:
            endpoint.start()
        except EndpointUnavailable as exc:
            raise UsageError(str(exc)) from None
        print(f"WakaTime API on {endpoint.url} (Ctrl+C to stop)", file=ctx.out, flush=True)
        stop.wait()
    finally:
        endpoint.stop()
        written = writer.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
    return 0 if written else 1


def _configure(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.secrets import SecretStore
    from tracker_desktop.services.wakatime import ensure_api_key
    from tracker_desktop.services.wakatime_cfg import CfgError, configure

    settings = ctx.settings
    assert settings.data_dir is not None
    key = ensure_api_key(SecretStore(settings.data_dir))
    path = _cfg_path(args)
    try:
        done = configure(path, _url(settings.wakatime.port), key)
    except CfgError as exc:
        raise UsageError(str(exc)) from None
    print(f"{path}: api_url = {_url(settings.wakatime.port)} and this machine's API key",
          file=ctx.out)
    if done.first_time:
        print(f"the file as it was is in {done.backup} (`tracker-desktop wakatime unconfigure` "
              "puts the previous values back)", file=ctx.out)
    print("WakaTime plugins now record into tracker-desktop while `tracker-desktop run` or "
          "`tracker-desktop wakatime serve` runs (heartbeats wait in their offline queue "
          "otherwise).", file=ctx.out)
    return 0


def _unconfigure(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.services.wakatime_cfg import CfgError, unconfigure

    path = _cfg_path(args)
    try:
        restored = unconfigure(path)
    except CfgError as exc:
        raise UsageError(str(exc)) from None
    shown = ", ".join(f"{k} = {v}" if k != "api_key" or v is None else f"{k} = (previous key)"
                      for k, v in restored.items())
    print(f"{path}: restored {shown.replace('= None', 'removed (it was not set)')}", file=ctx.out)
    return 0


def _status(args: argparse.Namespace, ctx: Context) -> int:
    import socket

    from tracker_desktop.endpoints.wakatime import HOST
    from tracker_desktop.services.wakatime_cfg import points_at

    settings = ctx.settings
    port = settings.wakatime.port
    path = _cfg_path(args)
    with socket.socket() as s:
        s.settimeout(0.5)
        serving = s.connect_ex((HOST, port)) == 0
    try:
        with ctx.app.store.uow() as uow:
            editors = uow.wakatime.editors()
    except UsageError:  # no database yet: nothing was received
        editors = []
    tz = ctx.tz
    result: dict[str, Any] = {
        "api_url": _url(port),
        "serving": serving,
        "wakatime_cfg": str(path),
        "configured": points_at(path, _url(port)),
        "editors": [{"editor": e.editor or "unknown", "heartbeats": e.heartbeats,
                     "last_heartbeat": e.last_time.astimezone(tz).isoformat(timespec="seconds"),
                     "last_received": e.last_received.astimezone(tz).isoformat(timespec="seconds")}
                    for e in editors],
    }
    if args.json:
        print(json.dumps(result, indent=2), file=ctx.out)
        return 0
    print(f"API: {result['api_url']} — {'serving' if serving else 'not running (start `tracker-desktop run` or `tracker-desktop wakatime serve`)'}",
          file=ctx.out)
    cfg = {True: "points here", False: "points elsewhere (run `tracker-desktop wakatime configure`)",
           None: "does not exist (run `tracker-desktop wakatime configure`)"}[result["configured"]]
    print(f"{path}: {cfg}", file=ctx.out)
    if not editors:
        print("no heartbeats received yet", file=ctx.out)
    for e in result["editors"]:
        print(f"  {e['editor']:<16} last heartbeat {e['last_heartbeat']}  "
              f"({e['heartbeats']} heartbeats, last received {e['last_received']})", file=ctx.out)
    return 0
