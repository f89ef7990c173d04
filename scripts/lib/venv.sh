# Sourced by the scripts: virtual environments that reinstall when what they install changes.

# The stamp file in venv $1 saying that $2 (a name) was installed from the files $3..., as they are now.
_stamp() {
  local venv=$1 what=$2
  shift 2
  echo "$venv/.installed-$what-$(cat "$@" | sha256sum | cut -c1-16)"
}

# $1: the stamp (see _stamp), then pip install arguments. Installs unless the stamp is there.
_ensure_venv_for() {
  local stamp=$1 venv
  shift
  venv=$(dirname "$stamp")
  if [ ! -f "$stamp" ]; then
    echo "Installing into $venv: pip install $*" >&2
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
    rm -f "${stamp%-*}"-* && touch "$stamp"
  fi
}

# .venv for the program alone (scripts/render): requirements.txt, as Pulumi's pip toolchain installs it. Without
# byte-compiling every module at install time (most of pulumi_kubernetes is never imported by a render).
ensure_runtime_venv() {
  [ -f "$(_stamp .venv test requirements.txt pyproject.toml)" ] && return 0  # the test tools' install includes it
  _ensure_venv_for "$(_stamp .venv runtime requirements.txt pyproject.toml)" --no-compile --requirement requirements.txt
}

# .venv for the test command: the program's requirements and the test tools (pyproject.toml's test extra).
ensure_venv() {
  _ensure_venv_for "$(_stamp .venv test requirements.txt pyproject.toml)" \
    --requirement requirements.txt --editable ".[test]"
}

# .venv-tools: scanners whose pinned dependencies clash with the project's (scripts/tools-requirements.txt).
ensure_tools_venv() {
  _ensure_venv_for "$(_stamp .venv-tools tools scripts/tools-requirements.txt)" \
    --requirement scripts/tools-requirements.txt
}
