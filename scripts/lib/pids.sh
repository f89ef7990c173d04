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

# pid_alive PID: whether the process runs (a zombie has exited: only init, its parent now, has yet to collect it).
pid_alive() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# stop_pid PID: TERM, then KILL when it still runs after 5 s.
stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 50); do
    pid_alive "$1" || return 0
    sleep 0.1
  done
  kill -KILL "$1" 2>/dev/null || true
}
