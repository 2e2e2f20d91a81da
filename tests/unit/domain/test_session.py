"""Which probes a session gets (issue 14): the pure decision, driven by environment dicts."""

import pytest

from tracker_desktop.domain.session import (
    GNOME_EXTENSION, HYPRLAND_IPC, IDLE_NOTIFY, KWIN_SCRIPT, MUTTER_IDLE, SWAY_IPC, WAYLAND_NO_INPUT,
    WLR_TOPLEVEL, X11_IDLE, X11_INPUT, X11_WINDOW, plan_session, wayland_desktop)

WL = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-1"}


def test_x11_session_uses_the_x11_probes():
    plan = plan_session({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"})
    assert (plan.session, plan.window, plan.afk, plan.input) == ("x11", X11_WINDOW, X11_IDLE, X11_INPUT)
    assert plan.off == {}


def test_x11_session_with_input_counting_off_says_so():
    plan = plan_session({"DISPLAY": ":0"}, record_input=False)
    assert plan.input is None and "tracking.record_input" in plan.off["input"]


def test_no_display_turns_everything_off_with_one_reason():
    plan = plan_session({})
    assert plan.session == "none" and plan.probes == {}
    assert set(plan.off) == {"window", "afk", "input"}
    assert "neither DISPLAY nor WAYLAND_DISPLAY" in plan.off["window"]


def test_wayland_session_type_without_a_socket_name_explains():
    plan = plan_session({"XDG_SESSION_TYPE": "wayland"})
    assert plan.probes == {} and "WAYLAND_DISPLAY is not set" in plan.off["afk"]


@pytest.mark.parametrize("env, desktop, window, afk", [
    ({"SWAYSOCK": "/run/user/1000/sway-ipc.sock", "XDG_CURRENT_DESKTOP": "sway"}, "sway", SWAY_IPC, IDLE_NOTIFY),
    ({"HYPRLAND_INSTANCE_SIGNATURE": "abc_123"}, "hyprland", HYPRLAND_IPC, IDLE_NOTIFY),
    ({"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, "gnome", GNOME_EXTENSION, MUTTER_IDLE),
    ({"XDG_CURRENT_DESKTOP": "GNOME"}, "gnome", GNOME_EXTENSION, MUTTER_IDLE),
    ({"XDG_CURRENT_DESKTOP": "KDE"}, "kde", KWIN_SCRIPT, IDLE_NOTIFY),
])
def test_wayland_desktops_get_their_own_probes(env, desktop, window, afk):
    plan = plan_session({**WL, **env, "DISPLAY": ":0"})  # XWayland present, but not needed
    assert (plan.session, plan.desktop, plan.window, plan.afk) == ("wayland", desktop, window, afk)
    assert plan.notes == {}
    # If the desktop's own probe cannot start, XWayland's windows are better than none.
    assert plan.window_fallback == X11_WINDOW and "only X11 (XWayland)" in plan.fallback_note


def test_wayland_never_counts_input_and_says_why():
    plan = plan_session({**WL, "SWAYSOCK": "/s"}, record_input=True)
    assert plan.input is None and plan.off["input"] == WAYLAND_NO_INPUT
    assert "no global keyboard or mouse input" in WAYLAND_NO_INPUT


def test_compositor_sockets_win_over_xdg_current_desktop():
    # Hyprland started from a GNOME login still exports GNOME in some setups.
    assert wayland_desktop({"HYPRLAND_INSTANCE_SIGNATURE": "x", "XDG_CURRENT_DESKTOP": "GNOME"}) == "hyprland"
    assert wayland_desktop({"SWAYSOCK": "/s", "XDG_CURRENT_DESKTOP": "KDE"}) == "sway"


def test_sway_named_without_its_socket_is_off_with_the_reason():
    plan = plan_session({**WL, "XDG_CURRENT_DESKTOP": "sway"})
    assert plan.window is None and "SWAYSOCK" in plan.off["window"]
    assert plan.afk == IDLE_NOTIFY


@pytest.mark.parametrize("desktop", ["river", "labwc", "Wayfire", ""])
def test_other_compositors_use_the_wlroots_toplevel_protocol(desktop):
    plan = plan_session({**WL, "XDG_CURRENT_DESKTOP": desktop, "DISPLAY": ":1"})
    assert (plan.window, plan.afk) == (WLR_TOPLEVEL, IDLE_NOTIFY)
    assert "no process ids" in plan.notes["window"]
    assert plan.window_fallback == X11_WINDOW and "only X11 (XWayland)" in plan.fallback_note
    assert "window" not in plan.off


def test_without_xwayland_there_is_no_fallback():
    plan = plan_session({**WL, "XDG_CURRENT_DESKTOP": "river"})
    assert plan.window == WLR_TOPLEVEL and plan.window_fallback is None


def test_sway_without_its_socket_falls_back_to_xwayland_with_both_reasons():
    plan = plan_session({**WL, "XDG_CURRENT_DESKTOP": "sway", "DISPLAY": ":0"})
    assert plan.window == X11_WINDOW and plan.window_fallback is None
    assert "only X11 (XWayland)" in plan.notes["window"] and "SWAYSOCK" in plan.notes["window"]


def test_session_type_x11_wins_over_a_stray_wayland_display():
    # An X11 session started from inside a Wayland one (nested Xephyr, ssh -X) keeps the variable.
    plan = plan_session({"XDG_SESSION_TYPE": "x11", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"})
    assert plan.session == "x11" and plan.window == X11_WINDOW


def test_probes_lists_only_collectors_that_are_on():
    plan = plan_session({**WL, "SWAYSOCK": "/s"})
    assert plan.probes == {"window": SWAY_IPC, "afk": IDLE_NOTIFY}
