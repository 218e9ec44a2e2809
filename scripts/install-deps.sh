#!/usr/bin/env bash
# Installs the npm dependencies when missing or older than the lock file. `npm install` rather than `npm ci`:
# the registry here lacks some platform-only optional packages (@unrs/resolver-binding-darwin-*, …), which npm
# leaves out of the lock file and `npm ci` then refuses; `npm install` keeps the lock file as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/node/bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[deps] npm install"
  npm install --no-audit --no-fund
fi
