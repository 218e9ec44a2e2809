#!/usr/bin/env bash
# Runs jest on Node 24 (the runtime GitHub uses for node24 actions; @kubernetes/client-node 2.x needs >= 22.19).
# The npm package node@24 ships that binary, so the machine's own Node version does not matter.
set -euo pipefail
cd "$(dirname "$0")/.."
node24=node_modules/node/bin/node
if [ ! -x "$node24" ]; then
  # npm skips dependencies' install scripts unless package.json's allowScripts lists them; node@24 needs its own.
  node24=$(command -v node)
  "$node24" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 19) ? 0 : 1)' ||
    { echo "[jest] $node24 is $("$node24" --version) and node_modules/node/bin/node is missing: run npm install (allowScripts must approve node)" >&2; exit 1; }
fi
exec "$node24" --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js "$@"
