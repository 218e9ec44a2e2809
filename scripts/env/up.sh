#!/usr/bin/env bash
# Brings up the local environment: Docker engine, an authenticating registry on loopback, local base images,
# and a kwok cluster (real kube-apiserver, controller-manager and scheduler; fake nodes) with one real node
# (kubelet, containerd, kube-proxy: real containers). Idempotent.
#   up.sh          what the demo needs
#   up.sh --tests  also builds act, helm, cosign, buildx and BuildKit, which only the tests use (npm test passes it),
#                  and starts a buildkitd that a buildx builder (remote driver) names, as GitHub's runners have
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
mkdir -p "$BND_STATE/bin" "$BND_STATE/registry"
FOR_TESTS=
case "${1:-}" in
  --tests) FOR_TESTS=1 ;;
  "") ;;
  *) die "usage: up.sh [--tests]" ;;
esac
started=$(date +%s)

install_debian_packages() {
  local need=()
  [ -x /usr/sbin/dockerd ] && [ -x /usr/bin/docker ] || need+=(docker.io)
  command -v docker-registry >/dev/null || need+=(docker-registry)
  # grep reads the whole list: with -q it would stop at the match, busybox would die of SIGPIPE, and pipefail
  # would count that as a missing httpd (it reinstalled busybox-static on some runs).
  [ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -x httpd >/dev/null || need+=(busybox-static)
  command -v htpasswd >/dev/null || need+=(apache2-utils)
  # Only to check the example's docker-compose.yml (`docker-compose config`); the 28.x client has no compose plugin.
  command -v docker-compose >/dev/null || need+=(docker-compose)
  # A real PostgreSQL for the example API's readiness test.
  pg_bin >/dev/null || need+=(postgresql)
  [ ${#need[@]} -eq 0 ] && return
  log "installing Debian packages: ${need[*]}"
  [ "$(id -u)" = 0 ] || die "need root to install ${need[*]} (or install them yourself)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >"$BND_STATE/apt.log" 2>&1 ||
    die "apt-get install ${need[*]} failed: see $BND_STATE/apt.log"
}

ensure_docker() {
  if "$DOCKER_CLI" info >/dev/null 2>&1; then
    pid_alive "$BND_STATE/dockerd.pid" dockerd && log "dockerd running (started by env:up)" || log "using the running Docker engine"
    return
  fi
  # dockerd refuses to start while its PID file exists, even when that process is long gone, and waits for the
  # containerd its own PID file names when that number now belongs to another process.
  drop_stale_pidfile "$BND_STATE/dockerd.pid" dockerd
  drop_stale_pidfile /var/run/docker/containerd/containerd.pid containerd
  log "starting dockerd (log: $BND_STATE/dockerd.log)"
  setsid /usr/sbin/dockerd --pidfile "$BND_STATE/dockerd.pid" >"$BND_STATE/dockerd.log" 2>&1 </dev/null &
  local i
  for i in $(seq 1 60); do
    "$DOCKER_CLI" info >/dev/null 2>&1 && return
    sleep 0.5
  done
  die "dockerd did not answer within 30 s: see $BND_STATE/dockerd.log"
}

ensure_registry() {
  local dir="$BND_STATE/registry" port=${REGISTRY_ADDR##*:}
  if [ ! -s "$dir/password" ]; then
    (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$dir/password")
  fi
  if [ ! -s "$dir/htpasswd" ] || [ "$dir/password" -nt "$dir/htpasswd" ]; then
    # -i reads the password from stdin, keeping it off the command line.
    htpasswd -iBc "$dir/htpasswd" "$REGISTRY_USER" <"$dir/password" 2>/dev/null
  fi
  cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR
auth:
  htpasswd:
    realm: build-and-deploy-local
    path: $dir/htpasswd
YAML
  if pid_alive "$BND_STATE/registry.pid" docker-registry; then
    log "registry running on $REGISTRY_ADDR"
    return
  fi
  if (exec 3<>"/dev/tcp/${REGISTRY_ADDR%:*}/$port") 2>/dev/null; then
    die "$REGISTRY_ADDR is taken by another process; set BND_REGISTRY_ADDR to a free loopback address"
  fi
  log "starting registry on $REGISTRY_ADDR (log: $BND_STATE/registry.log)"
  setsid docker-registry serve "$dir/config.yml" >"$BND_STATE/registry.log" 2>&1 </dev/null &
  echo $! >"$BND_STATE/registry.pid"
  local i code
  for i in $(seq 1 50); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://$REGISTRY_ADDR/v2/" || true)
    [ "$code" = 401 ] && return
    sleep 0.2
  done
  die "registry on $REGISTRY_ADDR did not answer 401 on /v2/: see $BND_STATE/registry.log"
}

# No image can be pulled here, so the base images are imported from a root filesystem made of local files.
ensure_base_images() {
  "$DOCKER_CLI" image inspect "$BASE_IMAGE" >/dev/null 2>&1 && { log "base image $BASE_IMAGE present"; return; }
  log "importing base image $BASE_IMAGE from busybox-static"
  local root
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/var/www" "$root/home/app"
  cp /bin/busybox "$root/bin/busybox"
  local applet
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\napp:x:10001:\nnogroup:x:65534:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp"
  tar -C "$root" -c . | "$DOCKER_CLI" import \
    -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$root"
}

# The Go toolchain of this machine over the busybox root, so example/api builds without pulling golang:*.
ensure_go_image() {
  "$DOCKER_CLI" image inspect "$GO_IMAGE" >/dev/null 2>&1 && { log "base image $GO_IMAGE present"; return; }
  command -v go >/dev/null || die "Go is needed for the base image $GO_IMAGE"
  log "importing base image $GO_IMAGE from $(go env GOROOT)"
  local goroot container
  goroot=$(go env GOROOT)
  container=$("$DOCKER_CLI" create "$BASE_IMAGE")
  # Docs, tests and sources of the toolchain's own tools are not needed to build a program.
  tar -C "$(dirname "$goroot")" --exclude='go/test' --exclude='go/doc' --exclude='go/api' --exclude='go/misc' \
    --transform "s#^$(basename "$goroot")#usr/local/go#" -c "$(basename "$goroot")" |
    "$DOCKER_CLI" cp - "$container:/"
  "$DOCKER_CLI" export "$container" | "$DOCKER_CLI" import \
    -c 'ENV PATH=/usr/local/go/bin:/bin GOPATH=/go GOCACHE=/root/.cache/go-build GOTOOLCHAIN=local GOFLAGS=-mod=mod' \
    -c 'WORKDIR /go' -c 'CMD ["/bin/sh"]' - "$GO_IMAGE" >/dev/null
  "$DOCKER_CLI" rm "$container" >/dev/null
}

# No dynamic volume provisioner runs without a kubelet; the controller-manager's own hostPath provisioner
# (enabled in kwok-stages.yaml) binds the PostgreSQL StatefulSet's claims, as kind's local-path would.
ensure_storage_class() {
  "$KUBE_BIN/kubectl" --kubeconfig "$BND_STATE/kubeconfig" apply -f - >/dev/null <<'YAML'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kubernetes.io/host-path
reclaimPolicy: Delete
volumeBindingMode: Immediate
YAML
}

# kwokctl logs JSON lines; keep them in a file and show them only when it fails.
quietly() {
  "$@" >>"$BND_STATE/kwokctl.log" 2>&1 || { tail -n 20 "$BND_STATE/kwokctl.log" >&2; die "$1 failed: see $BND_STATE/kwokctl.log"; }
}

cluster_ready() { "$KUBE_BIN/kubectl" --kubeconfig "$BND_STATE/kubeconfig" get --raw /readyz >/dev/null 2>&1; }

ensure_cluster() {
  # kubectl, act and helm serve the tests on any cluster, so they are built either way.
  bash "$here/build-binaries.sh" ${FOR_TESTS:+--tests}
  ln -sf "$KUBE_BIN/kubectl" "$BND_STATE/bin/kubectl"
  ln -sf "$KWOK_BIN/kwokctl" "$BND_STATE/bin/kwokctl"
  [ ! -x "$ACT_BIN/act" ] || ln -sf "$ACT_BIN/act" "$BND_STATE/bin/act"
  [ ! -x "$HELM_BIN/helm" ] || ln -sf "$HELM_BIN/helm" "$BND_STATE/bin/helm"
  [ ! -x "$COSIGN_BIN/cosign" ] || ln -sf "$COSIGN_BIN/cosign" "$BND_STATE/bin/cosign"
  if [ -n "${DEPLOY_TEST_KUBECONFIG:-}" ]; then
    log "DEPLOY_TEST_KUBECONFIG is set: using that cluster, starting none"
    return
  fi
  local kwokctl stages_hash
  kwokctl=$(kwokctl_bin)
  # The Stages are read when the cluster is created: a changed file means a new cluster.
  stages_hash=$(sha256sum "$here/kwok-stages.yaml" | cut -c1-16)
  if [ -d "$KWOK_WORKDIR/clusters/$CLUSTER_NAME" ] && [ "$(cat "$BND_STATE/kwok-stages.sha" 2>/dev/null)" != "$stages_hash" ]; then
    log "kwok-stages.yaml changed: recreating cluster $CLUSTER_NAME"
    quietly "$kwokctl" delete cluster --name "$CLUSTER_NAME"
  fi
  echo "$stages_hash" >"$BND_STATE/kwok-stages.sha"
  if cluster_ready; then
    log "cluster $CLUSTER_NAME running"
  elif [ -d "$KWOK_WORKDIR/clusters/$CLUSTER_NAME" ]; then
    log "starting stopped cluster $CLUSTER_NAME"
    local f
    for f in "$KWOK_WORKDIR/clusters/$CLUSTER_NAME"/pids/*.pid; do
      [ -e "$f" ] && drop_stale_pidfile "$f" "$(kwok_component_program "$f")"
    done
    quietly "$kwokctl" start cluster --name "$CLUSTER_NAME" --wait 2m
    # kwok manages only the nodes whose Lease it holds, and its identity is new with each start: the Leases of
    # the kwok that was killed would keep its nodes unmanaged (no pod becomes ready) until they expire (200 s).
    local lease
    for lease in $("$KUBE_BIN/kubectl" --kubeconfig "$BND_STATE/kubeconfig" get nodes -l '!bnd.dev/real' -o jsonpath='{.items[*].metadata.name}'); do
      "$KUBE_BIN/kubectl" --kubeconfig "$BND_STATE/kubeconfig" -n kube-node-lease delete lease "$lease" --ignore-not-found >/dev/null
    done
    local i
    for i in $(seq 1 240); do
      [ "$i" = 1 ] || sleep 0.5
      for lease in $("$KUBE_BIN/kubectl" --kubeconfig "$BND_STATE/kubeconfig" get nodes -l '!bnd.dev/real' -o jsonpath='{.items[*].metadata.name}'); do
        "$KUBE_BIN/kubectl" --kubeconfig "$BND_STATE/kubeconfig" -n kube-node-lease get lease "$lease" >/dev/null 2>&1 || continue 2
      done
      break
    done
    log "kwok holds its nodes' leases again"
  else
    log "creating cluster $CLUSTER_NAME (kube $KUBE_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION)"
    KWOK_KUBE_VERSION="$KUBE_VERSION" KWOK_KUBECTL_BINARY="$KUBE_BIN/kubectl" \
      quietly "$kwokctl" create cluster --name "$CLUSTER_NAME" --runtime binary \
      --kube-apiserver-binary "$KUBE_BIN/kube-apiserver" \
      --kube-controller-manager-binary "$KUBE_BIN/kube-controller-manager" \
      --kube-scheduler-binary "$KUBE_BIN/kube-scheduler" \
      --kwok-controller-binary "$KWOK_BIN/kwok" \
      --etcd-binary "$ETCD_BIN/etcd" \
      --config "$here/kwok-stages.yaml" \
      --kubeconfig "$BND_STATE/kubeconfig" \
      --wait 3m
  fi
  "$KUBE_BIN/kubectl" --kubeconfig "$BND_STATE/kubeconfig" config use-context "kwok-$CLUSTER_NAME" >/dev/null
  local have
  have=$("$KUBE_BIN/kubectl" --kubeconfig "$BND_STATE/kubeconfig" get nodes -l '!bnd.dev/real' -o name | wc -l)
  if [ "$have" -lt "$NODE_COUNT" ]; then
    log "scaling to $NODE_COUNT fake nodes"
    quietly "$kwokctl" scale node --name "$CLUSTER_NAME" --replicas "$NODE_COUNT"
  fi
  # The real node (real-node.sh, started after this) may still be listed from before a restart, not ready yet.
  "$KUBE_BIN/kubectl" --kubeconfig "$BND_STATE/kubeconfig" wait --for=condition=Ready node -l '!bnd.dev/real' --timeout=120s >/dev/null
  # Pods need a ServiceAccount; the controller creates "default" a moment after a namespace appears.
  local i
  for i in $(seq 1 100); do
    "$KUBE_BIN/kubectl" --kubeconfig "$BND_STATE/kubeconfig" -n default get serviceaccount default >/dev/null 2>&1 && break
    sleep 0.2
  done
  ensure_storage_class
}

# The SBOM generator's tag, from its source: an edit builds a new image, and env.sh names it whichever up.sh wrote it.
sbom_scanner_tag() { cat "$here/sbom-scanner/main.go" "$here/sbom-scanner/go.mod" | sha256sum | cut -c1-12; }

# The runner's build path: buildx (a CLI plugin) driving a BuildKit of its own, as docker/setup-buildx-action sets
# up. buildkitd runs as root with runc (Debian's, beside dockerd) and the host's network; it pulls base images from
# the local registry (plain HTTP on loopback), where they are pushed below, since it cannot read dockerd's images.
ensure_buildkit() {
  [ -x "$BUILDKIT_BIN/buildkitd" ] && [ -x "$BUILDX_BIN/buildx" ] || return 0
  local dir="$BND_STATE/buildkit" i
  mkdir -p "$dir" "$BND_STATE/buildx" "$BND_STATE/docker-cli-plugins"
  cat >"$dir/buildkitd.toml" <<TOML
root = "$dir/root"
[worker.oci]
  enabled = true
  networkMode = "host"
  gc = true
  gckeepstorage = "4GB"
[worker.containerd]
  enabled = false
[registry."$REGISTRY_ADDR"]
  http = true
TOML
  if pid_alive "$dir/buildkitd.pid" buildkitd; then
    log "buildkitd running"
  else
    log "starting buildkitd $BUILDKIT_VERSION (log: $dir/buildkitd.log)"
    rm -f "$dir/buildkitd.sock"
    PATH="$BUILDKIT_BIN:$PATH" setsid "$BUILDKIT_BIN/buildkitd" --config "$dir/buildkitd.toml" \
      --addr "unix://$dir/buildkitd.sock" >"$dir/buildkitd.log" 2>&1 </dev/null &
    echo $! >"$dir/buildkitd.pid"
    for i in $(seq 1 100); do
      "$BUILDKIT_BIN/buildctl" --addr "unix://$dir/buildkitd.sock" debug workers >/dev/null 2>&1 && break
      [ "$i" = 100 ] && die "buildkitd did not answer within 20 s: see $dir/buildkitd.log"
      sleep 0.2
    done
  fi
  ln -sf "$BUILDX_BIN/buildx" "$BND_STATE/docker-cli-plugins/docker-buildx"
  # A DOCKER_CONFIG of its own, so the plugin exists only for the runs that ask for it (BND_BUILDX_* in env.sh);
  # every other run keeps testing the no-buildx path. buildx keeps its builders in BUILDX_CONFIG.
  # In the state directory (root's alone, which holds the registry password already), so a run that dies midway
  # leaves the login nowhere else; the next run starts it afresh.
  local config="$BND_STATE/buildkit/docker-config"
  rm -rf "$config"
  mkdir -p "$config/cli-plugins" && ln -s "$BUILDX_BIN/buildx" "$config/cli-plugins/docker-buildx"
  if ! DOCKER_CONFIG="$config" BUILDX_CONFIG="$BND_STATE/buildx" "$BUILDX_DOCKER_CLI" buildx inspect bnd-buildkit >/dev/null 2>&1; then
    DOCKER_CONFIG="$config" BUILDX_CONFIG="$BND_STATE/buildx" "$BUILDX_DOCKER_CLI" buildx create --name bnd-buildkit \
      --driver remote "unix://$dir/buildkitd.sock" >/dev/null
  fi
  # The SBOM generator the tests name in `sbom: generator=…` (sbom-scanner/main.go: docker/buildkit-syft-scanner
  # can be neither pulled nor built here), keyed by its source, so an edit builds a new image.
  local scanner_hash scanner_bin scanner_image
  scanner_hash=$(sbom_scanner_tag)
  scanner_bin="$BND_CACHE/sbom-scanner-$scanner_hash"
  scanner_image="bnd-base/sbom-scanner:$scanner_hash"
  if [ ! -x "$scanner_bin/sbom-scanner" ]; then
    log "building the SBOM generator for the tests"
    mkdir -p "$scanner_bin.tmp"
    (cd "$here/sbom-scanner" && CGO_ENABLED=0 GOTOOLCHAIN=local go build -trimpath -ldflags "-s -w" -o "$scanner_bin.tmp/sbom-scanner" .)
    rm -rf "$scanner_bin" && mv "$scanner_bin.tmp" "$scanner_bin"
  fi
  if ! "$DOCKER_CLI" image inspect "$scanner_image" >/dev/null 2>&1; then
    mkdir -p "$scanner_bin/root/tmp" && cp "$scanner_bin/sbom-scanner" "$scanner_bin/root/"
    tar -C "$scanner_bin/root" -c . | "$DOCKER_CLI" import -c 'ENTRYPOINT ["/sbom-scanner"]' - "$scanner_image" >/dev/null
  fi
  # The base images, where buildkitd can pull them; the password goes by stdin into that config.
  local image missing=()
  for image in "$BASE_IMAGE" "$GO_IMAGE" "$scanner_image"; do
    # curl reads the user and password from stdin (-K -), not its command line.
    printf 'user = "%s:%s"\n' "$REGISTRY_USER" "$(cat "$BND_STATE/registry/password")" |
      curl -s -K - --connect-timeout 5 --max-time 30 -o /dev/null -w '%{http_code}' -I \
        -H 'Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' \
        "http://$REGISTRY_ADDR/v2/${image%:*}/manifests/${image##*:}" | grep -qx 200 || missing+=("$image")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    rm -rf "$config"
    return
  fi
  DOCKER_CONFIG="$config" "$DOCKER_CLI" login --username "$REGISTRY_USER" --password-stdin "$REGISTRY_ADDR" \
    <"$BND_STATE/registry/password" >/dev/null
  for image in "${missing[@]}"; do
    log "pushing base image $image to $REGISTRY_ADDR for buildkitd"
    "$DOCKER_CLI" tag "$image" "$REGISTRY_ADDR/$image"
    DOCKER_CONFIG="$config" "$DOCKER_CLI" push "$REGISTRY_ADDR/$image" >/dev/null
    "$DOCKER_CLI" rmi "$REGISTRY_ADDR/$image" >/dev/null
  done
  rm -rf "$config"
}

write_env_file() {
  local kubeconfig="${DEPLOY_TEST_KUBECONFIG:-$BND_STATE/kubeconfig}"
  ln -sf "$DOCKER_CLI" "$BND_STATE/bin/docker"
  umask 077
  cat >"$ENV_FILE.tmp" <<ENV
# Written by scripts/env/up.sh; source it to reach the local environment.
export BND_STATE='$BND_STATE'
export KUBECONFIG='$kubeconfig'
export BND_KUBECTL='$KUBE_BIN/kubectl'
export BND_ACT='$ACT_BIN/act'
export BND_DOCKER='$DOCKER_CLI'
export BND_REGISTRY='$REGISTRY_ADDR'
export BND_REGISTRY_USER='$REGISTRY_USER'
export BND_REGISTRY_PASSWORD='$(cat "$BND_STATE/registry/password")'
export BND_BASE_IMAGE='$BASE_IMAGE'
export BND_GO_IMAGE='$GO_IMAGE'
export BND_HELM='$HELM_BIN/helm'
export BND_PG_BIN='$(pg_bin)'
export BND_FAULT_LABEL='bnd.dev/fault'
export BND_REAL_NODE='$([ -n "${DEPLOY_TEST_KUBECONFIG:-}" ] || echo real-node-0)'
export BND_REAL_NODE_GATEWAY='10.88.0.1'
export PATH='$BND_STATE/bin':"\$PATH"
ENV
  # Also when a later up.sh without --tests rewrites this file (a test runs the demo's set-up): what --tests started
  # is still there.
  if [ -x "$BND_STATE/docker-cli-plugins/docker-buildx" ] && pid_alive "$BND_STATE/buildkit/buildkitd.pid" buildkitd; then
    cat >>"$ENV_FILE.tmp" <<ENV
# buildx and its builder (__tests__/integration/buildx.test.ts): a run with DOCKER_CONFIG holding cli-plugins/docker-buildx
# (linked to BND_BUILDX_PLUGIN), BUILDX_CONFIG and BUILDX_BUILDER as below, and BND_BUILDX_DOCKER first on PATH.
export BND_BUILDX_PLUGIN='$BUILDX_BIN/buildx'
export BND_BUILDX_CONFIG='$BND_STATE/buildx'
export BND_BUILDX_BUILDER='bnd-buildkit'
export BND_BUILDX_DOCKER='$BUILDX_DOCKER_CLI'
export BND_BUILDKIT_ADDR='unix://$BND_STATE/buildkit/buildkitd.sock'
export BND_SBOM_GENERATOR='$REGISTRY_ADDR/bnd-base/sbom-scanner:$(sbom_scanner_tag)'
ENV
  fi
  mv "$ENV_FILE.tmp" "$ENV_FILE"
}

# Once, a restored sandbox had a regular file at /dev/null: every `>/dev/null` then appended to it and programs
# that open it for reading (go test, shells) failed in odd ways far from the cause.
ensure_dev_null() {
  [ -c /dev/null ] && return
  [ "$(id -u)" = 0 ] || die "/dev/null is not a character device; recreate it: rm -f /dev/null && mknod -m 666 /dev/null c 1 3"
  log "/dev/null is not a character device: recreating it"
  rm -f /dev/null && mknod -m 666 /dev/null c 1 3
}

ensure_dev_null
install_debian_packages
ensure_docker
ensure_registry
ensure_base_images
ensure_go_image
ensure_cluster
[ -z "$FOR_TESTS" ] || ensure_buildkit
# One real kubelet beside the kwok nodes, for the tests that need real containers (scripts/env/real-node.sh).
[ -n "${DEPLOY_TEST_KUBECONFIG:-}" ] || bash "$here/real-node.sh" up
write_env_file

sed -e "s/^\(export BND_REGISTRY_PASSWORD=\).*/\1<in $(printf '%s' "$ENV_FILE" | sed 's/[\/&]/\\&/g')>/" "$ENV_FILE"
log "ready in $(($(date +%s) - started)) s; source $ENV_FILE"
