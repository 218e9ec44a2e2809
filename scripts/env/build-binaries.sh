#!/usr/bin/env bash
# Builds the local environment's binaries from the Go module proxy (no release binary can be downloaded here)
# into a cache keyed by version. A warm cache builds nothing.
#   build-binaries.sh          what the demo needs: etcd, kwok and kwokctl, kube-apiserver, kube-controller-manager,
#                              kube-scheduler, kubectl, and the real node's kubelet and kube-proxy
#   build-binaries.sh --tests  also act (workflows run locally), helm (the chart tests), cosign (signatures), and
#                              buildx with buildkitd and buildctl (the runner's build path)
# Each build's seconds, split into fetching modules and compiling, are appended to $BND_CACHE/build-times.tsv
# (the bench reports them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.sh
. "$here/versions.sh"

export CGO_ENABLED=0 GOFLAGS=-trimpath GOTOOLCHAIN=local
TIMES=$BND_CACHE/build-times.tsv

log() { printf '[env:build] %s\n' "$*" >&2; }

# record NAME FETCH_START COMPILE_START: one row per build (date, what, fetch s, compile s, cores).
record() {
  local now
  now=$(date +%s)
  [ -f "$TIMES" ] || printf 'date\tbuilt\tfetch_s\tcompile_s\tcores\n' >"$TIMES"
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$(($3 - $2))" "$((now - $3))" "$(nproc)" >>"$TIMES"
  log "built $1 in $((now - $2)) s (fetch $(($3 - $2)) s, compile $((now - $3)) s)"
}

# k8s.io/kubernetes is published without its staging modules; every k8s.io/* staging module it replaces with
# ./staging/src/... is published on its own as v0.<minor>.<patch>, so a wrapper module points the replaces there.
# kwok (built against k8s.io/* v0.36) joins the same module: its Kubernetes libraries are then the control plane's
# versions, and the packages they share (k8s.io/api, client-go, apiserver, ...) compile once, not twice.
# Only the missing binaries are built, in one `go build`, then moved to their version-keyed directories.
build_kube_and_kwok() {
  local want=() b dir
  for b in kube-apiserver kube-controller-manager kube-scheduler kubectl; do [ -x "$KUBE_BIN/$b" ] || want+=("k8s.io/kubernetes/cmd/$b"); done
  for b in kubelet kube-proxy; do [ -x "$NODE_BIN/$b" ] || want+=("k8s.io/kubernetes/cmd/$b"); done
  for b in kwok kwokctl; do [ -x "$KWOK_BIN/$b" ] || want+=("sigs.k8s.io/kwok/cmd/$b"); done
  if [ ${#want[@]} -eq 0 ]; then
    log "Kubernetes $KUBE_VERSION (control plane, kubectl, kubelet, kube-proxy) and kwok $KWOK_VERSION cached"
    return
  fi
  log "building ${want[*]##*/} (Kubernetes $KUBE_VERSION, kwok $KWOK_VERSION; cold: several minutes)"
  local work staging minor patch fetch_start compile_start
  fetch_start=$(date +%s)
  work=$(mktemp -d)
  minor=$(echo "$KUBE_VERSION" | cut -d. -f2)
  patch=$(echo "$KUBE_VERSION" | cut -d. -f3)
  staging="v0.$minor.$patch"
  (
    cd "$work"
    go mod init bnd.local/kubebuild >/dev/null 2>&1
    local gomod
    gomod=$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    {
      echo "require ("
      echo "	k8s.io/kubernetes $KUBE_VERSION"
      echo "	sigs.k8s.io/kwok $KWOK_VERSION"
      echo ")"
      echo "replace ("
      sed -n '/^replace (/,/^)/p' "$gomod" | grep -o 'k8s.io/[a-z0-9-]* =>' |
        awk -v v="$staging" '{print "\t" $1 " => " $1 " " v}'
      echo ")"
    } >>go.mod
    { printf 'package tools\n\nimport (\n'; for b in "${want[@]}"; do printf '\t_ "%s"\n' "$b"; done; printf ')\n'; } >tools.go
    go mod tidy >/dev/null 2>&1 || go mod tidy
    go mod download
  )
  compile_start=$(date +%s)
  (
    cd "$work"
    local commit date ld pkg
    commit=$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"Hash": "\(.*\)".*/\1/p' | head -1)
    date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    ld="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION"
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ld="$ld -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
      ld="$ld -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date -X $pkg.gitCommit=${commit:-unknown}"
    done
    mkdir -p out
    go build -ldflags "$ld" -o out/ "${want[@]}"
  )
  for dir in "$KUBE_BIN" "$NODE_BIN" "$KWOK_BIN"; do mkdir -p "$dir"; done
  for b in "${want[@]##*/}"; do
    case $b in
      kubelet | kube-proxy) dir=$NODE_BIN ;;
      kwok | kwokctl) dir=$KWOK_BIN ;;
      *) dir=$KUBE_BIN ;;
    esac
    mv "$work/out/$b" "$dir/$b.tmp" && mv "$dir/$b.tmp" "$dir/$b"
  done
  rm -rf "$work"
  record "${want[*]##*/}" "$fetch_start" "$compile_start"
}

