"""Logging: a rotating file in the platform log dir, warnings also on stderr."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

ENV_LOG_DIR = "TRACKER_LOG_DIR"
_FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"


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
        if getattr(handler, "_tracker", False):
            root.removeHandler(handler)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(stderr_level)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    console._tracker = True  # type: ignore[attr-defined]
    root.addHandler(console)
    if not to_file:
        return None
    path = log_dir() / "tracker-desktop.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5,
                                                       encoding="utf-8", delay=True)
    except OSError as exc:
        logging.getLogger(__name__).warning("cannot write logs to %s: %s", path, exc)
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler._tracker = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    # APScheduler logs two INFO lines per job run: ~35,000 a day for the flush job alone.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return path
