"""`install` / `uninstall`: register the native-messaging host with the browsers (manifests and a
launcher; registry keys on Windows) and the tray app's autostart entry; remove them again."""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from tracker_desktop.commands.base import Context, UsageError

BROWSERS = ("chrome", "chromium", "brave", "edge", "firefox")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "install", help="register the browser host and the autostart entry",
        description="Write the native-messaging host's launcher and its manifests for Chrome, "
                    "Chromium, Brave, Edge and Firefox (on Windows also their registry keys), "
                    "and start the tray app at login (Linux: the XDG autostart entry). The "
                    "browser extension can then reach `tracker-desktop native-host`.")
    p.add_argument("--browser", action="append", choices=BROWSERS, metavar="NAME",
                   help=f"only this browser (repeatable): {', '.join(BROWSERS)}")
    p.add_argument("--manifest-dir", type=Path, metavar="DIR",
                   help="write the one --browser's manifest into DIR instead (e.g. a Chromium "
                        "profile's <user-data-dir>/NativeMessagingHosts)")
    p.add_argument("--no-autostart", action="store_true",
                   help="do not start the tray app at login")
    gnome = p.add_mutually_exclusive_group()
    gnome.add_argument("--gnome-extension", dest="gnome", action="store_true", default=None,
                       help="install the GNOME Shell extension that tells the tracker the "
                            "focused window on GNOME Wayland (default: when gnome-shell is "
                            "installed)")
    gnome.add_argument("--no-gnome-extension", dest="gnome", action="store_false")
    p.set_defaults(handler=_install)

    u = sub.add_parser("uninstall", help="remove what `install` wrote",
                       description="Remove the host manifests, registry keys, launcher and "
                                   "autostart entry `install` wrote. The database is kept.")
    u.set_defaults(handler=_uninstall)


def _baked(args: argparse.Namespace) -> dict[str, str]:
    """Settings chosen for this run (flag or environment) that the browser's environment would
    not have: baked into the launcher so the host records where the tracker does."""
    out: dict[str, str] = {}
    data_dir = args.data_dir or os.environ.get("TRACKER_DATA_DIR")
    if data_dir:
        out["TRACKER_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    config = args.config or os.environ.get("TRACKER_CONFIG")
    if config:
        out["TRACKER_CONFIG"] = str(Path(config).expanduser().resolve())
    return out


def _install(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.native.install import Environment, InstallError, install

    browsers = args.browser or list(BROWSERS)
    if args.manifest_dir is not None and len(browsers) != 1:
        raise UsageError("--manifest-dir writes one manifest: name its browser with one --browser")
    if args.manifest_dir is not None and args.manifest_dir.exists() and not args.manifest_dir.is_dir():
        raise UsageError(f"--manifest-dir {args.manifest_dir} is not a directory")
    try:
        done = install(Environment.current(), browsers=browsers, manifest_dir=args.manifest_dir,
                       autostart=not args.no_autostart, env_vars=_baked(args))
    except InstallError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"could not write {exc.filename or 'a file'}: {exc.strerror}") from None
    print(f"launcher: {done.launcher}", file=ctx.out)
    for path in done.manifests:
        print(f"manifest: {path}", file=ctx.out)
    for key in done.registry_keys:
        print(f"registry: HKCU\\{key}", file=ctx.out)
    if done.autostart is not None:
        print(f"autostart: {done.autostart}", file=ctx.out)
    if args.manifest_dir is None and (args.gnome if args.gnome is not None
                                      else shutil.which("gnome-shell") is not None):
        _install_gnome(ctx)
    return 0


def _install_gnome(ctx: Context) -> None:
    from collectors.gnome import EXTENSION_UUID, install_gnome_extension

    try:
        where = install_gnome_extension(Path.home())
    except (OSError, FileNotFoundError) as exc:
        raise UsageError(f"could not install the GNOME Shell extension: {exc}") from None
    print(f"GNOME Shell extension: {where} (log out and in, then "
          f"`gnome-extensions enable {EXTENSION_UUID}`)", file=ctx.out)


def _uninstall(args: argparse.Namespace, ctx: Context) -> int:
    from tracker_desktop.native.install import Environment, uninstall

    try:
        removed = uninstall(Environment.current())
    except OSError as exc:
        raise UsageError(f"could not remove {exc.filename or 'a file'}: {exc.strerror}") from None
    from collectors.gnome import EXTENSION_UUID

    gnome = Path.home() / ".local" / "share" / "gnome-shell" / "extensions" / EXTENSION_UUID
    if gnome.is_dir():
        shutil.rmtree(gnome)
        removed.append(str(gnome))
    for path in removed:
        print(f"removed: {path}", file=ctx.out)
    if not removed:
        print("nothing to remove: the host is not installed", file=ctx.out)
    return 0
