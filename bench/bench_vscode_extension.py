"""The VS Code extension's figures: the per-event cost of its decisions (heartbeat policy + line
classifier), the real host's start as the extension sees it (spawn to `hello` reply), and an
outbox backlog flushed to the real host with durable acks (what a reconnect after a long outage
costs).

    .venv/bin/python bench/bench_vscode_extension.py          # RUNS=10 BACKLOG=20000 by default

Needs the extension's dev dependencies (scripts/setup.sh installs them); compiles
extensions/vscode (tsc) and runs its bench/bench.ts with node.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXT = Path(__file__).resolve().parent.parent / "extensions" / "vscode"


def main() -> int:
    env = {**os.environ, "TRACKER_DESKTOP_BIN": str(Path(sys.executable).parent / "tracker-desktop")}
    subprocess.run(["npx", "--no-install", "tsc", "-p", "tsconfig.test.json"], cwd=EXT, check=True)
    return subprocess.run(["node", "out/bench/bench.js"], cwd=EXT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
