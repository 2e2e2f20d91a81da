#!/usr/bin/env bash
# Set everything up, then start the tracker. Arguments go to `tracker-desktop run`,
# e.g.  scripts/run.sh --headless
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --app
exec .venv/bin/tracker-desktop run "$@"
