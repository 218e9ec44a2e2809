#!/usr/bin/env bash
# One real node beside the kwok nodes: kubelet and kube-proxy v1.36.3 (built from the Go module proxy by
# build-binaries.sh), a containerd of its own with the CRI plugin (Debian's containerd 1.6, never dockerd's),
# Debian's CNI plugins (bridge rn0, 10.88.0.0/16) and a pause image built here. Pods run real containers; images
# come from the local registry with the pods' imagePullSecrets. The node is tainted bnd.dev/real=true:NoSchedule
# and labelled bnd.dev/real=true, so only pods that ask for it land there.
#   real-node.sh up    start (after a crash or restart: clean what is left first, then start afresh)
#   real-node.sh down  stop, by PID file only, and clean mounts, shims, the bridge and iptables chains
# Findings that shaped it (this VM: Firecracker, cgroup v1, PID 1 not systemd):
# - kubelet 1.36 refuses cgroup v1 unless failCgroupV1: false; containerd 1.6 has no RuntimeConfig RPC, so the
#   cgroup driver is cgroupfs by configuration.
# - runc failed every sandbox ("can't get final child's PID from pipe: EOF"; nsexec: "failed to update
#   /proc/self/oom_score_adj: Permission denied"): the VM drops CAP_SYS_RESOURCE, so containerd must not ask
#   for a negative oom_score_adj (restrict_oom_score_adj = true).
# - kwok manages only the nodes kwokctl made (kwok-stages.yaml): with --manage-all-nodes it took this node over
#   after a crash, once the dead kubelet's Lease expired, and faked its pods as running.
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
R=$BND_STATE/real-node
NODE=real-node-0
SOCK=$R/containerd/containerd.sock
POD_CIDR=10.88.0.0/16
PAUSE_IMAGE=bnd.local/pause:1
KUBECTL=("$KUBE_BIN/kubectl" --kubeconfig "$BND_STATE/kubeconfig")

running() { pid_alive "$R/containerd.pid" containerd && pid_alive "$R/kubelet.pid" kubelet && pid_alive "$R/kube-proxy.pid" kube-proxy; }

