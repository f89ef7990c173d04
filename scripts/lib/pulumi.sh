# Sourced by scripts/pulumi and scripts/test: the real Pulumi engine, built from the pinned wrapper modules under
# toolchain/pulumi (the CLI, our language hosts, the kubernetes provider, the tls provider) into a cache
# outside the checkout, one directory per module keyed by its files and the Go version (gobuild.sh), and a PULUMI_HOME
# there with the two providers installed as plugins. A machine that built them once only reuses them.
source "$(dirname "${BASH_SOURCE[0]}")/gobuild.sh"
source "$(dirname "${BASH_SOURCE[0]}")/gomod.sh"
source "$(dirname "${BASH_SOURCE[0]}")/selected.sh"
PULUMI_TOOLCHAIN=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../toolchain/pulumi" && pwd)
# Part of every cache key: raise it when the build steps below change, so that machines rebuild.
PULUMI_BUILD_REVISION=1
PULUMI_MODULES=(cli tls kubernetes yaml languages)  # in build order: the CLI first, then what the quickest tests need
# The provider releases the binaries stand for; the SDKs pinned in requirements.txt match them (tests check it).
PULUMI_KUBERNETES_VERSION=4.25.0
PULUMI_TLS_VERSION=5.3.0

# The pinned version of a module required by a wrapper: pulumi_pinned cli github.com/pulumi/pulumi/pkg/v3
pulumi_pinned() {
  gobuild_pinned "$PULUMI_TOOLCHAIN/$1" "$2"
}

# The key of a wrapper module: its files (go.mod, go.sum, our Go sources), the Go version and the build revision.
_pulumi_key() {
  gobuild_key "$PULUMI_TOOLCHAIN/$1" "$PULUMI_BUILD_REVISION"
}

# The directory of a module's built programs (it may not exist yet).
pulumi_bin_dir() {
  gobuild_bin_dir "pulumi-$1" "$(_pulumi_key "$1")"
}

# PULUMI_HOME with the providers and the YAML host installed as plugins: keyed by every module.
pulumi_home_dir() {
  local key
  key=$(for module in "${PULUMI_MODULES[@]}"; do _pulumi_key "$module"; done | sha256sum | cut -c1-16)
  echo "$(gobuild_cache)/pulumi-home-$key"
}

# The directory of a module in the module cache, downloading it if needed: _pulumi_module_dir WRAPPER MODULE
_pulumi_module_dir() {
  local dir
  dir=$(module_dir "$PULUMI_TOOLCHAIN/$1" "$2")
  [ -n "$dir" ] || { echo "pulumi: cannot download $2 (toolchain/pulumi/$1): is the Go module proxy reachable?" >&2; return 1; }
  echo "$dir"
}

