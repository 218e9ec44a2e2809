#!/usr/bin/env bash
# npm run bench: installs what it needs, brings up the local environment, rebuilds dist/, runs bench/bench.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# --tests: the build part measures the buildx path too, on the environment's buildkitd.
bash scripts/env/up.sh --tests >/dev/null
npm run -s package >/dev/null
exec node_modules/node/bin/node bench/bench.ts
