"""Logs are private: new log dirs 0700 (and the app's state dir above them), files 0600 from
their creation and after every rotation, older ones tightened (issue 7, item 8b)."""

import logging
import os
import stat

import pytest

from tracker_desktop.logs import PrivateRotatingFileHandler, setup_logging


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def logs_in(tmp_path, monkeypatch):
    where = tmp_path / "state" / "tracker-desktop" / "log"
    monkeypatch.setenv("TRACKER_LOG_DIR", str(where))
    old_umask = os.umask(0o022)  # the usual default, which would give 0755/0644
    yield where
    os.umask(old_umask)
    setup_logging(to_file=False)  # drop the file handler again


def test_new_log_dirs_and_files_are_private_across_rotation(logs_in):
    path = setup_logging("INFO", to_file=True)
    assert path is not None
    logging.getLogger("test").info("a window title")
    assert mode(logs_in) == 0o700 and mode(logs_in.parent) == 0o700
    assert mode(path) == 0o600
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h, PrivateRotatingFileHandler)]
    handler.doRollover()
    logging.getLogger("test").info("another title")
    assert {p.name: mode(p) for p in logs_in.iterdir()} == {
        "tracker-desktop.log": 0o600, "tracker-desktop.log.1": 0o600}


def test_old_readable_logs_are_tightened(logs_in):
    logs_in.mkdir(parents=True)
    logs_in.chmod(0o755)
    old = logs_in / "tracker-desktop.log.3"
    old.write_text("old\n")
    old.chmod(0o644)
    setup_logging("INFO", to_file=True)
    assert mode(logs_in) == 0o700 and mode(old) == 0o600
