#!/usr/bin/env bash
# Installs the npm dependencies when missing or older than the lock file. `npm install` rather than `npm ci`:
# the registry here has at times lacked platform-only optional packages (@unrs/resolver-binding-*), which npm
# then leaves out of the lock file and `npm ci` refuses; `npm install` takes the lock file either way.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/node/bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[deps] npm install"
  npm install --no-audit --no-fund
fi
