"""The real X11 desktop the x11 tests run on (Xvfb + openbox + xdotool), started once per session.

It starts before anything imports pywinctl or pynput (they bind to $DISPLAY on import): tests
import those lazily, inside test functions.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.x11.desktop import APT_PACKAGES, X11Desktop, missing_requirements, unavailable


@pytest.fixture(scope="session")
def x11_desktop(tmp_path_factory: pytest.TempPathFactory):
    missing = missing_requirements()
    if missing:
        unavailable("the X11 test desktop needs " + ", ".join(missing)
                    + f"; install with: apt-get install {' '.join(APT_PACKAGES)}")
    previous = {k: os.environ.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE")}
    os.environ.pop("WAYLAND_DISPLAY", None)
    os.environ["XDG_SESSION_TYPE"] = "x11"
    desktop = X11Desktop(Path(tmp_path_factory.mktemp("x11")))
    try:
        desktop.start()
        yield desktop
    finally:
        desktop.stop()
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def desktop(x11_desktop: X11Desktop):
    """The session desktop; windows opened in a test are closed after it."""
    before = list(x11_desktop._windows)
    yield x11_desktop
    for window in list(x11_desktop._windows):
        if window not in before:
            x11_desktop.close(window)