# `go install go.etcd.io/etcd/server/v3@...` refuses a module with replace directives, so build through a wrapper.
build_etcd() {
  [ -x "$ETCD_BIN/etcd" ] && { log "etcd $ETCD_VERSION cached in $ETCD_BIN"; return; }
  log "building etcd $ETCD_VERSION"
  local work fetch_start compile_start
  fetch_start=$(date +%s)
  work=$(mktemp -d)
  (
    cd "$work"
    go mod init bnd.local/etcdbuild >/dev/null 2>&1
    echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION" >>go.mod
    printf 'package tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >tools.go
    go mod tidy >/dev/null 2>&1 || go mod tidy
    go mod download
  )
  compile_start=$(date +%s)
  (cd "$work" && mkdir -p "$ETCD_BIN.tmp" && go build -ldflags "-s -w" -o "$ETCD_BIN.tmp/etcd" go.etcd.io/etcd/server/v3)
  rm -rf "$ETCD_BIN" && mv "$ETCD_BIN.tmp" "$ETCD_BIN"
  rm -rf "$work"
  record etcd "$fetch_start" "$compile_start"
}

# build_tool NAME DIR PACKAGE VERSION [LDFLAGS]: a tool with a go.mod of its own, built as it is released.
# DIR/.ldflags records the flags it was built with: a binary built with others (an older recipe) is rebuilt. A binary
# cached before the stamp existed counts as built with "-s -w " alone, which is true of act; helm had its version
# flag too, and lacked the Kubernetes version ones, so it is rebuilt.
build_tool() {
  local name=$1 dir=$2 package=$3 version=$4 ld="-s -w ${5:-}" fetch_start compile_start built_with
  built_with=$(cat "$dir/.ldflags" 2>/dev/null || echo "-s -w ")
  if [ -x "$dir/$name" ] && [ "$built_with" = "$ld" ]; then
    log "$name $version cached in $dir"
    return
  fi
  log "building $name $version"
  fetch_start=$(date +%s)
  # -n loads the packages (fetching every module they need) and compiles nothing: the two are timed apart.
  go install -n "$package@$version" >/dev/null 2>&1 || true
  compile_start=$(date +%s)
  mkdir -p "$dir.tmp"
  GOBIN="$dir.tmp" go install -ldflags "$ld" "$package@$version"
  printf '%s\n' "$ld" >"$dir.tmp/.ldflags"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  record "$name" "$fetch_start" "$compile_start"
}

# As helm's Makefile: its version, and the Kubernetes version `helm template` assumes without --kube-version (and
# `helm lint` checks deprecations against), derived from the client-go it is built with: v0.37.x → 1.37. Without
# them helm says v1.20, and a chart with `kubeVersion: ">=1.23.0-0"` does not render. Only the .mod is read.
helm_ldflags() {
  local gomod client_go minor ld pkg
  gomod=$(go list -m -json "helm.sh/helm/v3@$HELM_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  client_go=$(awk '$1 == "k8s.io/client-go" { print $2 }' "$gomod")
  [[ $client_go =~ ^v0\.([0-9]+)\. ]] || { echo "helm $HELM_VERSION: no k8s.io/client-go v0.x in $gomod" >&2; exit 1; }
  minor=${BASH_REMATCH[1]}
  ld="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ld="$ld -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$minor"
  done
  echo "$ld"
}

# BuildKit's go.mod has exclude directives, which `go install pkg@version` refuses: build inside the module itself
# (read-only in the module cache, which is enough for `go build -o` elsewhere), so it builds as released.
build_buildkit() {
  local ld="-s -w -X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION" fetch_start compile_start dir
  if [ -x "$BUILDKIT_BIN/buildkitd" ] && [ -x "$BUILDKIT_BIN/buildctl" ] && [ "$(cat "$BUILDKIT_BIN/.ldflags" 2>/dev/null)" = "$ld" ]; then
    log "buildkitd and buildctl $BUILDKIT_VERSION cached in $BUILDKIT_BIN"
    return
  fi
  log "building buildkitd and buildctl $BUILDKIT_VERSION"
  fetch_start=$(date +%s)
  dir=$(go mod download -json "github.com/moby/buildkit@$BUILDKIT_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [ -n "$dir" ] || { echo "cannot download github.com/moby/buildkit@$BUILDKIT_VERSION" >&2; exit 1; }
  (cd "$dir" && go mod download)
  compile_start=$(date +%s)
  rm -rf "$BUILDKIT_BIN.tmp" && mkdir -p "$BUILDKIT_BIN.tmp"
  (cd "$dir" && go build -ldflags "$ld" -o "$BUILDKIT_BIN.tmp/" ./cmd/buildkitd ./cmd/buildctl)
  printf '%s\n' "$ld" >"$BUILDKIT_BIN.tmp/.ldflags"
  rm -rf "$BUILDKIT_BIN" && mv "$BUILDKIT_BIN.tmp" "$BUILDKIT_BIN"
  record "buildkitd buildctl" "$fetch_start" "$compile_start"
}

command -v go >/dev/null || { echo "Go is required to build the local control plane (https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$BND_CACHE"
build_etcd
build_kube_and_kwok
if [ "${1:-}" = --tests ]; then
  build_tool act "$ACT_BIN" github.com/nektos/act "$ACT_VERSION"
  helm_ld=$(helm_ldflags)
  build_tool helm "$HELM_BIN" helm.sh/helm/v3/cmd/helm "$HELM_VERSION" "$helm_ld"
  build_tool cosign "$COSIGN_BIN" github.com/sigstore/cosign/v2/cmd/cosign "$COSIGN_VERSION"
  build_tool buildx "$BUILDX_BIN" github.com/docker/buildx/cmd/buildx "$BUILDX_VERSION" "-X github.com/docker/buildx/version.Version=$BUILDX_VERSION"
  build_buildkit
fi
