#!/usr/bin/env bash
# `npm run demo`: the main job on the local environment. Installs what it needs, brings up the environment,
# then runs the bundled action (dist/index.js) as a runner would on the example stack: build example/api and
# example/web, push both to the local registry, deploy the staging overlay (manifests/overlays/staging, namespace
# example-staging: API, web, PostgreSQL, quota, policies, ...), wait for every rollout; then run the API image for
# real on the real node and print its /ready answer, fetched through the cluster.
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

# The same API image, run for real on the real node (the staging pods above run on kwok's simulated nodes): pulled
# from the registry with an imagePullSecret, its /ready fetched through its Service's ClusterIP.
ready="(not run: no real node)"
if [ "$status" = 0 ] && [ -n "${BND_REAL_NODE:-}" ]; then
  auth=$(printf '%s:%s' "$BND_REGISTRY_USER" "$BND_REGISTRY_PASSWORD" | base64 -w0)
  umask 077
  touch "$run/output-real" "$run/summary-real.md"
  cat >"$run/real.yaml" <<YAML
apiVersion: v1
kind: Secret
metadata: {name: regcred}
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: '{"auths": {"$BND_REGISTRY": {"auth": "$auth"}}}'
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      nodeSelector: {bnd.dev/real: "true"}
      tolerations: [{key: bnd.dev/real, operator: Equal, value: "true", effect: NoSchedule}]
      imagePullSecrets: [{name: regcred}]
      containers:
        - {name: api, image: "$BND_REGISTRY/acme/api:$sha", ports: [{containerPort: 8080}], readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 1}}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
YAML
  env -i PATH="$PATH" HOME="$HOME" KUBECONFIG="$KUBECONFIG" RUNNER_TEMP="$run" GITHUB_SHA="$sha" \
    GITHUB_OUTPUT="$run/output-real" GITHUB_STEP_SUMMARY="$run/summary-real.md" GITHUB_STATE="$run/state" \
    INPUT_MODE=apply INPUT_MANIFESTS="$run/real.yaml" INPUT_NAMESPACE=example-real INPUT_CREATE-NAMESPACE=true INPUT_TIMEOUT=2m \
    node_modules/node/bin/node dist/index.js >"$run/real.log" 2>&1 || status=$?
  ip=$("$BND_KUBECTL" -n example-real get service api -o jsonpath='{.spec.clusterIP}' 2>/dev/null || true)
  # kube-proxy programs a new Service within a second or so.
  for _ in $(seq 1 25); do ready=$(curl -s -m 2 "http://$ip/ready") && break; sleep 0.2; done
fi

cat <<MSG

Deployed the staging overlay in $(($(date +%s) - started)) s (exit $status).
API /ready on the real node, through its Service: $ready
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
