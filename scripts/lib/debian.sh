# Sourced by scripts/test and bench/run: installs the Debian packages of a list (default: scripts/debian-packages.txt,
# what the tests start). A line is a package, optionally followed by the releases (VERSION_CODENAME) it is for.
# As root it installs what is missing; otherwise it says what is missing.

# The packages of list $1 for Debian release $2 (a VERSION_CODENAME; default: this machine's), one a line.
debian_packages_for_release() {
  local release=${2:-} package releases
  [ -n "$release" ] || release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  while read -r package releases; do
    case $package in '' | '#'*) continue ;; esac
    if [ -z "$releases" ] || [[ " $releases " == *" $release "* ]]; then echo "$package"; fi
  done <"$1"
}

ensure_debian_packages() {
  local list=${1:-scripts/debian-packages.txt} package missing=()
  for package in $(debian_packages_for_release "$list"); do
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
