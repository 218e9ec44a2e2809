#!/usr/bin/env bash
# `npm run demo`: the main job on the local environment. Installs what it needs, brings up the environment,
# then runs the bundled action (dist/index.js) as a runner would: build example/web, push it to the local
# registry, deploy manifests/ to the namespace `demo`, wait for the rollout.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/env/up.sh >/dev/null
. "${BND_STATE:-${XDG_CACHE_HOME:-$HOME/.cache}/build-and-deploy/state}/env.sh"

run=$(mktemp -d)
# manifests/ names the public repository users copy (ghcr.io/acme/web); here it is the local registry's.
mkdir -p "$run/manifests"
sed "s#ghcr.io/acme/web#$BND_REGISTRY/acme/web#g" manifests/web.yaml >"$run/manifests/web.yaml"
sha=${DEMO_SHA:-$(git rev-parse HEAD 2>/dev/null || head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')}
touch "$run/output" "$run/summary.md" "$run/state"

env -i PATH="$PATH" HOME="$HOME" KUBECONFIG="$KUBECONFIG" RUNNER_TEMP="$run" \
  GITHUB_ACTIONS=true GITHUB_SHA="$sha" GITHUB_REF=refs/heads/main GITHUB_REPOSITORY=acme/web \
  GITHUB_SERVER_URL=https://github.com GITHUB_RUN_ID=1 GITHUB_RUN_NUMBER=1 GITHUB_ACTOR="${USER:-demo}" \
  GITHUB_OUTPUT="$run/output" GITHUB_STEP_SUMMARY="$run/summary.md" GITHUB_STATE="$run/state" \
  INPUT_IMAGE="$BND_REGISTRY/acme/web" INPUT_CONTEXT=example/web \
  INPUT_BUILD-ARGS="BASE=$BND_BASE_IMAGE
VERSION=${sha:0:7}" \
  INPUT_REGISTRY-USERNAME="$BND_REGISTRY_USER" INPUT_REGISTRY-PASSWORD="$BND_REGISTRY_PASSWORD" \
  INPUT_MANIFESTS="$run/manifests" INPUT_NAMESPACE=demo INPUT_CREATE-NAMESPACE=true INPUT_TIMEOUT=3m \
  node_modules/node/bin/node dist/index.js
status=$?
env -i PATH="$PATH" HOME="$HOME" GITHUB_STATE="$run/state" STATE_logged-in-registry="$BND_REGISTRY" \
  node_modules/node/bin/node dist/post/index.js >/dev/null || true

cat <<MSG

Job summary: $run/summary.md
Outputs:     $run/output
Look at it:
  source $BND_STATE/env.sh
  kubectl -n demo get deployment,replicaset,pods,service
  kubectl -n demo rollout history deployment/web
  kubectl -n demo get deployment web -o jsonpath='{.spec.template.spec.containers[0].image}'
MSG
exit $status
