"""Test-wide setup: no display-bound import side effects, logs in a temp dir, UTC-aware helpers."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

# Qt must not look for a display in unit/ui tests; the X11 suite sets DISPLAY itself.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TRACKER_LOG_DIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "tracker-test-logs"))

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """Run `tracker-desktop` in-process on a temp data dir; returns (exit code, stdout, stderr)."""
    import io

    from tracker_desktop.cli import main

    monkeypatch.delenv("TRACKER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(data_dir.parent / "config"))

    def run(*args: str, stdin: str | None = None, clock=None) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        code = main(["--data-dir", str(data_dir), *args], clock=clock, out=out, err=err)
        return code, out.getvalue(), err.getvalue()

    return run


def venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)
