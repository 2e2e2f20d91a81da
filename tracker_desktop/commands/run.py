"""`run`: record until stopped (tray app, or --headless without any UI)."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from tracker_desktop.commands.base import Context

logger = logging.getLogger(__name__)

NO_DISPLAY = (
    "no display found (DISPLAY and WAYLAND_DISPLAY are not set), so the tray app cannot start.\n"
    "  To record without a tray, run:  tracker-desktop run --headless\n"
    "  (with no display at all, only browser/editor activity from the extensions is recorded)"
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("run", help="start tracking (tray app; --headless for no UI)",
                       description="Start tracking: the active window, AFK time and input counts. "
                                   "SIGTERM or Ctrl+C writes everything pending and exits 0.")
    p.add_argument("--headless", action="store_true", help="no tray or windows: only record")
    p.add_argument("--poll-seconds", type=float, metavar="S",
                   help="seconds between window reads (default from config: 1)")
    p.add_argument("--afk-timeout", type=float, metavar="S",
                   help="seconds without input before you count as away (default from config: 180)")
    # long-lived: a schema upgrade at start runs Alembic in a child, not in the tray all day
    p.set_defaults(handler=handle, log_to_file=True, long_lived=True)


def handle(args: argparse.Namespace, ctx: Context) -> int:
    from storage.schema import NewerSchema
    from tracker_desktop.app import AlreadyTracking, build_tracker, has_display, run_gui
    from tracker_desktop.commands.base import UsageError

    settings = ctx.settings  # a bad config file is its own error, not an "invalid option"
    try:
        ctx.settings = settings.with_tracking(poll_seconds=args.poll_seconds,
                                              afk_timeout=args.afk_timeout)
    except ValueError as exc:
        raise UsageError(f"invalid option: {exc}") from None
    if not args.headless:
        if not has_display():
            raise UsageError(NO_DISPLAY)
        try:
            from ui.pyside_hook import import_pyside

            # first, so PySide's import hook keeps no module's source (~23 MB in the tray,
            # ~33 MB with the dashboard open)
            import_pyside()
        except ImportError:
            raise UsageError("the tray app needs PySide6 (pip install 'tracker-desktop[gui]'); "
                             "or run: tracker-desktop run --headless") from None
        from tracker_desktop.app import hand_to_running

        # One tray app per data dir: a second launch opens the first one's dashboard.
        assert settings.data_dir is not None
        if hand_to_running(settings.data_dir, {"open": "dashboard", "period": "day"}):
            print("tracker-desktop is already running: opened its dashboard", file=ctx.err)
            return 0
    try:
        tracker = build_tracker(ctx.app, headless=args.headless)
    except (AlreadyTracking, NewerSchema) as exc:
        raise UsageError(str(exc)) from None
    logger.info("tracking into %s (poll %.1fs, afk timeout %.0fs, headless=%s)",
                ctx.settings.db_path, ctx.settings.tracking.poll_seconds,
                ctx.settings.tracking.afk_timeout, args.headless)
    if args.headless:
        return tracker.run_forever()
    return run_gui(ctx.app, tracker, settings_path=_config_path(args))


def _config_path(args: argparse.Namespace) -> Path:
    from tracker_desktop.config import ENV_CONFIG, default_config_path

    if args.config:
        return Path(args.config)
    return Path(os.environ[ENV_CONFIG]) if os.environ.get(ENV_CONFIG) else default_config_path()
