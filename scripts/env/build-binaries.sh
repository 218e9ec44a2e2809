#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kubelet, kube-proxy, etcd, kwok, kwokctl, act and helm from the
# Go module proxy (no release binary can be downloaded here) into a cache keyed by version.
# A warm cache builds nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.sh
. "$here/versions.sh"

export CGO_ENABLED=0 GOFLAGS=-trimpath GOTOOLCHAIN=local

log() { printf '[env:build] %s\n' "$*" >&2; }

# k8s.io/kubernetes is published without its staging modules; every k8s.io/* staging module it replaces with
# ./staging/src/... is published on its own as v0.<minor>.<patch>, so a wrapper module points the replaces there.
# build_kube_commands DIR CMD...: builds k8s.io/kubernetes/cmd/CMD for each CMD into DIR, unless all are there.
build_kube_commands() {
  local dest=$1 b missing=0
  shift
  for b in "$@"; do [ -x "$dest/$b" ] || missing=1; done
  [ "$missing" = 0 ] && { log "$* $KUBE_VERSION cached in $dest"; return; }
  log "building $* $KUBE_VERSION (cold: several minutes)"
  local work staging minor patch
  work=$(mktemp -d)
  minor=$(echo "$KUBE_VERSION" | cut -d. -f2)
  patch=$(echo "$KUBE_VERSION" | cut -d. -f3)
  staging="v0.$minor.$patch"
  (
    cd "$work"
    go mod init bnd.local/kubebuild >/dev/null 2>&1
    go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" >/dev/null
    local gomod
    gomod=$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    {
      echo "require k8s.io/kubernetes $KUBE_VERSION"
      echo "replace ("
      sed -n '/^replace (/,/^)/p' "$gomod" | grep -o 'k8s.io/[a-z0-9-]* =>' |
        awk -v v="$staging" '{print "\t" $1 " => " $1 " " v}'
      echo ")"
    } >>go.mod
    { printf 'package tools\n\nimport (\n'; for b in "$@"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$b"; done; printf ')\n'; } >tools.go
    go mod tidy >/dev/null 2>&1 || go mod tidy
    local commit date ld packages=()
    commit=$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"Hash": "\(.*\)".*/\1/p' | head -1)
    date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    ld="-s -w"
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ld="$ld -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
      ld="$ld -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date -X $pkg.gitCommit=${commit:-unknown}"
    done
    for b in "$@"; do packages+=("k8s.io/kubernetes/cmd/$b"); done
    mkdir -p "$dest.tmp"
    go build -ldflags "$ld" -o "$dest.tmp/" "${packages[@]}"
  )
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
  rm -rf "$work"
}

# `go install go.etcd.io/etcd/server/v3@...` refuses a module with replace directives, so build through a wrapper.
build_etcd() {
  [ -x "$ETCD_BIN/etcd" ] && { log "etcd $ETCD_VERSION cached in $ETCD_BIN"; return; }
  log "building etcd $ETCD_VERSION"
  local work
  work=$(mktemp -d)
  (
    cd "$work"
    go mod init bnd.local/etcdbuild >/dev/null 2>&1
    echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION" >>go.mod
    printf 'package tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >tools.go
    go mod tidy >/dev/null 2>&1 || go mod tidy
    mkdir -p "$ETCD_BIN.tmp"
    go build -ldflags "-s -w" -o "$ETCD_BIN.tmp/etcd" go.etcd.io/etcd/server/v3
  )
  rm -rf "$ETCD_BIN" && mv "$ETCD_BIN.tmp" "$ETCD_BIN"
  rm -rf "$work"
}

build_kwok() {
  [ -x "$KWOK_BIN/kwok" ] && [ -x "$KWOK_BIN/kwokctl" ] && { log "kwok $KWOK_VERSION cached in $KWOK_BIN"; return; }
  log "building kwok $KWOK_VERSION"
  mkdir -p "$KWOK_BIN.tmp"
  GOBIN="$KWOK_BIN.tmp" go install -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" \
    "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" "sigs.k8s.io/kwok/cmd/kwokctl@$KWOK_VERSION"
  rm -rf "$KWOK_BIN" && mv "$KWOK_BIN.tmp" "$KWOK_BIN"
}

build_act() {
  [ -x "$ACT_BIN/act" ] && { log "act $ACT_VERSION cached in $ACT_BIN"; return; }
  log "building act $ACT_VERSION"
  mkdir -p "$ACT_BIN.tmp"
  GOBIN="$ACT_BIN.tmp" go install -ldflags "-s -w" "github.com/nektos/act@$ACT_VERSION"
  rm -rf "$ACT_BIN" && mv "$ACT_BIN.tmp" "$ACT_BIN"
}

build_helm() {
  [ -x "$HELM_BIN/helm" ] && { log "helm $HELM_VERSION cached in $HELM_BIN"; return; }
  log "building helm $HELM_VERSION"
  mkdir -p "$HELM_BIN.tmp"
  GOBIN="$HELM_BIN.tmp" go install -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  rm -rf "$HELM_BIN" && mv "$HELM_BIN.tmp" "$HELM_BIN"
}

command -v go >/dev/null || { echo "Go is required to build the local control plane (https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$BND_CACHE"
build_etcd
build_kwok
build_kube_commands "$KUBE_BIN" kube-apiserver kube-controller-manager kube-scheduler kubectl
# The real node's kubelet and kube-proxy (scripts/env/real-node.sh), cached apart so the control plane's stay valid.
build_kube_commands "$NODE_BIN" kubelet kube-proxy
build_act
build_helm
