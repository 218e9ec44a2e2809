# Versions of everything the local environment builds; the binary cache is keyed by these.
# kwok v0.8.0 is built against k8s.io/* v0.36, so the control plane is the same minor.
KUBE_VERSION="${KUBE_VERSION:-v1.36.3}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
# nektos/act, to run .github/workflows locally with -P ubuntu-latest=-self-hosted.
ACT_VERSION="${ACT_VERSION:-v0.2.89}"
# helm, to render the example chart and to test the action's helm-chart input.
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
# cosign, to test sign and verify-signature against the local registry.
COSIGN_VERSION="${COSIGN_VERSION:-v2.6.5}"
# buildx and BuildKit, so the tests take the path GitHub's runners take (buildx driving a BuildKit of its own).
BUILDX_VERSION="${BUILDX_VERSION:-v0.38.2}"
BUILDKIT_VERSION="${BUILDKIT_VERSION:-v0.34.2}"
BND_CACHE="${BND_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/build-and-deploy}"
BND_STATE="${BND_STATE:-$BND_CACHE/state}"
KUBE_BIN="$BND_CACHE/kubernetes-$KUBE_VERSION"
NODE_BIN="$BND_CACHE/kubelet-$KUBE_VERSION"
ETCD_BIN="$BND_CACHE/etcd-$ETCD_VERSION"
KWOK_BIN="$BND_CACHE/kwok-$KWOK_VERSION"
ACT_BIN="$BND_CACHE/act-$ACT_VERSION"
HELM_BIN="$BND_CACHE/helm-$HELM_VERSION"
COSIGN_BIN="$BND_CACHE/cosign-$COSIGN_VERSION"
BUILDX_BIN="$BND_CACHE/buildx-$BUILDX_VERSION"
BUILDKIT_BIN="$BND_CACHE/buildkit-$BUILDKIT_VERSION"
