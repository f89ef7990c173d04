# Sourced by cluster.sh and pulumi.sh: where a pinned Go module lies in the module cache.

# module_dir WRAPPER_DIR MODULE: the module's directory, downloaded if needed (`go list -m` would print nothing
# on a machine that has not downloaded it yet) and checked against the go.sum of its wrapper.
module_dir() {
  (cd "$1" && GOWORK=off GOFLAGS=-mod=readonly go mod download -json "$2") | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'
}
