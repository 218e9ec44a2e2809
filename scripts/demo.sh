#!/usr/bin/env bash
# `npm run demo`: the main job on the local environment. Installs what it needs, brings up the environment,
# then runs the bundled action (dist/index.js) as a runner would on the example stack: build example/api and
# example/web, push both to the local registry, deploy the staging overlay (manifests/overlays/staging, namespace
# example-staging: API, web, PostgreSQL, quota, policies, ...), wait for every rollout.
set -euo pipefail
cd "$(dirname "$0")/.."
# The test suite runs this after installing; everyone else gets the install.
[ -n "${BND_DEMO_SKIP_INSTALL:-}" ] || bash scripts/install-deps.sh
bash scripts/env/up.sh >/dev/null
. "${BND_STATE:-${XDG_CACHE_HOME:-$HOME/.cache}/build-and-deploy/state}/env.sh"

run=$(mktemp -d)
# The manifests name the public repositories users copy (ghcr.io/acme/*); here the local registry stands in.
# A copy of the tree keeps the overlay's relative path to its base.
mkdir -p "$run/manifests"
cp -r manifests/base manifests/overlays "$run/manifests/"
sed -i "s#ghcr.io/acme/#$BND_REGISTRY/acme/#g" "$run/manifests/base/"*.yaml
sha=${DEMO_SHA:-$(git rev-parse HEAD 2>/dev/null || head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')}
touch "$run/output" "$run/summary.md" "$run/state"

started=$(date +%s)
status=0
env -i PATH="$PATH" HOME="$HOME" KUBECONFIG="$KUBECONFIG" RUNNER_TEMP="$run" \
  GITHUB_ACTIONS=true GITHUB_SHA="$sha" GITHUB_REF=refs/heads/main GITHUB_REPOSITORY=acme/example \
  GITHUB_SERVER_URL=https://github.com GITHUB_RUN_ID=1 GITHUB_RUN_NUMBER=1 GITHUB_ACTOR="${USER:-demo}" \
  GITHUB_OUTPUT="$run/output" GITHUB_STEP_SUMMARY="$run/summary.md" GITHUB_STATE="$run/state" \
  INPUT_BUILD="$BND_REGISTRY/acme/api=example/api
$BND_REGISTRY/acme/web=example/web" \
  INPUT_BUILD-ARGS="BASE=$BND_BASE_IMAGE
GO_IMAGE=$BND_GO_IMAGE
RUNTIME_IMAGE=scratch
VERSION=${sha:0:7}" \
  INPUT_REGISTRY-USERNAME="$BND_REGISTRY_USER" INPUT_REGISTRY-PASSWORD="$BND_REGISTRY_PASSWORD" \
  INPUT_MANIFESTS="$run/manifests/overlays/staging" INPUT_TIMEOUT=3m \
  node_modules/node/bin/node dist/index.js || status=$?
env -i PATH="$PATH" HOME="$HOME" GITHUB_STATE="$run/state" STATE_logged-in-registry="$BND_REGISTRY" \
  node_modules/node/bin/node dist/post/index.js >/dev/null || true

cat <<MSG

Deployed the staging overlay in $(($(date +%s) - started)) s (exit $status).
Job summary: $run/summary.md
Outputs:     $run/output
Look at it:
  source $BND_STATE/env.sh
  kubectl -n example-staging get deployment,statefulset,pods,service,hpa,pdb,networkpolicy,ingress,pvc
  kubectl -n example-staging rollout history deployment/api
  kubectl -n example-staging get deployment api web -o jsonpath='{range .items[*]}{.spec.template.spec.containers[0].image}{"\n"}{end}'
  docker run --rm -p 127.0.0.1:8080:8080 $BND_REGISTRY/acme/api:$sha   # then curl localhost:8080/health
MSG
exit $status
