#!/usr/bin/env bash
# Install the Debian packages the tests need when they are missing: PostgreSQL (a real server
# for the store tests), Chromium (the browser tests), the sqlite3 shell (append-only checks) and
# npm; then JupyterHub's proxy, configurable-http-proxy, from npm into a cache folder (the
# deployment test, tests/deploy, finds it there).
set -euo pipefail

install_chp() {
  local dir="${WORKBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ccm-workbench}/chp"
  if command -v configurable-http-proxy >/dev/null 2>&1 || [ -x "$dir/node_modules/.bin/configurable-http-proxy" ]; then
    echo "system-deps: configurable-http-proxy is present"
  else
    echo "system-deps: npm install configurable-http-proxy into $dir"
    mkdir -p "$dir"
    npm install --silent --no-audit --no-fund --prefix "$dir" configurable-http-proxy@5.3.0
  fi
}

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
id postgres >/dev/null 2>&1 || need+=(postgresql)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -eq 0 ]; then
  echo "system-deps: postgresql, chromium, sqlite3 and npm are present"
  install_chp
  exit 0
fi
echo "system-deps: installing ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "system-deps: not root and no sudo: install ${need[*]} yourself" >&2; exit 1; fi
fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
install_chp
