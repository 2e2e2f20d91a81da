#!/usr/bin/env bash
# Set up everything this project needs on a fresh Debian/Ubuntu machine, idempotently:
# system packages (apt), a virtualenv in .venv with the project and its dev tools, and a
# separate .venv-aw holding ActivityWatch's server (a peer we compare against in tests and
# benchmarks; it pins versions that must not leak into our own environment).
#
#   scripts/setup.sh            everything (what the test command calls)
#   scripts/setup.sh --app      only what the app needs (what scripts/run.sh calls)
#   SETUP_SKIP_APT=1 ...        skip system packages (you installed them yourself)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3 python3-venv python3-tk
  # pynput needs evdev on Linux, which PyPI ships only as source: pip compiles it
  gcc libc6-dev python3-dev
  # the real X11 desktop the tests drive, and what the tracker reads it with
  xvfb openbox xdotool x11-utils x11-apps xauth
  # a real XEmbed system tray for the tray app's tests
  trayer
  # checks the .desktop entries in packaging/
  desktop-file-utils
  # pdftoppm / pdftotext: the PDF report is turned into PNG and text in the tests
  poppler-utils fonts-dejavu-core
  # the leaderboard server's tests run their own throwaway PostgreSQL cluster; its load bench
  # drives it with wrk (C and LuaJIT: the load generator must not eat the server's CPU); its
  # optional Redis-backed shared state is tested against a real redis-server the tests start
  postgresql wrk redis-server
  # Qt's xcb platform plugin and OpenGL/font libraries for PySide6 and pyqtgraph
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-xinerama0 libxcb-shape0 libxcb-xkb1 libxcb-randr0 libxcb-sync1
  libxcb-xfixes0 libxcb-shm0 libx11-xcb1 libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0
  # the real headless Wayland desktop tests/wayland drives (sway + foot windows + wtype typing),
  # swayidle for Wayland AFK (ext-idle-notify-v1), a D-Bus session bus for the GNOME/KDE stand-ins
  sway swayidle foot wtype dbus-daemon dbus-bin libglib2.0-bin
  # a real headless KWin (kwin_wayland --virtual) and GNOME Shell (--headless) for the KDE and
  # GNOME probes; node runs the KWin script in the stand-in that checks Plasma 6's API
  kwin-wayland gnome-shell nodejs
)

# What the app alone needs (scripts/run.sh): Python and a compiler (pynput's evdev builds from
# source), Qt's libraries, fonts for the PDF report, swayidle for AFK on wlroots/KDE Wayland.
APP_APT_PACKAGES=(
  python3 python3-venv python3-tk gcc libc6-dev python3-dev fonts-dejavu-core swayidle
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-xinerama0 libxcb-shape0 libxcb-xkb1 libxcb-randr0 libxcb-sync1
  libxcb-xfixes0 libxcb-shm0 libx11-xcb1 libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0
)
MODE=all
if [ "${1:-}" = --app ]; then MODE=app; APT_PACKAGES=("${APP_APT_PACKAGES[@]}"); fi

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

install_apt() {
  [ "${SETUP_SKIP_APT:-0}" = 1 ] && return 0
  command -v dpkg-query >/dev/null || { log "not a Debian-based system: install ${APT_PACKAGES[*]} yourself, then rerun with SETUP_SKIP_APT=1"; exit 1; }
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { log "need root to install: ${missing[*]} (install them as root, then rerun with SETUP_SKIP_APT=1)"; exit 1; }
    sudo=(sudo)
  fi
  log "installing system packages: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pick_python() {
  # python3 first: it is the one python3-venv and python3-dev above are for.
  for py in python3 python3.13 python3.12 python3.11; do
    if command -v "$py" >/dev/null && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  log "Python 3.11 or newer is needed"; exit 1
}

install_python() {
  local py; py=$(pick_python)
  [ -x .venv/bin/python ] || { log "creating .venv with $py"; "$py" -m venv .venv; }
  local stamp=.venv/.setup-stamp want
  want=$(cat pyproject.toml constraints.txt 2>/dev/null | sha256sum | cut -c1-16)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing the project and its dependencies into .venv"
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[gui,server,dev]"
    echo "$want" > "$stamp"
  fi
}

