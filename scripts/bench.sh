#!/usr/bin/env bash
# npm run bench: installs what it needs, brings up the local environment, rebuilds dist/, runs bench/bench.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/env/up.sh >/dev/null
npm run -s package >/dev/null
exec node_modules/node/bin/node bench/bench.ts
