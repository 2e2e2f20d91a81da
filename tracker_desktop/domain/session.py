"""Which probes can see this desktop session: a pure decision over the session's environment
variables (issue 14). `collectors` builds the probes the plan names; `status` shows the plan's
probe names and, for a collector that is off, the reason given here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

# Probe names, as `status` shows them.
X11_WINDOW = "x11"  # _NET_ACTIVE_WINDOW over python-xlib
X11_IDLE = "x11-screensaver"
X11_INPUT = "x11-record"  # pynput's RECORD listener
SWAY_IPC = "sway-ipc"
HYPRLAND_IPC = "hyprland-ipc"
GNOME_EXTENSION = "gnome-shell-extension"
KWIN_SCRIPT = "kwin-script"
WLR_TOPLEVEL = "wlr-foreign-toplevel"  # wlr-foreign-toplevel-management-unstable-v1
IDLE_NOTIFY = "idle-notify"  # ext-idle-notify-v1 / org_kde_kwin_idle, through swayidle
MUTTER_IDLE = "mutter-idle-monitor"

WAYLAND_NO_INPUT = (
    "Wayland gives applications no global keyboard or mouse input, so keystrokes and clicks are "
    "not counted in this session (window time and AFK are recorded; the opt-in evdev reader is "
    "not built)")

_WLROOTS = ("river", "labwc", "wayfire", "wlroots", "niri", "dwl", "cage", "hikari", "qtile")


@dataclass(frozen=True, slots=True)
class SessionPlan:
    """The probes to use for this session, and why any collector has none.

    `session`: "x11", "wayland" or "none"; `desktop`: "sway", "hyprland", "gnome", "kde",
    "wlroots", "x11" or "unknown". A probe of None is a collector that is off; `off[name]` says
    why. `notes` are caveats of probes that are on (XWayland windows only, ...).
    """

    session: str
    desktop: str
    window: str | None
    afk: str | None
    input: str | None
    off: Mapping[str, str] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)
    window_fallback: str | None = None
    fallback_note: str | None = None

    @property
    def probes(self) -> dict[str, str]:
        """Collector → probe name, for the collectors that are on."""
        named = {"window": self.window, "afk": self.afk, "input": self.input}
        return {k: v for k, v in named.items() if v is not None}


def _desktops(env: Mapping[str, str]) -> list[str]:
    # XDG_CURRENT_DESKTOP is a colon-separated list ("ubuntu:GNOME", "KDE", "sway").
    return [d.strip().casefold() for d in env.get("XDG_CURRENT_DESKTOP", "").split(":") if d.strip()]


def wayland_desktop(env: Mapping[str, str]) -> str:
    """The Wayland compositor family: compositor-specific sockets first (they are what the probes
    connect to), then XDG_CURRENT_DESKTOP."""
    if env.get("SWAYSOCK"):
        return "sway"
    if env.get("HYPRLAND_INSTANCE_SIGNATURE"):
        return "hyprland"
    desktops = _desktops(env)
    if any(d in ("gnome", "gnome-classic", "gnome-flashback", "ubuntu", "pop") for d in desktops):
        return "gnome"
    if "kde" in desktops or "plasma" in desktops:
        return "kde"
    if "sway" in desktops:
        return "sway"
    if "hyprland" in desktops:
        return "hyprland"
    if any(d in _WLROOTS for d in desktops):
        return "wlroots"
    return "unknown"


def plan_session(env: Mapping[str, str], *, record_input: bool = True) -> SessionPlan:
    """Decide the probes from the session's environment (`os.environ` in the tracker).

    A Wayland session is one with WAYLAND_DISPLAY, or XDG_SESSION_TYPE=wayland; an X11 session
    has DISPLAY. A Wayland desktop we cannot read falls back to X11 when XWayland is there
    (DISPLAY set), which sees only XWayland windows: the note says so.
    """
    display = bool(env.get("DISPLAY"))
    session_type = env.get("XDG_SESSION_TYPE", "").casefold()
    wayland = bool(env.get("WAYLAND_DISPLAY")) and session_type != "x11"
    if not wayland and session_type == "wayland" and not display:
        # A Wayland session whose socket name was not passed on (e.g. a systemd user unit).
        reason = ("XDG_SESSION_TYPE is wayland but WAYLAND_DISPLAY is not set: the tracker "
                  "cannot reach the compositor (start it from the desktop session)")
        return SessionPlan("wayland", wayland_desktop(env), None, None, None,
                           {"window": reason, "afk": reason, "input": reason})
    if not wayland:
        if not display:
            reason = "no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
            return SessionPlan("none", "unknown", None, None, None,
                               {"window": reason, "afk": reason, "input": reason})
        x11_off = {} if record_input else {
            "input": "input counting is off in the settings (tracking.record_input)"}
        return SessionPlan("x11", "x11", X11_WINDOW, X11_IDLE,
                           X11_INPUT if record_input else None, x11_off)

    desktop = wayland_desktop(env)
    off: dict[str, str] = {"input": WAYLAND_NO_INPUT}
    notes: dict[str, str] = {}
    window: str | None
    afk: str | None = IDLE_NOTIFY
    if desktop == "sway":
        window = SWAY_IPC
        if not env.get("SWAYSOCK"):
            window = None
            off["window"] = ("sway without SWAYSOCK: the IPC socket is unknown; start the "
                             "tracker from the sway session (or `exec` it in the sway config)")
    elif desktop == "hyprland":
        window = HYPRLAND_IPC
        if not env.get("HYPRLAND_INSTANCE_SIGNATURE"):
            window = None
            off["window"] = ("Hyprland without HYPRLAND_INSTANCE_SIGNATURE: its sockets are "
                             "unknown; start the tracker from the Hyprland session")
    elif desktop == "gnome":
        window, afk = GNOME_EXTENSION, MUTTER_IDLE
    elif desktop == "kde":
        window = KWIN_SCRIPT
    else:
        # river, labwc, Wayfire... and compositors we do not know: the wlroots taskbar protocol,
        # which tells titles and app ids but no pid.
        window = WLR_TOPLEVEL
        notes["window"] = ("wlr-foreign-toplevel-management gives no process ids: apps are "
                           "named by their Wayland app id")
    xwayland = ("XWayland fallback: only X11 (XWayland) windows are seen; native Wayland windows "
                "are recorded as none")
    if window is None:
        if display:
            window = X11_WINDOW
            notes["window"] = f"{xwayland}. {off.pop('window')}"
        return SessionPlan("wayland", desktop, window, afk, None, off, notes)
    if display:
        return SessionPlan("wayland", desktop, window, afk, None, off, notes, X11_WINDOW, xwayland)
    return SessionPlan("wayland", desktop, window, afk, None, off, notes)
