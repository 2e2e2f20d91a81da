"""`tracker-desktop server`: bad input is exit 2 with a one-line reason, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("args,env,message", [
    (["--port", "0"], {}, "--port must be 1-65535"),
    (["--database-url", "nope://x"], {}, "not a database URL"),
    (["--database-url", "postgresql+psycopg://u@127.0.0.1:1/db"], {}, "cannot open the database"),
    ([], {"TRACKER_SERVER_USER_PER_MINUTE": "abc"}, "must be a number"),
])
def test_bad_server_input_is_exit_2(tmp_path, args, env, message):
    import os

    p = subprocess.run([sys.executable, "-m", "tracker_desktop", "server", *args],
                       env={**os.environ, **env}, cwd=tmp_path, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 2 and message in p.stderr and "Traceback" not in p.stderr
