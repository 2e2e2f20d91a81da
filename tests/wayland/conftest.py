"""The real headless sway the wayland tests run on, started once per session (see desktop.py)."""

from __future__ import annotations

import pytest

from tests.wayland.desktop import SwayDesktop, start_desktop


@pytest.fixture(scope="session")
def sway_session():
    desktop = start_desktop()
    try:
        yield desktop
    finally:
        desktop.stop()


@pytest.fixture
def sway(sway_session: SwayDesktop):
    """The session's sway; windows opened in a test are closed after it."""
    before = list(sway_session._windows)
    yield sway_session
    for window in list(sway_session._windows):
        if window not in before:
            sway_session.close(window)
