#!/usr/bin/env bash
# Runs jest on Node 24 (the runtime GitHub uses for node24 actions; @kubernetes/client-node 2.x needs >= 22.19).
# The npm package node@24 ships that binary, so the machine's own Node version does not matter.
set -euo pipefail
cd "$(dirname "$0")/.."
node24=node_modules/node/bin/node
[ -x "$node24" ] || node24=$(command -v node)
exec "$node24" --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js "$@"
