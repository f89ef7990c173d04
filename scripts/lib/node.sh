# Sourced by scripts/test: the Node.js packages tests run (tests/lib/mermaid: Mermaid's own parser for the pod diagrams;
# tests/lib/sdks/typescript: Pulumi's Node.js SDK and tsc, which the generated TypeScript SDK is compiled with),
# installed with npm ci from each lock file; again only when a lock file changes.
ensure_node_modules() {
  local dir stamp
  for dir in tests/lib/mermaid tests/lib/sdks/typescript; do
    stamp="$dir/node_modules/.installed-$(sha256sum "$dir/package-lock.json" | cut -c1-16)"
    [ -f "$stamp" ] && continue
    if ! command -v npm >/dev/null; then
      echo "npm missing: the tests using $dir will skip (they fail under CI)" >&2
      return 0
    fi
    npm ci --prefix "$dir" --silent --no-audit --no-fund >&2
    touch "$stamp"
  done
}
