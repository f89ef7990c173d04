# Streams one log file ($1) to stdout from its first line, following rotation and truncation (tail -F).
# As a container's PID 1, a shell ignores SIGTERM unless it traps it, and the pod would wait its whole grace
# period: on TERM, give tail two more polls (it polls once a second) to print the app's last lines, then stop.
tail -F -n +1 "$1" &
tail_pid=$!
trap 'sleep 2; kill "$tail_pid"; exit 0' TERM INT
wait "$tail_pid"
