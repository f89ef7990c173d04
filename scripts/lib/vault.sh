# Sourced by scripts/vault and scripts/test: builds HashiCorp Vault (server and agent are one program, `vault`) from
# the pinned wrapper module toolchain/vault with scripts/lib/gobuild.sh, into a cache outside the checkout keyed by
# its go.mod, go.sum and the Go version: a machine that built it once only reuses it.
#
# Vault's own `minimal` build (its tag: in-memory and raft storage, the KV, PKI, SSH and transit engines, the token,
# AppRole, cert, JWT/OIDC and userpass auth methods, and the whole agent) is half the source of the full one, whose
# cloud storage backends and database plugins no test uses. The one method the tests need beyond it, Kubernetes
# auth, is the same module built as Vault's external plugin (vault-plugin-auth-kubernetes), which the test server
# registers under the built-in name, so `vault auth enable kubernetes` reads as the README says (vault-server.sh).
source "$(dirname "${BASH_SOURCE[0]}")/gobuild.sh"
source "$(dirname "${BASH_SOURCE[0]}")/background.sh"
VAULT_MODULE=toolchain/vault
# Part of the cache key: raise it when the build's flags below change, so that machines rebuild.
VAULT_BUILD_REVISION=2

_vault_build() {
  gobuild_go "$1" "$2/vault" "" github.com/hashicorp/vault -tags minimal || return
  gobuild_go "$1" "$2/vault-plugin-auth-kubernetes" "" \
    github.com/hashicorp/vault-plugin-auth-kubernetes/cmd/vault-plugin-auth-kubernetes
}

# The directory of the built program for the pinned version (it may not exist yet).
vault_bin_dir() {
  gobuild_bin_dir vault "$(gobuild_key "$VAULT_MODULE" "$VAULT_BUILD_REVISION" go.mod go.sum)"
}

# Builds `vault` unless the cache has it; prints nothing on a warm machine. Stops naming what failed.
ensure_vault_binary() {
  local bin
  bin=$(vault_bin_dir)
  [ -f "$bin/.complete" ] && return 0
  echo "vault: building Vault $(gobuild_pinned "$VAULT_MODULE" github.com/hashicorp/vault) into $bin (once per" \
    "machine: about 9 min on two busy cores, docs/performance.md)" >&2
  gobuild_ensure vault "$VAULT_MODULE" "$bin" \
    "Is the Go module proxy reachable? After changing a version in $VAULT_MODULE/pin, run it again" _vault_build
}

# For scripts/test, first thing: when the selected tests need Vault (tests/vault, and tests/nodes for its image) and
# the cache lacks it, builds it in the background, in a process group of its own, so that it overlaps the Pulumi
# builds: a Go build leaves a part of two cores idle (its links, its downloads). Whoever needs the program next waits
# on the build's lock (gobuild_ensure), and a failed build is run again there, reporting. Stopped on exit.
vault_build_in_background() {
  tests_wanted "tests/vault tests/nodes" "$@" || return 0
  command -v go >/dev/null && [ ! -f "$(vault_bin_dir)/.complete" ] || return 0
  in_background "$(vault_bin_dir).background.log" ensure_vault_binary
}
