# Sourced by kube.sh, pulumi.sh and every later toolchain: Go programs built from a pinned wrapper module of ours
# (toolchain/<name>: a go.mod and go.sum we commit, sometimes a main of ours) into a cache outside the checkout, keyed
# by the wrapper's files, the Go version and a build revision: a machine that built them once only reuses them.
#
#   gobuild_pinned WRAPPER MODULE
#       The version of MODULE that WRAPPER's go.mod requires: gobuild_pinned toolchain/kube k8s.io/kubernetes -> v1.36.3
#   gobuild_key WRAPPER REVISION [FILE...]
#       16 hex digits from WRAPPER's files, `go env GOVERSION` and REVISION (a number the caller raises when its build
#       steps change, so that machines rebuild). The files: by default every *.go, go.mod and go.sum under WRAPPER, as
#       `sha256sum` lists them in C-sorted path order; given FILEs (relative to WRAPPER), their contents in that order
#       (the form toolchain/kube has always used: changing it would orphan every cache built so far).
#   gobuild_cache
#       The cache: $PODPATTERNS_CACHE, by default ~/.cache/pod-patterns.
#   gobuild_bin_dir NAME KEY
#       Where the programs go: $(gobuild_cache)/NAME-KEY/bin (it may not exist yet).
#   gobuild_require_go WHO
#       Fails, saying how to install it, unless `go` is Go 1.26 or newer. WHO prefixes the message (cluster:, pulumi:).
#   gobuild_ensure WHO WRAPPER BIN HINT STEP [ARG...]
#       Nothing when BIN/.complete exists. Otherwise checks Go, copies WRAPPER to BIN.partial/src (a step may write
#       there, never into the checkout) and runs `STEP BIN.partial/src BIN.partial ARG...` with its output in
#       BIN.partial/build.log. On success BIN.partial/src goes, BIN.partial becomes BIN (the log kept) and BIN/.complete
#       marks it whole; on failure the log's end is shown, then HINT (what to check), and BIN is left as it was.
#   gobuild_go SRC OUT LDFLAGS PACKAGE [FLAG...]
#       `go build -trimpath -gcflags=all=-dwarf=false -ldflags "-s -w LDFLAGS" FLAG...` of PACKAGE in the module at
#       SRC into the file OUT: no cgo, no debug information, the wrapper's go.sum as is (-mod=readonly, no
#       workspace), at a low priority. FLAGs: more of go build's, e.g. -tags minimal.
#
# A new toolchain (toolchain/vault) needs a revision, a step and three lines:
#   VAULT_MODULE=toolchain/vault VAULT_BUILD_REVISION=1
#   _vault_build() { gobuild_go "$1" "$2/vault" "-X github.com/hashicorp/vault/version.Version=..." github.com/hashicorp/vault; }
#   vault_bin_dir() { gobuild_bin_dir vault "$(gobuild_key "$VAULT_MODULE" "$VAULT_BUILD_REVISION")"; }
#   ensure_vault() { gobuild_ensure vault "$VAULT_MODULE" "$(vault_bin_dir)" "is the Go module proxy reachable?" _vault_build; }

GOBUILD_MIN_GO_MINOR=26  # the pinned modules need Go 1.26

gobuild_pinned() {
  awk -v module="$2" '$1 == module && $2 ~ /^v/ { print $2; exit }' "$1/go.mod"
}

gobuild_key() {
  local wrapper=$1 revision=$2
  shift 2
  (
    cd "$wrapper" || exit
    if [ $# -gt 0 ]; then
      cat "$@"
    else
      find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) | LC_ALL=C sort | xargs sha256sum
    fi
    go env GOVERSION
    echo "$revision"
  ) | sha256sum | cut -c1-16
}

gobuild_cache() {
  echo "${PODPATTERNS_CACHE:-$HOME/.cache/pod-patterns}"
}

gobuild_bin_dir() {
  echo "$(gobuild_cache)/$1-$2/bin"
}

gobuild_require_go() {
  local who=$1 version
  if ! command -v go >/dev/null; then
    echo "$who: go is not installed: install Go 1.$GOBUILD_MIN_GO_MINOR or newer (https://go.dev/dl/)" >&2
    return 1
  fi
  version=$(go env GOVERSION 2>/dev/null || echo go1.0)
  version=${version#go1.}
  if [ "${version%%[.a-z]*}" -lt "$GOBUILD_MIN_GO_MINOR" ]; then
    echo "$who: $(command -v go) is $(go version | cut -d' ' -f3), the pinned modules need Go 1.$GOBUILD_MIN_GO_MINOR" \
      "or newer: install it (https://go.dev/dl/) and put it first in PATH" >&2
    return 1
  fi
}

gobuild_ensure() {
  local who=$1 wrapper=$2 bin=$3 hint=$4 step=$5
  shift 5
  [ -f "$bin/.complete" ] && return 0
  gobuild_require_go "$who" || return
  # One build per cache entry at a time: a second checkout (or test run) waits for the first, then reuses it.
  local lock
  mkdir -p "$(dirname "$bin")"
  exec {lock}>"$bin.lock"
  flock "$lock"
  if [ -f "$bin/.complete" ]; then exec {lock}>&-; return 0; fi
  local partial=$bin.partial
  rm -rf "$partial" && mkdir -p "$partial/src"
  cp -R "$wrapper/." "$partial/src/"
  if ! "$step" "$partial/src" "$partial" "$@" >>"$partial/build.log" 2>&1; then
    tail -n 20 "$partial/build.log" >&2
    echo "$who: building from $wrapper failed; the whole log is $partial/build.log. $hint (Go: $(go env GOVERSION))" >&2
    exec {lock}>&-
    return 1
  fi
  rm -rf "$partial/src" "$bin"
  mv "$partial" "$bin"
  touch "$bin/.complete"
  exec {lock}>&-
}

# -dwarf=false: the compiler writes no debug information, which -w drops at the link anyway; it spares a fifth of
# the compile's CPU (measured: docs/performance.md). The programs are the same, so the cache keys stay.
gobuild_go() {
  local src=$1 out=$2 ldflags=$3 package=$4
  shift 4
  (cd "$src" && CGO_ENABLED=0 GOWORK=off GOFLAGS=-mod=readonly nice -n 5 \
    go build -trimpath -gcflags=all=-dwarf=false -ldflags "-s -w $ldflags" "$@" -o "$out" "$package")
}
