# Sourced by scripts/test: installs the Debian packages the behaviour tests run (scripts/debian-packages.txt).
# As root it installs what is missing; otherwise it says what is missing and the tests needing it skip.
ensure_debian_packages() {
  local wanted missing=()
  wanted=$(grep -v '^#' scripts/debian-packages.txt | xargs || true)  # grep exits 1 on an empty list
  [ -n "$wanted" ] || return 0
  for package in $wanted; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Debian packages missing (behaviour tests needing them will skip): ${missing[*]}" >&2
    return 0
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
