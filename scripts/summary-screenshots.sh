#!/usr/bin/env bash
# Photographs the job summaries that __tests__/unit/summary-render.test.ts renders (a success, a rolled-back
# failure, a history) into docs/summary-*.png for the README. Needs chromium (Debian: apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/jest.sh __tests__/unit/summary-render.test.ts >/dev/null
pages="${TMPDIR:-/tmp}/bnd-summary-html"
for name in success failure history; do
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,860 \
    --screenshot="$PWD/docs/summary-$name.png" "file://$pages/$name.html" 2>/dev/null
done
ls -la docs/summary-*.png
