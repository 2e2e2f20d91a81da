"""ui.worker: a callable runs off the GUI thread; its result or exception arrives on it."""

import threading

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QThreadPool  # noqa: E402

from ui.worker import Worker  # noqa: E402


@pytest.fixture
def worker(qtbot):
    pool = QThreadPool()
    pool.setMaxThreadCount(2)
    w = Worker(pool)
    yield w
    pool.waitForDone(5000)


def test_result_arrives_on_the_gui_thread_from_another_thread(qtbot, worker):
    gui = threading.get_ident()
    ran_on, got = [], []

    def job():
        ran_on.append(threading.get_ident())
        return 42

    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.submit(job, lambda r: got.append((r, threading.get_ident())))
    assert ran_on and ran_on[0] != gui
    assert got == [(42, gui)]
    assert not worker.busy()


def test_exception_goes_to_on_error(qtbot, worker):
    errors = []

    def job():
        raise ValueError("boom")

    with qtbot.waitSignal(worker.errored, timeout=5000):
        worker.submit(job, lambda r: pytest.fail("no result expected"), errors.append)
    assert len(errors) == 1 and isinstance(errors[0], ValueError) and str(errors[0]) == "boom"


def test_a_newer_submission_with_the_same_key_supersedes_the_older(qtbot, worker):
    release = threading.Event()
    got = []

    def slow():
        release.wait(5)
        return "old"

    worker.submit(slow, got.append, key="day")
    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.submit(lambda: "new", got.append, key="day")
    release.set()
    worker.wait(5000)
    assert got == ["new"]


def test_emitting_a_signal_keeps_true_alive():
    """PySide6 6.12.0's SignalInstance.emit returns True without a reference of its own: on
    Python 3.11 every emit takes one from True, and a long-running app dies in bool_dealloc.
    constraints.txt pins a version without that bug; this catches it coming back."""
    import sys

    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        ping = Signal()

    e = Emitter()
    e.ping.connect(lambda: None)
    before = sys.getrefcount(True)
    for _ in range(200):
        e.ping.emit()
    assert sys.getrefcount(True) >= before
