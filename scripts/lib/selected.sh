# Sourced by cluster.sh and pulumi.sh: which tests the arguments of scripts/test select.

# Whether pytest's arguments ($2...) select tests under the paths in $1 (separated by spaces): no path (the whole
# suite), or a path that is one of them, inside one or contains one.
tests_wanted() {
  local paths=$1 arg path wanted any_path=false
  shift
  for arg in "$@"; do
    path=${arg%%::*}
    path=${path%/}
    [ -e "$path" ] || continue
    any_path=true
    for wanted in $paths; do
      case "$wanted/" in "$path"/*) return 0 ;; esac
      case "$path/" in "$wanted"/*) return 0 ;; esac
    done
  done
  ! $any_path
}
