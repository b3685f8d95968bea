#!/usr/bin/env bash
# Installs the Debian packages the test gateway and the tests need (kamailio, rtpengine, baresip,
# Chromium, …), through sudo when not root, saying so first. Used by .ci/run and `npm run demo`.
# With --npm, it then runs `npm ci` when node_modules is missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
# python3-radicale: the CardDAV server of the directory tests (not `radicale`, whose system service
# would start a server of its own on port 5232).
PACKAGES="kamailio kamailio-websocket-modules kamailio-utils-modules kamailio-extra-modules rtpengine-daemon baresip-core sox chromium fonts-dejavu-core iproute2 util-linux libxml2-utils sip-tester python3-radicale"
missing=""
for p in $PACKAGES; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; done
if [ -n "$missing" ]; then
  if ! command -v apt-get >/dev/null; then
    echo "setup: these Debian packages are missing and there is no apt-get here:$missing" >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing Debian packages with ${SUDO:+sudo }apt-get:$missing"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends $missing
fi
if [ "${1:-}" = "--npm" ]; then
  # npm ci writes node_modules/.package-lock.json: older than the lock file means out of date.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: installing the npm packages (npm ci)"
    npm ci --no-audit --no-fund
  fi
fi
