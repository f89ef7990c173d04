# Sourced by scripts/test (through vault.sh and node_images.sh): a slow preparation overlapping the others.

# in_background LOG COMMAND [ARG...]: runs COMMAND in a process group of its own (the go command's compilers, apt and
# Maven stop with it), its output in LOG, and stops that group when the calling shell exits. Whoever needs the result
# next calls the same ensure function, which waits on the preparation's lock and, had it failed, runs it again there,
# reporting.
in_background() {
  local log=$1 pid previous
  shift
  mkdir -p "$(dirname "$log")"
  set -m
  "$@" >"$log" 2>&1 &
  pid=$!
  set +m
  previous=$(trap -p EXIT | sed "s/^trap -- '\(.*\)' EXIT$/\1/")
  trap "kill -TERM -- -$pid 2>/dev/null || true${previous:+; $previous}" EXIT
}
