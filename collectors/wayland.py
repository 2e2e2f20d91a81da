"""The probes a Wayland session gets, as `tracker_desktop.domain.session.plan_session` decided
(issue 14): each factory builds one or raises CollectorUnavailable saying why it cannot."""

from __future__ import annotations

from typing import Any

from collectors.base import CollectorUnavailable
from tracker_desktop.domain import session as s
from tracker_desktop.domain.clock import Clock


def make_window_probe(name: str) -> tuple[Any, Any]:
    """(probe, switch watcher or None) for the plan's window probe name."""
    if name == s.SWAY_IPC:
        from collectors.sway import SwaySwitchWatcher, SwayWindowProbe

        probe = SwayWindowProbe()
        return probe, SwaySwitchWatcher(probe.path)
    if name == s.HYPRLAND_IPC:
        from collectors.hyprland import HyprlandSwitchWatcher, HyprlandWindowProbe

        hypr = HyprlandWindowProbe()
        return hypr, HyprlandSwitchWatcher(hypr.directory)
    if name == s.GNOME_EXTENSION:
        from collectors.gnome import GnomeWindowProbe

        return GnomeWindowProbe(), None
    if name == s.WLR_TOPLEVEL:
        from collectors.wlr_toplevel import WlrToplevelProbe

        wlr = WlrToplevelProbe()
        return wlr, wlr  # told of every change by the compositor: its own switch watcher
    if name == s.KWIN_SCRIPT:
        from collectors.kde import KWinWindowProbe

        kwin = KWinWindowProbe()
        return kwin, kwin  # told of every switch by the script: its own switch watcher
    raise CollectorUnavailable(f"no Wayland window probe called {name!r}")


def make_idle_probe(name: str, clock: Clock) -> Any:
    if name == s.IDLE_NOTIFY:
        from collectors.idle_notify import IdleNotifyProbe

        return IdleNotifyProbe(clock)
    if name == s.MUTTER_IDLE:
        from collectors.gnome import MutterIdleProbe

        return MutterIdleProbe()
    raise CollectorUnavailable(f"no Wayland idle probe called {name!r}")
