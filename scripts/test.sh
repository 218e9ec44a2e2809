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
echo "[test] lint and format"
npm run -s lint
npm run -s format:check
node scripts/structure.mjs --check >/dev/null || { node scripts/structure.mjs; echo "[test] src/ structure: a folder over 20 %, a function over 80 lines or a folder pair importing each other" >&2; exit 1; }
echo "[test] dist/ is built from the sources"
npm run -s package >/dev/null
if [ -n "$(git status --porcelain -- dist 2>/dev/null)" ]; then
  git --no-pager diff --stat -- dist
  echo "[test] dist/ differs from a fresh build: run npm run package and commit dist/" >&2
  exit 1
fi

echo "[test] local environment"
bash scripts/env/up.sh --tests >/dev/null

results=$(mktemp -d)
status=0
echo "[test] jest: unit and integration"
bash scripts/jest.sh --ci --json --outputFile="$results/main.json" --testPathIgnorePatterns=__tests__/disruptive "$@" || status=$?
# These stop parts of the shared environment (the API server), so they run alone, after the rest.
echo "[test] jest: disruptive (one at a time)"
bash scripts/jest.sh --ci --json --outputFile="$results/disruptive.json" --runInBand __tests__/disruptive || status=$?
# One plain closing line that any reader of the log understands, whatever jest printed above it.
node -e '
  const fs = require("node:fs")
  let passed = 0, failed = 0
  for (const file of process.argv.slice(1)) {
    if (!fs.existsSync(file)) { failed++; continue }
    const r = JSON.parse(fs.readFileSync(file, "utf8"))
    passed += r.numPassedTests
    failed += r.numFailedTests
  }
  console.log(`tests: ${passed} passed, ${failed} failed`)
' "$results/main.json" "$results/disruptive.json" || true
rm -rf "$results"
exit $status