install_peers() {
  [ -x .venv-aw/bin/python ] && .venv-aw/bin/python -c "import aw_server, aw_core" 2>/dev/null && return 0
  local py; py=$(pick_python)
  log "installing ActivityWatch's server into .venv-aw (comparison peer for tests and benchmarks)"
  "$py" -m venv .venv-aw
  .venv-aw/bin/python -m pip install -q --disable-pip-version-check "aw-server==0.12.0" "aw-core==0.5.18" "peewee<3.18"
}

install_wakatime_cli() {
  # The real WakaTime CLI the editor plugins shipped before the Go rewrite (same API), for the
  # tests of the local WakaTime API. It predates Python 3.10: its vendored urllib3 imports
  # `collections.Mapping`, so the venv gets a sitecustomize aliasing the collections.abc names
  # (the client itself stays unchanged).
  .venv-waka/bin/python -c "import wakatime.packages.urllib3, wakatime.__about__ as a; assert a.__version__ == '13.1.0'" 2>/dev/null && return 0
  local py; py=$(pick_python)
  log "installing wakatime==13.1.0 (the WakaTime CLI) into .venv-waka"
  "$py" -m venv .venv-waka
  .venv-waka/bin/python -m pip install -q --disable-pip-version-check "wakatime==13.1.0"
  local site; site=$(.venv-waka/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  cat > "$site/sitecustomize.py" <<'PY'
# wakatime 13.1.0 vendors a urllib3 from before Python 3.10 removed these aliases.
import collections
import collections.abc

for _name in ("Mapping", "MutableMapping", "Sequence", "MutableSequence", "Set", "MutableSet",
              "Callable", "Iterable", "Iterator", "Container", "Hashable", "Sized"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))
PY
}

others_can_enter() {  # every directory from / down to $1 is searchable by other users
  local d; d=$(cd "$1" && pwd -P)
  while [ -n "$d" ] && [ "$d" != / ]; do
    [ "$(( 8#$(stat -c %a "$d") & 1 ))" = 1 ] || return 1
    d=${d%/*}
  done
}

install_wayland_venv() {
  # tests/wayland run sway, its clients and the tracker as an unprivileged user (sway refuses
  # root), who cannot execute a Python under /root: as root, give them a virtualenv of the
  # system's python3 with the project installed. Editable (this tree's code) when other users
  # can enter this checkout; else (a checkout under /root) a copy installed into a venv under
  # /var/tmp, reinstalled whenever the tracked files change, with .venv-wayland linking to it.
  [ "$(id -u)" = 0 ] || return 0
  local py=/usr/bin/python3 venv=.venv-wayland editable=(-e) want
  [ -x "$py" ] || py=$(pick_python)
  want=$(cat pyproject.toml constraints.txt 2>/dev/null | sha256sum | cut -c1-16)
  if ! others_can_enter .; then
    venv=/var/tmp/tracker-desktop-wayland-$(pwd -P | sha256sum | cut -c1-12)
    editable=()
    want=$( (echo "$want"; git ls-files -s 2>/dev/null; git diff 2>/dev/null) | sha256sum | cut -c1-16)
    ln -sfn "$venv" .venv-wayland
  fi
  [ "$(cat "$venv/.setup-stamp" 2>/dev/null)" = "$want" ] && return 0
  log "installing the project into $venv (the Wayland tests' unprivileged user runs it)"
  [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -c constraints.txt \
    "${editable[@]}" .
  chmod -R o+rX "$venv"
  echo "$want" > "$venv/.setup-stamp"
}

install_apt
install_python
if [ "$MODE" = all ]; then
  install_peers
  install_wakatime_cli
  install_wayland_venv
  # Node, npm, Debian's chromium and the browser extension's dev dependencies (tests/browser).
  bash scripts/setup_node.sh
  # code-server (VS Code from npm, under .tools/) and the VS Code extension's dev dependencies.
  bash scripts/setup_code_server.sh
fi
log "ready"