wait_for() { # wait_for SECONDS WHAT CMD...
  local n=$1 what=$2 i
  shift 2
  for i in $(seq "$((n * 5))"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "real node: $what did not happen within $n s (logs: $R/*.log)"
}

stop() {
  # The kubelet tears its pods down (CNI DEL, unmounts) while it still runs.
  if pid_alive "$R/kubelet.pid" kubelet && "${KUBECTL[@]}" get node "$NODE" >/dev/null 2>&1; then
    "${KUBECTL[@]}" delete pods -A --field-selector "spec.nodeName=$NODE" --wait=true --timeout=60s >/dev/null 2>&1 || true
  fi
  "${KUBECTL[@]}" delete node "$NODE" --ignore-not-found >/dev/null 2>&1 || true
  "${KUBECTL[@]}" -n kube-node-lease delete lease "$NODE" --ignore-not-found >/dev/null 2>&1 || true
  stop_pidfile "$R/kube-proxy.pid" kube-proxy kube-proxy
  [ -x "$NODE_BIN/kube-proxy" ] && "$NODE_BIN/kube-proxy" --cleanup >"$R/kube-proxy-cleanup.log" 2>&1 || true
  stop_pidfile "$R/kubelet.pid" kubelet kubelet
  stop_pidfile "$R/containerd.pid" containerd containerd
  # Shims of this containerd only (their command line names its socket), by PID.
  local pid
  for pid in $(ps -eo pid=,args= | awk -v s="$SOCK" '$2 ~ /containerd-shim/ && index($0, s) {print $1}'); do kill -9 "$pid" 2>/dev/null || true; done
  # Mounts the pods left under the state directory, deepest first.
  awk -v r="$R/" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  # After a crash the pods' CNI DEL never ran: their network namespaces and masquerade rules are left.
  local ns rule
  for ns in /var/run/netns/cni-*; do [ -e "$ns" ] && { ip netns delete "$(basename "$ns")" 2>/dev/null || true; }; done
  # (No such rule on a fresh machine: grep's status 1 must not end the script under pipefail.)
  { iptables -t nat -S POSTROUTING 2>/dev/null || true; } | { grep -F 'bnd-real-node' || true; } | sed 's/^-A /-D /' | while read -r rule; do
    # shellcheck disable=SC2086
    iptables -t nat $rule 2>/dev/null || true
  done
  ip link show rn0 >/dev/null 2>&1 && ip link del rn0
  if iptables -S CNI-FORWARD >/dev/null 2>&1; then
    iptables -D FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD 2>/dev/null || true
    iptables -F CNI-FORWARD; iptables -X CNI-FORWARD 2>/dev/null || true
    iptables -F CNI-ADMIN 2>/dev/null || true; iptables -X CNI-ADMIN 2>/dev/null || true
  fi
  local d
  rm -f /var/lib/kubelet/device-plugins/kubelet.sock
  find /var/log/containers -maxdepth 1 -type l -lname "$R/*" -delete 2>/dev/null || true
  for d in /sys/fs/cgroup/*/kubepods; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true; done
  # Runtime state goes with the processes: a restart starts clean (images are pulled or imported again).
  rm -rf "$R/containerd/root" "$R/containerd/state" "$R/containerd/runc" "$R/kubelet" "$R/cni/ipam"
}

configure() {
  mkdir -p "$R"/containerd/{root,state,runc,certs.d/"$REGISTRY_ADDR"} "$R"/cni/{net.d,ipam} "$R"/kubelet/pki
  cat >"$R/containerd/config.toml" <<TOML
version = 2
root = "$R/containerd/root"
state = "$R/containerd/state"
oom_score = 0
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = "$R/containerd/debug.sock"
[metrics]
  address = ""
[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$PAUSE_IMAGE"
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    disable_apparmor = true
    restrict_oom_score_adj = true
    tolerate_missing_hugetlb_controller = true
    disable_hugetlb_controller = true
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          BinaryName = "/usr/sbin/runc"
          SystemdCgroup = false
          Root = "$R/containerd/runc"
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$R/cni/net.d"
      max_conf_num = 1
    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "$R/containerd/certs.d"
TOML
  # The local registry speaks plain HTTP; credentials come from each pod's imagePullSecrets.
  cat >"$R/containerd/certs.d/$REGISTRY_ADDR/hosts.toml" <<TOML
server = "http://$REGISTRY_ADDR"
[host."http://$REGISTRY_ADDR"]
  capabilities = ["pull", "resolve"]
TOML
  cat >"$R/cni/net.d/10-bnd.conflist" <<JSON
{"cniVersion": "0.4.0", "name": "bnd-real-node", "plugins": [
  {"type": "bridge", "bridge": "rn0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "$R/cni/ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}},
  {"type": "firewall"},
  {"type": "loopback"}]}
JSON
  cat >"$R/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$SOCK
imageServiceEndpoint: unix://$SOCK
address: 0.0.0.0
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
# The API server reaches the kubelet for logs and exec without a client certificate here.
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
failSwapOn: false
registerWithTaints: [{key: bnd.dev/real, value: "true", effect: NoSchedule}]
clusterDomain: cluster.local
maxPods: 30
serializeImagePulls: false
evictionHard: {memory.available: "100Mi", nodefs.available: "2%", imagefs.available: "2%", nodefs.inodesFree: "2%"}
podLogsDir: $R/kubelet/pod-logs
YAML
  cat >"$R/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $BND_STATE/kubeconfig}
hostnameOverride: $NODE
mode: iptables
clusterCIDR: $POD_CIDR
detectLocalMode: ClusterCIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
conntrack: {maxPerCore: 0, min: 0}
YAML
}

# A pause image of our own (none can be pulled): a static Go binary that holds the namespaces and reaps children.
import_pause() {
  local tar=$BND_CACHE/pause-image.tar work
  if [ ! -f "$tar" ]; then
    work=$(mktemp -d)
    (cd "$here/real-node" && CGO_ENABLED=0 GOTOOLCHAIN=local go build -trimpath -ldflags '-s -w' -o "$work/pause" pause.go)
    tar -C "$work" -cf "$work/rootfs.tar" pause
    "$DOCKER_CLI" import --change 'ENTRYPOINT ["/pause"]' "$work/rootfs.tar" "$PAUSE_IMAGE" >/dev/null
    "$DOCKER_CLI" save "$PAUSE_IMAGE" -o "$tar.tmp" && mv "$tar.tmp" "$tar"
    rm -rf "$work"
  fi
  ctr -a "$SOCK" -n k8s.io images import "$tar" >/dev/null
}

start() {
  [ -x /usr/lib/cni/bridge ] || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq containernetworking-plugins >>"$BND_STATE/apt.log" 2>&1 || die "apt-get install containernetworking-plugins failed"; }
  [ -x "$NODE_BIN/kubelet" ] || die "kubelet is missing from $NODE_BIN: run scripts/env/build-binaries.sh"
  local node_if node_ip
  node_if=$(ip -4 route show default | awk '{print $5; exit}')
  node_ip=$(ip -4 -o addr show dev "$node_if" | awk '{print $4; exit}' | cut -d/ -f1)
  configure
  setsid /usr/bin/containerd --config "$R/containerd/config.toml" >"$R/containerd.log" 2>&1 </dev/null &
  echo $! >"$R/containerd.pid"
  wait_for 20 "containerd answering" ctr -a "$SOCK" version
  import_pause
  # --cloud-provider=external keeps the addresses set below: the node's name resolves nowhere, and the API
  # server would otherwise reach the kubelet (logs, exec) by it.
  setsid "$NODE_BIN/kubelet" --config="$R/kubelet.yaml" --kubeconfig="$BND_STATE/kubeconfig" --hostname-override="$NODE" \
    --node-ip="$node_ip" --node-labels=bnd.dev/real=true --cloud-provider=external --root-dir="$R/kubelet" \
    --cert-dir="$R/kubelet/pki" >"$R/kubelet.log" 2>&1 </dev/null &
  echo $! >"$R/kubelet.pid"
  wait_for 60 "node $NODE registered" "${KUBECTL[@]}" get node "$NODE"
  "${KUBECTL[@]}" taint node "$NODE" node.cloudprovider.kubernetes.io/uninitialized:NoSchedule- >/dev/null 2>&1 || true
  "${KUBECTL[@]}" patch node "$NODE" --subresource=status --type=json \
    -p "[{\"op\":\"replace\",\"path\":\"/status/addresses\",\"value\":[{\"type\":\"InternalIP\",\"address\":\"$node_ip\"}]}]" >/dev/null
  "${KUBECTL[@]}" wait node "$NODE" --for=condition=Ready --timeout=120s >/dev/null
  setsid "$NODE_BIN/kube-proxy" --config="$R/kube-proxy.yaml" >"$R/kube-proxy.log" 2>&1 </dev/null &
  echo $! >"$R/kube-proxy.pid"
  wait_for 30 "kube-proxy healthy" curl -sf http://127.0.0.1:10256/healthz
}

mkdir -p "$R"
case "${1:-up}" in
  up)
    if running && "${KUBECTL[@]}" get node "$NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -qx True; then
      log "real node $NODE running"
      exit 0
    fi
    stop
    log "starting the real node $NODE (containerd, kubelet, kube-proxy; logs: $R)"
    start
    log "real node $NODE Ready"
    ;;
  down) stop; log "real node $NODE stopped" ;;
  *) die "usage: real-node.sh up|down" ;;
esac
