# Sourced by scripts/vault and scripts/test: builds HashiCorp Vault (server and agent are one program, `vault`) from
# the pinned wrapper module toolchain/vault into a cache outside the checkout, keyed by its go.mod, go.sum and the
# Go version: a machine that built it once only reuses it.
VAULT_MODULE=toolchain/vault
# Part of the cache key: raise it when the build's flags below change, so that machines rebuild.
VAULT_BUILD_REVISION=1

# The directory of the built program for the pinned version (it may not exist yet).
vault_bin_dir() {
  local key
  key=$( (cat "$VAULT_MODULE/go.mod" "$VAULT_MODULE/go.sum"; go env GOVERSION; echo "$VAULT_BUILD_REVISION") |
    sha256sum | cut -c1-16)
  echo "${PODPATTERNS_CACHE:-$HOME/.cache/pod-patterns}/vault-$key/bin"
}

# Builds `vault` unless the cache has it; prints nothing on a warm machine. Stops naming what failed.
ensure_vault_binary() {
  local bin log version
  command -v go >/dev/null || { echo "vault: go is not installed: install Go 1.26 (https://go.dev/dl/)" >&2; return 1; }
  bin=$(vault_bin_dir)
  [ -f "$bin/.complete" ] && return 0
  version=$(awk '$1 == "github.com/hashicorp/vault" && $2 ~ /^v/ { print $2; exit }' "$VAULT_MODULE/go.mod")
  echo "vault: building Vault $version into $bin (once per machine: about 20 min on two busy cores)" >&2
  rm -rf "$bin.partial"
  mkdir -p "$bin.partial"
  log="$bin.partial/build.log"
  # Static (no cgo): the harness runs it in container roots that need not hold the host's libc.
  if ! (cd "$VAULT_MODULE" && CGO_ENABLED=0 GOWORK=off GOFLAGS=-mod=readonly nice -n 5 \
    go build -trimpath -ldflags "-s -w" -o "$bin.partial/vault" github.com/hashicorp/vault) >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "vault: building Vault $version failed; the whole log is $log. Check that the Go module proxy is" \
      "reachable and Go is 1.26 ($(go env GOVERSION)); after changing the version in $VAULT_MODULE/pin, run it" \
      "again to regenerate go.mod and go.sum" >&2
    return 1
  fi
  rm -rf "$bin" "$log"
  mv "$bin.partial" "$bin"
  touch "$bin/.complete"
}
