#!/usr/bin/env bash
# `npm run demo`: sets up a fresh Debian or Ubuntu machine (Debian packages through apt-get, then
# npm ci when needed), builds the app, and starts scripts/demo.ts: the test gateway and the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --npm
npx electron-vite build --logLevel error >/dev/null
exec node --import tsx scripts/demo.ts "$@"
