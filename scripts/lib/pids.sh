# Sourced by the scripts that start servers (cluster.sh, vault-server.sh): whether a recorded server is still theirs.

# owned_pid PIDFILE DIR: the PID in PIDFILE if that process is alive and still ours (its command line names DIR, the
# server's own directory: a PID reused by another program is not taken for it); fails otherwise.
owned_pid() {
  local file=$1 directory=$2 pid
  [ -f "$file" ] || return 1
  pid=$(<"$file")
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$directory" || return 1
  echo "$pid"
}

# already_up NAME DIR ANSWERS ENV: true, printing the server's settings with ENV, when the server NAME started in DIR
# still ANSWERS (a function); false otherwise, saying so when DIR is left from one that no longer answers (the caller
# removes it and starts anew).
already_up() {
  local name=$1 directory=$2 answers=$3 env=$4
  [ -f "$directory/ready" ] || return 1
  if "$answers"; then
    echo "$name: already up in $directory" >&2
    "$env"
    return 0
  fi
  echo "$name: $directory is left from a server that no longer answers: removing it" >&2
  return 1
}
