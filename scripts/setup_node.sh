#!/usr/bin/env bash
# Node, npm, Debian's chromium and Firefox ESR for the browser extension, idempotently: apt packages when
# missing, then `npm ci` of extensions/browser's dev dependencies (TypeScript for the type
# check, playwright-core to drive /usr/bin/chromium in tests/browser; it never downloads a
# browser).
#
#   scripts/setup_node.sh          (scripts/setup.sh calls it)
#   SETUP_SKIP_APT=1 ...           skip system packages (you installed them yourself)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup-node]\033[0m %s\n' "$*" >&2; }

if [ "${SETUP_SKIP_APT:-0}" != 1 ]; then
  missing=()
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=(); [ "$(id -u)" != 0 ] && sudo=(sudo)
    log "installing system packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

ext=extensions/browser
want=$( (cat "$ext/package-lock.json"; node --version) | sha256sum | cut -c1-16)
if [ "$(cat "$ext/node_modules/.setup-stamp" 2>/dev/null)" != "$want" ]; then
  log "npm ci in $ext"
  # playwright-core is a driver only; make sure nothing tries to fetch a browser.
  (cd "$ext" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$ext/node_modules/.setup-stamp"
fi
