# preStop of a classic sidecar (Kubernetes before 1.29 has no native ones): keep running until the app no longer
# listens on port $1, so that the kubelet's SIGTERM, sent when this hook ends, reaches the sidecar after the app.
# The pod's containers share one network namespace, hence one /proc/net/tcp. The grace period bounds the wait.
port=$(printf '%04X' "$1")
while grep -Eqs ":$port [0:]+ 0A " /proc/net/tcp /proc/net/tcp6; do
  sleep 1
done
