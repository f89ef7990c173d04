# Sourced by the scripts that start servers (cluster.sh, vault-server.sh): which recorded process is still theirs.

# owned_pid PIDFILE DIR: the PID in PIDFILE if that process is alive and still ours (its command line names DIR, the
# server's own directory: a PID reused by another program is not taken for it); fails otherwise.
owned_pid() {
  local file=$1 directory=$2 pid
  [ -f "$file" ] || return 1
  pid=$(<"$file")
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$directory" || return 1
  echo "$pid"
}
