#!/usr/bin/env bash
# Set everything up, then run the whole test suite: import contracts, unit, integration, the
# real X11 desktop suite (Xvfb + openbox + xdotool, started by the tests) and the extensions'.
# Extra arguments go to pytest, e.g.  scripts/test.sh -k heartbeat
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TRACKER_LOG_DIR="${TRACKER_LOG_DIR:-$(mktemp -d)}"
echo "== import contracts"
.venv/bin/lint-imports --no-cache
echo "== type check (mypy; strict on the domain)"
.venv/bin/mypy
echo "== browser extension: type check (tsc --checkJs) and unit tests (node --test)"
(cd extensions/browser && npx --no-install tsc -p jsconfig.json && npm test --silent)
echo "== pytest"
.venv/bin/python -m pytest -q -p no:cacheprovider --ignore=tests/browser "$@"
echo "== browser: the extension in Debian's chromium with the real host (tests/browser, ~2 min)"
.venv/bin/python -m pytest -q -p no:cacheprovider tests/browser "$@"
