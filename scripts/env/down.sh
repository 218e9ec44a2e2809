#!/usr/bin/env bash
# Stops exactly what up.sh started, by PID file: the kwok cluster's processes, the registry, and dockerd when
# up.sh started it. Cached binaries, images and registry data stay.
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

# The real node first: its kubelet tears its pods down while the API server still answers.
bash "$(cd "$(dirname "$0")" && pwd)/real-node.sh" down || true
if [ -x "$(kwokctl_bin)" ] && [ -d "$KWOK_WORKDIR/clusters/$CLUSTER_NAME" ]; then
  log "deleting cluster $CLUSTER_NAME"
  "$(kwokctl_bin)" delete cluster --name "$CLUSTER_NAME" >>"$BND_STATE/kwokctl.log" 2>&1 || true
  # kwokctl stops its components by their own PID files; make sure none outlived it.
  for f in "$KWOK_WORKDIR/clusters/$CLUSTER_NAME"/pids/*.pid; do
    [ -e "$f" ] && stop_pidfile "$f" "$(basename "$f" .pid)" "$(kwok_component_program "$f")"
  done
  rm -rf "${KWOK_WORKDIR:?}/clusters/$CLUSTER_NAME"
fi
stop_pidfile "$BND_STATE/buildkit/buildkitd.pid" buildkitd buildkitd
stop_pidfile "$BND_STATE/registry.pid" registry docker-registry
stop_pidfile "$BND_STATE/dockerd.pid" dockerd dockerd
rm -f "$BND_STATE/env.sh"
log "down"
