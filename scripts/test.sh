#!/usr/bin/env bash
# The README's test command (npm test): installs what it needs, checks types, lint and dist/, brings up the
# local environment (scripts/env/up.sh; cold: builds Kubernetes from source, about 15 minutes), then runs the
# unit and integration tests on Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
export PATH="$PWD/node_modules/.bin:$PATH"

echo "[test] typecheck"
tsc --noEmit -p .
echo "[test] lint"
npm run -s lint
echo "[test] dist/ is built from the sources"
npm run -s package >/dev/null
if [ -n "$(git status --porcelain -- dist 2>/dev/null)" ]; then
  git --no-pager diff --stat -- dist
  echo "[test] dist/ differs from a fresh build: run npm run package and commit dist/" >&2
  exit 1
fi

echo "[test] local environment"
bash scripts/env/up.sh >/dev/null

echo "[test] jest"
results=$(mktemp)
status=0
bash scripts/jest.sh --ci --json --outputFile="$results" "$@" || status=$?
# One plain closing line that any reader of the log understands, whatever jest printed above it.
node -e 'const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")); console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$results" || true
rm -f "$results"
exit $status
