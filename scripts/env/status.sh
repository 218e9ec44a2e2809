#!/usr/bin/env bash
# Reports each part of the local environment; exits non-zero when any part is down.
set -uo pipefail
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
ok=0
line() { printf '%-10s %-5s %s\n' "$1" "$2" "$3"; [ "$2" = up ] || ok=1; }

if "$DOCKER_CLI" info >/dev/null 2>&1; then
  line docker up "$("$DOCKER_CLI" version -f '{{.Server.Version}}' 2>/dev/null) $(pid_alive "$BND_STATE/dockerd.pid" dockerd && echo "(pid $(cat "$BND_STATE/dockerd.pid"), started by env:up)" || echo "(external)")"
else
  line docker down "docker info fails"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$REGISTRY_ADDR/v2/" 2>/dev/null)
[ "$code" = 401 ] && line registry up "$REGISTRY_ADDR (basic auth)" || line registry down "$REGISTRY_ADDR answered '$code'"
kubeconfig="${DEPLOY_TEST_KUBECONFIG:-$BND_STATE/kubeconfig}"
if [ -x "$KUBE_BIN/kubectl" ] && "$KUBE_BIN/kubectl" --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null 2>&1; then
  ready=$("$KUBE_BIN/kubectl" --kubeconfig "$kubeconfig" get nodes --no-headers 2>/dev/null | awk '$2=="Ready"' | wc -l)
  line cluster up "$("$KUBE_BIN/kubectl" --kubeconfig "$kubeconfig" version -o json 2>/dev/null | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1), $ready Ready nodes"
else
  line cluster down "$kubeconfig"
fi
if [ -z "${DEPLOY_TEST_KUBECONFIG:-}" ]; then
  real=$("$KUBE_BIN/kubectl" --kubeconfig "$kubeconfig" get node real-node-0 -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)
  [ "$real" = True ] && pid_alive "$BND_STATE/real-node/kubelet.pid" kubelet && line real-node up "real-node-0 (kubelet pid $(cat "$BND_STATE/real-node/kubelet.pid"))" || line real-node down "real-node-0 not Ready"
fi
[ -f "$ENV_FILE" ] && line env-file up "$ENV_FILE" || line env-file down "run npm run env:up"
exit $ok