# The CLI (version linked in: the Automation API parses `pulumi version`).
_pulumi_build_cli() {
  local ldflags
  ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(pulumi_pinned cli github.com/pulumi/pulumi/pkg/v3)"
  gobuild_go "$1" "$2/pulumi" "$ldflags" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

# The kubernetes provider: our main embeds the schema and terraform mapping copied from the provider module.
_pulumi_build_kubernetes() {
  local src=$1 out=$2 dir
  dir=$(_pulumi_module_dir kubernetes github.com/pulumi/pulumi-kubernetes/provider/v4) || return
  install -m 0644 "$dir/cmd/pulumi-resource-kubernetes/schema.json" \
    "$dir/cmd/pulumi-resource-kubernetes/terraform-mapping.json" "$src/"
  gobuild_go "$src" "$out/pulumi-resource-kubernetes" \
    "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$PULUMI_KUBERNETES_VERSION" .
}

# The tls provider: tfgen writes the schema and bridge metadata from our mapping, then the provider embeds them.
_pulumi_build_tls() {
  local src=$1 out=$2 ldflags="-X podpatterns.local/toolchain/pulumi/tls/info.Version=$PULUMI_TLS_VERSION"
  gobuild_go "$src" "$src/pulumi-tfgen-tls" "$ldflags" ./cmd/pulumi-tfgen-tls || return
  # No docs nor examples in the schema: converting them needs the upstream repository and a converter plugin.
  (cd "$src" && ./pulumi-tfgen-tls schema --skip-docs --skip-examples --out cmd/pulumi-resource-tls) || return
  gobuild_go "$src" "$out/pulumi-resource-tls" "$ldflags" ./cmd/pulumi-resource-tls
}

# The YAML language host, installed as a plugin (it needs an older pulumi/pkg/v3 than the CLI's).
_pulumi_build_yaml() {
  gobuild_go "$1" "$2/pulumi-language-yaml" \
    "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$(pulumi_pinned yaml github.com/pulumi/pulumi-yaml)" \
    github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
}

# Our language hosts for Python, Node.js and Go (upstream's are not served by the module proxy), with Pulumi's
# pulumi-language-python-exec beside them (from the SDK module, as upstream ships it).
_pulumi_build_languages() {
  local src=$1 out=$2 ldflags language sdk
  ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(pulumi_pinned languages github.com/pulumi/pulumi/pkg/v3)"
  for language in python nodejs go; do
    gobuild_go "$src" "$out/pulumi-language-$language" "$ldflags" "./cmd/pulumi-language-$language" || return
  done
  sdk=$(_pulumi_module_dir languages github.com/pulumi/pulumi/sdk/v3) || return
  install -m 0755 "$sdk/python/cmd/pulumi-language-python-exec" "$out/"
}

# Builds one wrapper module's programs unless the cache has them. Prints nothing on a warm machine.
_pulumi_ensure_module() {
  local module=$1 bin
  bin=$(pulumi_bin_dir "$module")
  [ -f "$bin/.complete" ] && return 0
  echo "pulumi: building $module from $PULUMI_TOOLCHAIN/$module into $bin (once per machine)" >&2
  gobuild_ensure pulumi "$PULUMI_TOOLCHAIN/$module" "$bin" "Check that the Go module proxy is reachable" \
    "_pulumi_build_$module"
}

# Builds what is missing and installs the providers into PULUMI_HOME. Prints nothing on a warm machine.
ensure_pulumi() {
  gobuild_require_go pulumi || return
  local module home
  for module in "${PULUMI_MODULES[@]}"; do
    _pulumi_ensure_module "$module" || return
  done
  home=$(pulumi_home_dir)
  [ -f "$home/.complete" ] && return 0
  rm -rf "$home" && mkdir -p "$home"
  PULUMI_HOME=$home "$(pulumi_bin_dir cli)/pulumi" plugin install resource kubernetes "$PULUMI_KUBERNETES_VERSION" \
    --file "$(pulumi_bin_dir kubernetes)/pulumi-resource-kubernetes" >&2 || return
  PULUMI_HOME=$home "$(pulumi_bin_dir cli)/pulumi" plugin install resource tls "$PULUMI_TLS_VERSION" \
    --file "$(pulumi_bin_dir tls)/pulumi-resource-tls" >&2 || return
  # The CLI refuses to install the language hosts it bundles (YAML, Node.js, Go) and looks for them next to itself:
  # one directory of hard links to the CLI and every host.
  mkdir -p "$home/bin"
  ln -f "$(pulumi_bin_dir cli)"/pulumi* "$(pulumi_bin_dir yaml)"/pulumi-language-yaml \
    "$(pulumi_bin_dir languages)"/pulumi-language-* "$home/bin/" || return
  touch "$home/.complete"
}

# The directory of the CLI and its language hosts (see ensure_pulumi).
pulumi_tools_dir() {
  echo "$(pulumi_home_dir)/bin"
}

# The environment of the real CLI: PATH (the CLI and the language host), PULUMI_HOME, no update check and no plugin
# downloads. The caller's backend, passphrase and kubeconfig are kept.
pulumi_env() {
  PATH="$(pulumi_tools_dir):$PATH"
  PULUMI_HOME=$(pulumi_home_dir)
  export PATH PULUMI_HOME
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
}

# For scripts/test: builds the engine when the selected tests use it (tests_wanted: selected.sh). Without
# Go those tests skip, except under CI=true, where a failed build stops the run.
pulumi_for_tests() {
  tests_wanted tests/engine "$@" || return 0
  if ! command -v go >/dev/null && [ "${CI:-}" != true ]; then
    echo "pulumi: Go is not installed: the tests of tests/engine will skip" >&2
    return 0
  fi
  ensure_pulumi
}
