"""Logging: a rotating file in the platform log dir, warnings also on stderr."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import sys
import weakref
from pathlib import Path
from typing import cast

ENV_LOG_DIR = "TRACKER_LOG_DIR"
_FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"
LOG_FILE_MODE = 0o600


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Log files are 0600 from their creation: they name the windows and files being tracked."""

    def _open(self) -> io.TextIOWrapper:
        # The mode passed to os.open applies only when the file is created (first run and after
        # every rotation), before anyone else could open it; the umask can only narrow it.
        stream = open(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors,
                      opener=lambda path, flags: os.open(path, flags, LOG_FILE_MODE))
        return cast(io.TextIOWrapper, stream)  # a text mode: open() types it only as IO[Any]


# The handlers setup_logging installed, so a second call replaces them and nothing else.
_OURS: weakref.WeakSet[logging.Handler] = weakref.WeakSet()

def log_dir() -> Path:
    if os.environ.get(ENV_LOG_DIR):
        return Path(os.environ[ENV_LOG_DIR])
    from tracker_desktop.config import default_log_dir

    return default_log_dir()


def setup_logging(level: str = "INFO", *, to_file: bool = True, stderr_level: str = "WARNING") -> Path | None:
    """Configure the root logger once per process; returns the log file path (or None)."""
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if handler in _OURS:
            root.removeHandler(handler)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(stderr_level)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    _OURS.add(console)
    root.addHandler(console)
    if not to_file:
        return None
    path = log_dir() / "tracker-desktop.log"
    try:
        _private_log_dir(path.parent)
        handler = PrivateRotatingFileHandler(path, maxBytes=2_000_000, backupCount=5,
                                             encoding="utf-8", delay=True)
    except OSError as exc:
        logging.getLogger(__name__).warning("cannot write logs to %s: %s", path, exc)
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    _OURS.add(handler)
    root.addHandler(handler)
    _tighten_logs(path.parent)  # after the handler, so its log line reaches the file too
    # APScheduler logs two INFO lines per job run: ~35,000 a day for the flush job alone.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return path


def _private_log_dir(directory: Path) -> None:
    from storage.files import make_private_dirs

    if not directory.is_dir():
        make_private_dirs(directory)  # the platform's state dir for us, too, if it is new


def _tighten_logs(directory: Path) -> None:
    """Take group/other access away from the log dir and the logs earlier versions left 0644."""
    from storage.files import DIR_MODE, tighten

    # TRACKER_LOG_DIR may name a shared place; only a dir holding nothing but our logs is ours.
    try:
        entries = list(directory.iterdir())
    except OSError:
        return  # the handler reports an unwritable dir on its first record
    if all(e.name.startswith("tracker-desktop.log") for e in entries):
        tighten(directory, DIR_MODE)
    for entry in entries:
        if entry.name.startswith("tracker-desktop.log"):
            tighten(entry, LOG_FILE_MODE)
