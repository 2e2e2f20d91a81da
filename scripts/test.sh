#!/usr/bin/env bash
# Set everything up, then run the whole test suite: import contracts, unit, integration, the
# real X11 desktop suite (Xvfb + openbox + xdotool, started by the tests) and the extensions',
# then the Wayland stage (tests/wayland: a real headless sway run as an unprivileged user, and
# D-Bus / Unix-socket stand-ins for Hyprland, KDE and GNOME).
# Extra arguments go to pytest, e.g.  scripts/test.sh -k heartbeat
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TRACKER_LOG_DIR="${TRACKER_LOG_DIR:-$(mktemp -d)}"
echo "== import contracts"
.venv/bin/lint-imports --no-cache
echo "== type check (mypy; strict on the domain)"
.venv/bin/mypy
if [ $# -gt 0 ]; then
  echo "== pytest $*"
  exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
fi
echo "== pytest (unit, integration, ui, X11 desktop)"
.venv/bin/python -m pytest -q -p no:cacheprovider --ignore=tests/wayland
echo "== Wayland (a real headless sway as an unprivileged user; D-Bus and socket stand-ins)"
.venv/bin/python -m pytest -q -p no:cacheprovider tests/wayland
