# Raises node-level sysctls to at least the wanted values, never lowering one. Arguments: name=value ...
# SYSCTL_ROOT (default /proc/sys) is where the kernel exposes them; tests point it at a stand-in directory.
root="${SYSCTL_ROOT:-/proc/sys}"
for pair in "$@"; do
  name="${pair%%=*}"
  wanted="${pair#*=}"
  file="$root/$(echo "$name" | tr . /)"
  if ! current=$(cat "$file" 2>/dev/null); then
    echo "sysctl-init: cannot read $name at $file: is it a sysctl of this kernel?" >&2
    exit 1
  fi
  case "$current" in
    '' | *[!0-9]*)
      echo "sysctl-init: $name at $file holds '$current', not a whole number: refusing to change it" >&2
      exit 1
      ;;
  esac
  if [ "$current" -ge "$wanted" ]; then
    echo "sysctl-init: $name is $current, at least $wanted: unchanged"
    continue
  fi
  if ! echo "$wanted" 2>/dev/null >"$file" || [ "$(cat "$file")" != "$wanted" ]; then
    echo "sysctl-init: cannot raise $name from $current to $wanted at $file: the container must be" \
      "privileged (or prepare the node yourself and use sysctl mode node)" >&2
    exit 1
  fi
  echo "sysctl-init: $name raised from $current to $wanted"
done
