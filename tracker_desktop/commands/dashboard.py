"""`dashboard`: open the dashboard window (or hand it to the running tray app), or render it to
a PNG offscreen (`--screenshot`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker_desktop.commands.base import Context


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "dashboard", help="open the dashboard window (charts of a day, week or month)",
        description="Open the dashboard on a day (default: today), an ISO week or a month. If the "
                    "tray app runs on this data dir, it opens its dashboard instead. With "
                    "--screenshot, render the window offscreen into a PNG and exit.")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--date", metavar="YYYY-MM-DD", help="one day (also: today, yesterday)")
    which.add_argument("--week", metavar="YYYY-Www", help="an ISO week, Monday to Sunday")
    which.add_argument("--month", metavar="YYYY-MM", help="a calendar month")
    p.add_argument("--screenshot", metavar="PATH",
                   help="render the dashboard into this PNG file (no display needed) and exit")
    p.add_argument("--theme", choices=("system", "light", "dark"),
                   help="colours (default: [ui] theme, which follows the desktop)")
    p.add_argument("--width", type=int, default=1440, metavar="PX",
                   help="--screenshot: the window's width in pixels (default 1440)")
    p.add_argument("--tab", choices=("overview", "tasks", "insights", "leaderboard"),
                   default="overview", help="--screenshot: the tab to render (default overview)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace, ctx: Context) -> int:
    import os
    from pathlib import Path

    from tracker_desktop.commands.base import UsageError
    from tracker_desktop.domain.days import InvalidPeriod, month_period, parse_date, week_period

    if args.screenshot is not None:
        shot = Path(args.screenshot).expanduser()
        if shot.suffix.lower() != ".png":
            raise UsageError(f"--screenshot {shot}: the file name must end in .png")
        if shot.is_dir():
            raise UsageError(f"--screenshot {shot}: is a directory")
        if not 480 <= args.width <= 7680:
            raise UsageError("--width must be between 480 and 7680 pixels")
    today = ctx.app.rollups.today()
    try:
        if args.week:
            kind, day = "week", week_period(args.week).first
        elif args.month:
            kind, day = "month", month_period(args.month).first
        else:
            kind, day = "day", parse_date(args.date, today) if args.date else today
    except InvalidPeriod as exc:
        raise UsageError(str(exc)) from None
    try:
        from ui.pyside_hook import import_pyside

        import_pyside()  # before ui.dashboard: PySide's import hook then keeps no module's source
    except ImportError:
        raise UsageError("the dashboard needs PySide6 (pip install 'tracker-desktop[gui]')"
                         ) from None

    if args.screenshot is not None:
        # Offscreen: no display is needed, and none is touched if there is one.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from ui.dashboard import render_screenshot

        try:
            width, height = render_screenshot(ctx.app, ctx.clock, shot, period=kind, day=day,
                                              theme=args.theme, width=args.width,
                                              tab=args.tab)
        except OSError as exc:
            raise UsageError(f"--screenshot {shot}: {exc}") from None
        print(f"{shot}: {width}x{height}", file=ctx.out)
        return 0

    from tracker_desktop.app import has_display

    if not has_display() and not os.environ.get("QT_QPA_PLATFORM"):
        raise UsageError("no display to open a window on (DISPLAY / WAYLAND_DISPLAY are not set); "
                         "use --screenshot PATH to render the dashboard into a picture")
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    qapp = existing if isinstance(existing, QApplication) else QApplication([])
    try:
        from ui.single_instance import send_to_running
    except ImportError:  # the tray's single-instance module is not there: open our own
        send_to_running = None  # type: ignore[assignment]
    if send_to_running is not None and send_to_running(
            ctx.settings.db_path.parent, {"open": "dashboard", "period": kind, "date": day.isoformat()}):
        print("The running tracker opened its dashboard.", file=ctx.out)
        return 0
    from ui.dashboard import build_dashboard

    window = build_dashboard(ctx.app, ctx.clock, period=kind, day=day, theme=args.theme)
    window.vm.load()
    window.show()
    return int(qapp.exec())
