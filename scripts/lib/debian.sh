# Sourced by scripts/test and bench/run: installs the Debian packages of a list (default: scripts/debian-packages.txt,
# what the behaviour tests run). As root it installs what is missing; otherwise it says what is missing.
ensure_debian_packages() {
  local list=${1:-scripts/debian-packages.txt} wanted missing=()
  wanted=$(grep -v '^#' "$list" | xargs || true)  # grep exits 1 on an empty list
  [ -n "$wanted" ] || return 0
  for package in $wanted; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Debian packages missing ($list; tests needing them will skip): ${missing[*]}" >&2
    return 0
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
