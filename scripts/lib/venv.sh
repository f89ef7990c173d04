# Sourced by the scripts: virtual environments that reinstall when what they install changes.

# $1: the venv directory, $2: the file whose hash decides when to reinstall, then pip install arguments.
_ensure_venv_for() {
  local venv=$1 spec=$2
  shift 2
  local stamp="$venv/.installed-$(sha256sum "$spec" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
    rm -f "$venv"/.installed-* && touch "$stamp"
  fi
}

# .venv: the project and its test tools (pyproject.toml's test extra).
ensure_venv() {
  _ensure_venv_for .venv pyproject.toml --editable ".[test]"
}

# .venv-tools: scanners whose pinned dependencies clash with the project's (scripts/tools-requirements.txt).
ensure_tools_venv() {
  _ensure_venv_for .venv-tools scripts/tools-requirements.txt --requirement scripts/tools-requirements.txt
}
