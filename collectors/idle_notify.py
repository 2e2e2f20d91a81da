"""Wayland AFK: the compositor's idle notifications (ext-idle-notify-v1, or org_kde_kwin_idle on
older compositors), received through `swayidle` (Debian package swayidle; it speaks both
protocols and works on sway, Hyprland, KDE and other wlroots compositors).

swayidle is spawned with one short timeout whose commands print a line to its stdout, our pipe;
`tracker_desktop.domain.idle_notify.NotifiedIdle` turns the lines into idle seconds, exact once
they reach the timeout, so an AFK period starts at the last input as on X11.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import threading

from collectors.base import CollectorUnavailable
from tracker_desktop.domain.clock import Clock, SystemClock
from tracker_desktop.domain.idle_notify import NotifiedIdle

logger = logging.getLogger(__name__)

# One second: idle time below it is known only as "< 1 s"; each pause of a second or more costs
# the compositor one notification and swayidle one `sh -c echo`.
NOTIFY_TIMEOUT = 1
_IDLE, _RESUME = "tracker-idle", "tracker-resume"


def _die_with_parent() -> None:
    """In the child: SIGTERM when the tracker dies, even by SIGKILL (Linux PR_SET_PDEATHSIG), so
    no swayidle outlives it."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: close() still stops it on a clean exit
        pass


class IdleNotifyProbe:
    """Idle seconds from a `swayidle` child process. Raises CollectorUnavailable from
    `idle_seconds` once swayidle has exited (the compositor went away)."""

    def __init__(self, clock: Clock | None = None, *, timeout: int = NOTIFY_TIMEOUT,
                 swayidle: str | None = None) -> None:
        exe = swayidle or shutil.which("swayidle")
        if exe is None:
            raise CollectorUnavailable(
                "swayidle is not installed: the Wayland idle notifications (ext-idle-notify-v1) "
                "are read through it; install it (apt install swayidle) for AFK tracking")
        if not os.environ.get("WAYLAND_DISPLAY"):
            raise CollectorUnavailable("WAYLAND_DISPLAY is not set: no compositor to ask for "
                                       "idle notifications")
        self._clock = clock or SystemClock()
        self._idle = NotifiedIdle(timeout, self._clock.monotonic())
        self._ready = threading.Event()
        try:
            self._proc = subprocess.Popen(
                # The `echo` ready line comes after swayidle registered its timeout: from then on
                # the compositor counts.
                [exe, "-w", "timeout", str(timeout), f"echo {_IDLE}", "resume", f"echo {_RESUME}"],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, bufsize=1, start_new_session=True, preexec_fn=_die_with_parent)
        except OSError as exc:
            raise CollectorUnavailable(f"cannot start swayidle ({exc})") from None
        self._stderr: list[str] = []
        self._reader = threading.Thread(target=self._read, name="idle-notify", daemon=True)
        self._reader.start()
        threading.Thread(target=self._read_stderr, name="idle-notify-stderr", daemon=True).start()
        try:
            self._proc.wait(0.3)  # no compositor, no protocol: swayidle exits at once
        except subprocess.TimeoutExpired:
            return
        self._reader.join(1)
        raise CollectorUnavailable(
            "swayidle exited at start: the compositor offers no idle notifications "
            f"(ext-idle-notify-v1 or org_kde_kwin_idle): {self._last_error()}")

    def _last_error(self) -> str:
        lines = [line.strip() for line in self._stderr if "error" in line.lower()]
        return (lines or [line.strip() for line in self._stderr] or ["no message"])[-1]

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            now = self._clock.monotonic()
            word = line.strip()
            if word == _IDLE:
                self._idle.idled(now)
            elif word == _RESUME:
                self._idle.resumed(now)

    def _read_stderr(self) -> None:
        assert self._proc.stderr is not None
        for line in self._proc.stderr:
            self._stderr.append(line)
            del self._stderr[:-20]

    def idle_seconds(self) -> float:
        if self._proc.poll() is not None:
            raise CollectorUnavailable(
                f"swayidle exited ({self._proc.returncode}): the compositor's idle notifications "
                f"are gone ({self._last_error()})")
        return self._idle.idle_seconds(self._clock.monotonic())

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(3)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(3)
        self._reader.join(2)
