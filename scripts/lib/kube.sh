# Sourced by scripts/cluster: builds the control plane's programs (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, kwok) from the pinned wrapper module toolchain/kube, into a cache outside the checkout
# keyed by its go.mod, go.sum and the Go version: a machine that built them once only reuses them.
KUBE_MODULE=toolchain/kube
KUBE_PROGRAMS=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)
# Part of the cache key: raise it when the build's flags below change, so that machines rebuild.
KUBE_BUILD_REVISION=1

# The pinned version of a module required by the wrapper, e.g. kube_pinned k8s.io/kubernetes -> v1.36.3.
kube_pinned() {
  awk -v module="$1" '$1 == module && $2 ~ /^v/ { print $2; exit }' "$KUBE_MODULE/go.mod"
}

# The directory of the built programs for the pinned versions (it may not exist yet).
kube_bin_dir() {
  local key
  key=$( (cat "$KUBE_MODULE/go.mod" "$KUBE_MODULE/go.sum"; go env GOVERSION; echo "$KUBE_BUILD_REVISION") |
    sha256sum | cut -c1-16)
  echo "${PODPATTERNS_CACHE:-$HOME/.cache/pod-patterns}/kube-$key/bin"
}

# Builds the programs unless the cache has them; prints nothing on a warm machine. Stops naming what failed.
ensure_kube_binaries() {
  local bin version minor ldflags log
  command -v go >/dev/null || { echo "cluster: go is not installed: install Go 1.26 (https://go.dev/dl/)" >&2; return 1; }
  bin=$(kube_bin_dir)
  [ -f "$bin/.complete" ] && return 0
  local go_version
  go_version=$(go env GOVERSION 2>/dev/null || echo go1.0)
  go_version=${go_version#go1.}
  if [ "${go_version%%[.a-z]*}" -lt 26 ]; then
    echo "cluster: $(command -v go) is $(go version | cut -d' ' -f3), the pinned modules need Go 1.26 or newer:" \
      "install it (https://go.dev/dl/) and put it first in PATH" >&2
    return 1
  fi
  version=$(kube_pinned k8s.io/kubernetes)
  minor=${version#v1.}
  minor=${minor%%.*}
  ldflags="-s -w"
  for package in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $package.gitVersion=$version -X $package.gitMajor=1 -X $package.gitMinor=$minor"
    ldflags+=" -X $package.gitTreeState=clean"
  done
  echo "cluster: building etcd $(kube_pinned go.etcd.io/etcd/server/v3), Kubernetes $version and kwok" \
    "$(kube_pinned sigs.k8s.io/kwok) into $bin (once per machine: 30 min on two busy cores)" >&2
  mkdir -p "$bin.partial"
  log="$bin.partial/build.log"
  for program in "${KUBE_PROGRAMS[@]}"; do
    local package
    case $program in
      etcd) package=go.etcd.io/etcd/server/v3 ;;
      kwok) package=sigs.k8s.io/kwok/cmd/kwok ;;
      *) package=k8s.io/kubernetes/cmd/$program ;;
    esac
    if ! (cd "$KUBE_MODULE" && CGO_ENABLED=0 GOWORK=off GOFLAGS=-mod=readonly nice -n 5 \
      go build -trimpath -ldflags "$ldflags" -o "$bin.partial/$program" "$package") >>"$log" 2>&1; then
      tail -n 20 "$log" >&2
      echo "cluster: building $program ($package) failed; the whole log is $log." \
        "Check that the Go module proxy is reachable and Go is 1.26 ($(go env GOVERSION));" \
        "after changing a version in $KUBE_MODULE/pin, run it again to regenerate go.mod and go.sum" >&2
      return 1
    fi
  done
  rm -rf "$bin" "$log"
  mv "$bin.partial" "$bin"
  touch "$bin/.complete"
}
