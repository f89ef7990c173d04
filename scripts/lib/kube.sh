# Sourced by cluster.sh: builds the control plane's programs (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, kwok) from the pinned wrapper module toolchain/kube into a cache outside the checkout, keyed
# by its go.mod, go.sum and the Go version (gobuild.sh): a machine that built them once only reuses them.
source "$(dirname "${BASH_SOURCE[0]}")/gobuild.sh"
KUBE_MODULE=toolchain/kube
KUBE_PROGRAMS=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)
# Part of the cache key: raise it when the build's flags below change, so that machines rebuild.
KUBE_BUILD_REVISION=1

# The pinned version of a module required by the wrapper, e.g. kube_pinned k8s.io/kubernetes -> v1.36.3.
kube_pinned() {
  gobuild_pinned "$KUBE_MODULE" "$1"
}

# The directory of the built programs for the pinned versions (it may not exist yet). The key reads go.mod and go.sum
# by their contents, as it always has, so that the programs built so far stay valid.
kube_bin_dir() {
  gobuild_bin_dir kube "$(gobuild_key "$KUBE_MODULE" "$KUBE_BUILD_REVISION" go.mod go.sum)"
}

# Kubernetes' version linked in as its own build does (the API server and the kubelet report it).
kube_version_ldflags() {
  local version minor package ldflags=""
  version=$(kube_pinned k8s.io/kubernetes)
  minor=${version#v1.}
  minor=${minor%%.*}
  for package in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $package.gitVersion=$version -X $package.gitMajor=1 -X $package.gitMinor=$minor"
    ldflags+=" -X $package.gitTreeState=clean"
  done
  echo "$ldflags"
}

# gobuild_ensure's step: every program of KUBE_PROGRAMS.
_kube_build() {
  local src=$1 out=$2 ldflags program package
  ldflags=$(kube_version_ldflags)
  for program in "${KUBE_PROGRAMS[@]}"; do
    case $program in
      etcd) package=go.etcd.io/etcd/server/v3 ;;
      kwok) package=sigs.k8s.io/kwok/cmd/kwok ;;
      *) package=k8s.io/kubernetes/cmd/$program ;;
    esac
    echo "building $program ($package)"
    gobuild_go "$src" "$out/$program" "$ldflags" "$package" || return
  done
}

# Builds the programs unless the cache has them; prints nothing on a warm machine. Stops naming what failed.
ensure_kube_binaries() {
  local bin hint
  gobuild_require_go cluster || return
  bin=$(kube_bin_dir)
  [ -f "$bin/.complete" ] && return 0
  echo "cluster: building etcd $(kube_pinned go.etcd.io/etcd/server/v3), Kubernetes $(kube_pinned k8s.io/kubernetes)" \
    "and kwok $(kube_pinned sigs.k8s.io/kwok) into $bin (once per machine: 30 min on two busy cores)" >&2
  hint="Check that the Go module proxy is reachable; after changing a version in $KUBE_MODULE/pin, run it again"
  gobuild_ensure cluster "$KUBE_MODULE" "$bin" "$hint to regenerate go.mod and go.sum" _kube_build
}
