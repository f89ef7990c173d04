# Sourced by the scripts: makes .venv hold the project and its test tools, reinstalling when pyproject.toml changes.
ensure_venv() {
  local stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --editable ".[test]"
    rm -f .venv/.installed-* && touch "$stamp"
  fi
}
