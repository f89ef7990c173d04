# Sourced by scripts/test: the Node.js packages a test runs (tests/mermaid: Mermaid's own parser for the
# pod diagrams), installed with npm ci from the lock file; again only when the lock file changes.
ensure_node_modules() {
  local dir=tests/mermaid stamp
  stamp="$dir/node_modules/.installed-$(sha256sum "$dir/package-lock.json" | cut -c1-16)"
  [ -f "$stamp" ] && return 0
  if ! command -v npm >/dev/null; then
    echo "npm missing: the Mermaid syntax test will skip (it fails under CI)" >&2
    return 0
  fi
  npm ci --prefix "$dir" --silent --no-audit --no-fund >&2
  touch "$stamp"
}
