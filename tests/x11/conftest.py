"""The real X11 desktop the x11 tests run on (Xvfb + openbox + xdotool), started once per session.

It starts before anything imports pywinctl or pynput (they bind to $DISPLAY on import): tests
import those lazily, inside test functions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.x11.desktop import X11Desktop, running_desktop


@pytest.fixture(scope="session")
def x11_desktop(tmp_path_factory: pytest.TempPathFactory):
    with running_desktop(Path(tmp_path_factory.mktemp("x11"))) as desktop:
        yield desktop


@pytest.fixture
def desktop(x11_desktop: X11Desktop):
    """The session desktop; windows opened in a test are closed after it."""
    before = list(x11_desktop._windows)
    yield x11_desktop
    for window in list(x11_desktop._windows):
        if window not in before:
            x11_desktop.close(window)

