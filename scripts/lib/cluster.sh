# Sourced by scripts/cluster and scripts/test: start, describe and stop the loopback control plane.
source "$(dirname "${BASH_SOURCE[0]}")/kube.sh"
source "$(dirname "${BASH_SOURCE[0]}")/gomod.sh"
source "$(dirname "${BASH_SOURCE[0]}")/selected.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pids.sh"
source "$(dirname "${BASH_SOURCE[0]}")/nodes.sh"
source "$(dirname "${BASH_SOURCE[0]}")/provisioner.sh"
source "$(dirname "${BASH_SOURCE[0]}")/cluster_services.sh"
CLUSTER_DIR=${PODPATTERNS_CLUSTER_DIR:-/tmp/pod-patterns-cluster-$(pwd -P | sha256sum | cut -c1-12)}
CLUSTER_SERVICE_CIDR=10.96.0.0/16  # the Services' ClusterIPs
CLUSTER_PROCESSES=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok local-path-provisioner)
# Fake nodes, one per zone: three, so that three pods with required anti-affinity on the hostname can run.
CLUSTER_ZONES=(a b c)
CLUSTER_START_TIMEOUT=${PODPATTERNS_CLUSTER_START_TIMEOUT:-90}  # seconds; a warm start takes well under 20
# The kwok stages that make the fake nodes and their pods behave (read from the pinned kwok module, never copied).
KWOK_STAGES=(node/fast/node-initialize node/heartbeat/node-heartbeat pod/fast/pod-ready pod/fast/pod-complete
  pod/fast/pod-delete)
# The prometheus-operator CRDs the stacks' monitors and rules need, from the module pinned in toolchain/crds.
CRD_MODULE=github.com/prometheus-operator/prometheus-operator
CRDS=(podmonitors servicemonitors prometheusrules)

cluster_fail() {
  echo "cluster: $*" >&2
  return 1
}

# PID of a started process if it is still alive and still ours.
cluster_pid() {
  owned_pid "$CLUSTER_DIR/pids/$1" "$CLUSTER_DIR"
}

# Fails naming every process the cluster started (pids/NAME: the control plane's and the real nodes') that no longer
# runs, with the end of its log; HINT ends the message.
cluster_all_running() {
  local hint=$1 file name exited=()
  for file in "$CLUSTER_DIR"/pids/*; do
    [ -f "$file" ] || continue
    name=${file##*/}
    cluster_pid "$name" >/dev/null && continue
    echo "--- the end of $CLUSTER_DIR/logs/$name.log:" >&2
    tail -n 10 "$CLUSTER_DIR/logs/$name.log" 2>/dev/null | cut -c1-400 >&2
    exited+=("$name")
  done
  [ ${#exited[@]} -eq 0 ] || cluster_fail "${exited[*]} exited (the end of each log is above): $hint"
}

cluster_any_running() {
  local file
  for file in "$CLUSTER_DIR"/pids/*; do
    [ -f "$file" ] && cluster_pid "${file##*/}" >/dev/null && return 0
  done
  return 1
}

cluster_kubectl() {
  "${KUBE_BIN:-$(kube_bin_dir)}/kubectl" --kubeconfig "$CLUSTER_DIR/kubeconfig" "$@"
}

# Whether a cluster that started in CLUSTER_DIR still answers.
cluster_answers() {
  [ -f "$CLUSTER_DIR/ready" ] && cluster_kubectl get --raw /readyz >/dev/null 2>&1
}

cluster_env() {
  [ -f "$CLUSTER_DIR/ready" ] || cluster_fail "no cluster is up in $CLUSTER_DIR: run scripts/cluster up" || return
  echo "KUBECONFIG=$CLUSTER_DIR/kubeconfig"
  echo "PODPATTERNS_KUBE_BIN=$(kube_bin_dir)"
}

# Stops the real nodes (their containers, and what they changed on the machine), CoreDNS and kube-proxy (deleting
# kube-proxy's tables), then the clients and etcd last, each with TERM, then KILL after 5 s; removes the directory.
cluster_down() {
  local index name pid
  nodes_down
  services_down
  for ((index = ${#CLUSTER_PROCESSES[@]} - 1; index >= 0; index--)); do
    name=${CLUSTER_PROCESSES[index]}
    pid=$(cluster_pid "$name") || continue
    stop_pid "$pid"
  done
  rm -rf "$CLUSTER_DIR"
}

# Free loopback ports: the one asked for (it must be free) or ephemeral ones.
cluster_ports() {
  python3 - "$@" <<'EOF'
import socket
import sys

wanted = [int(port) for port in sys.argv[1:]]
sockets = []
for port in wanted + [0] * (6 - len(wanted)):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError as error:
        sys.exit(f"cluster: port {port} is busy ({error.strerror}): free it or set PODPATTERNS_CLUSTER_PORT to another port")
    sockets.append(s)
print(" ".join(str(s.getsockname()[1]) for s in sockets))
EOF
}

cluster_pki() {
  local pki=$CLUSTER_DIR/pki
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl ecparam -name prime256v1 -genkey -noout -out ca.key
    openssl req -x509 -new -key ca.key -subj /CN=pod-patterns-test-ca -days 7 -out ca.crt \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    leaf apiserver /CN=kube-apiserver serverAuth \
      "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
    leaf admin /O=system:masters/CN=pod-patterns-admin clientAuth
    # The API server's identity at the kubelets (logs, exec, port-forward), bound to system:kubelet-api-admin.
    leaf kubelet-client /CN=kube-apiserver-kubelet-client clientAuth
    openssl ecparam -name prime256v1 -genkey -noout -out service-accounts.key
    openssl ec -in service-accounts.key -pubout -out service-accounts.pub
  ) 2>"$CLUSTER_DIR/logs/pki.log" || cluster_fail "generating the certificates with openssl failed: $CLUSTER_DIR/logs/pki.log"
}

# A key and a certificate signed by the cluster's CA: leaf NAME SUBJECT EXTENDED-KEY-USAGE [EXTENSION]
leaf() {
  openssl ecparam -name prime256v1 -genkey -noout -out "$1.key"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  printf 'keyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n%s\n' "$3" "${4:-}" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 8)" -days 7 \
    -extfile "$1.ext" -out "$1.crt"
}

# A kubeconfig, printed, for USER's client certificate CERT.crt and key CERT.key at the API server URL SERVER (the
# cluster's own for the admin; its programs' and the kubelets' for theirs): client_kubeconfig SERVER USER CERT
client_kubeconfig() {
  cat <<EOF
apiVersion: v1
kind: Config
clusters:
- name: pod-patterns
  cluster:
    server: $1
    certificate-authority: $CLUSTER_DIR/pki/ca.crt
users:
- name: $2
  user:
    client-certificate: $3.crt
    client-key: $3.key
contexts:
- name: pod-patterns
  context: {cluster: pod-patterns, user: $2}
current-context: pod-patterns
EOF
}

cluster_kubeconfig() {
  client_kubeconfig "https://127.0.0.1:$1" admin "$CLUSTER_DIR/pki/admin" >"$CLUSTER_DIR/kubeconfig"
}

# The API server's URL, from the cluster's kubeconfig.
cluster_server() {
  awk '/server:/ { print $2 }' "$CLUSTER_DIR/kubeconfig"
}

# cluster_start_program NAME PROGRAM [ARG...]: starts PROGRAM detached, its output in logs/NAME.log, its PID in
# pids/NAME.
cluster_start_program() {
  local name=$1 program=$2
  shift 2
  setsid "$program" "$@" </dev/null >"$CLUSTER_DIR/logs/$name.log" 2>&1 &
  echo $! >"$CLUSTER_DIR/pids/$name"
}

# cluster_start NAME [ARG...]: a program of the Kubernetes build, started as cluster_start_program does.
cluster_start() {
  cluster_start_program "$1" "$KUBE_BIN/$1" "${@:2}"
}


# Waits until a command succeeds; fails naming the process that died or the step that timed out.
cluster_wait() {
  local what=$1 deadline=$((SECONDS + CLUSTER_START_TIMEOUT)) name
  shift
  until "$@" >/dev/null 2>&1; do
    for name in "${CLUSTER_PROCESSES[@]}"; do
      [ -f "$CLUSTER_DIR/pids/$name" ] || continue  # not started yet
      if ! cluster_pid "$name" >/dev/null; then
        tail -n 15 "$CLUSTER_DIR/logs/$name.log" >&2
        cluster_fail "$name exited while waiting for $what (its log is above)" || return
      fi
    done
    if [ $SECONDS -ge $deadline ]; then
      for name in "${CLUSTER_PROCESSES[@]}"; do
        echo "--- the end of $name's log:" >&2
        tail -n 5 "$CLUSTER_DIR/logs/$name.log" | cut -c1-400 >&2
      done
      cluster_fail "timed out after ${CLUSTER_START_TIMEOUT}s waiting for $what (the logs' ends are above;" \
        "PODPATTERNS_CLUSTER_START_TIMEOUT sets the limit)" || return
    fi
    sleep 0.2
  done
}

# cluster_up [--real-nodes]: with --real-nodes (or PODPATTERNS_REAL_NODES=true), three kubelet nodes too (nodes.sh).
cluster_up() {
  local started=$SECONDS real_nodes=${PODPATTERNS_REAL_NODES:-false}
  [ "${1:-}" = --real-nodes ] && real_nodes=true
  if [ "$real_nodes" = true ] && [ -f "$CLUSTER_DIR/ready" ] && [ ! -d "$(nodes_dir)" ] && cluster_answers; then
    cluster_fail "a cluster without real nodes is up in $CLUSTER_DIR: scripts/cluster down, then up --real-nodes" ||
      return
  fi
  if [ -f "$CLUSTER_DIR/ready" ] && cluster_any_running; then
    cluster_all_running "the cluster in $CLUSTER_DIR is not whole; scripts/cluster down, then up" || return
  fi
  already_up cluster "$CLUSTER_DIR" cluster_answers cluster_env && return
  cluster_down
  if [ "$real_nodes" = true ]; then nodes_reclaim_dead; fi
  ensure_kube_binaries && ensure_provisioner || return
  KUBE_BIN=$(kube_bin_dir)
  command -v openssl >/dev/null || cluster_fail "openssl is not installed: apt-get install openssl" || return
  mkdir -p "$CLUSTER_DIR"/{logs,pids,kwok}
  trap cluster_down EXIT  # a failed or interrupted start leaves nothing running
  local ports etcd_port peer_port api_port manager_port scheduler_port kwok_port kwok_dir crd_dir stage crd
  ports=$(cluster_ports ${PODPATTERNS_CLUSTER_PORT:+"$PODPATTERNS_CLUSTER_PORT"})
  read -r api_port etcd_port peer_port manager_port scheduler_port kwok_port <<<"$ports"
  cluster_pki
  cluster_kubeconfig "$api_port"
  kwok_dir=$(module_dir "$KUBE_MODULE" sigs.k8s.io/kwok)
  crd_dir=$(module_dir toolchain/crds "$CRD_MODULE")
  for stage in "${KWOK_STAGES[@]}"; do
    [ -f "$kwok_dir/kustomize/stage/$stage.yaml" ] ||
      cluster_fail "kwok's stage $stage is not in $kwok_dir/kustomize/stage: pin a kwok that ships it" || return
    cat "$kwok_dir/kustomize/stage/$stage.yaml"
    echo "---"
  done >"$CLUSTER_DIR/kwok/stages.yaml"
  provisioner_kwok_stage "$kwok_dir" >>"$CLUSTER_DIR/kwok/stages.yaml" || return

  cluster_start etcd --name=pod-patterns --data-dir="$CLUSTER_DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$peer_port" \
    --initial-cluster="pod-patterns=http://127.0.0.1:$peer_port" --unsafe-no-fsync --quota-backend-bytes=1073741824
  local pki=$CLUSTER_DIR/pki
  cluster_start kube-apiserver --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" --client-ca-file="$pki/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/service-accounts.pub" \
    --service-account-signing-key-file="$pki/service-accounts.key" \
    --service-cluster-ip-range="$CLUSTER_SERVICE_CIDR" --authorization-mode=Node,RBAC \
    --enable-admission-plugins=PodSecurity --allow-privileged=true --profiling=false \
    --kubelet-preferred-address-types=InternalIP --kubelet-client-certificate="$pki/kubelet-client.crt" \
    --kubelet-client-key="$pki/kubelet-client.key"
  cluster_start kwok --kubeconfig="$CLUSTER_DIR/kubeconfig" --config="$CLUSTER_DIR/kwok/stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --server-address="127.0.0.1:$kwok_port" --cidr=10.244.0.0/16 --node-ip=127.0.0.1

  cluster_wait "the API server (/readyz)" cluster_kubectl get --raw /readyz
  # Only now: started sooner, the controller manager exits ("unable to load configmap based
  # request-header-client-ca-file ... connection refused") and the cluster never rolls anything out.
  local common=(--kubeconfig="$CLUSTER_DIR/kubeconfig" --authentication-kubeconfig="$CLUSTER_DIR/kubeconfig"
    --authorization-kubeconfig="$CLUSTER_DIR/kubeconfig" --leader-elect=false --bind-address=127.0.0.1)
  # kwok's nodes renew their heartbeat every 20-25 s (its node-heartbeat stage): a control plane paused for 25 s (the
  # faults' tests) or starved on a busy machine passed the default 50 s grace, every pod was marked not Ready, which
  # kwok never reverts (seen: dev's Deployment unavailable for ever, its `up` waiting out its timeout).
  cluster_start kube-controller-manager "${common[@]}" --secure-port="$manager_port" \
    --service-account-private-key-file="$pki/service-accounts.key" --root-ca-file="$pki/ca.crt" \
    --cert-dir="$CLUSTER_DIR/controller-manager" --node-monitor-grace-period=2m
  cluster_start kube-scheduler "${common[@]}" --secure-port="$scheduler_port" --cert-dir="$CLUSTER_DIR/scheduler"
  local zone nodes=("${CLUSTER_ZONES[@]/#/node/kwok-node-}")
  for zone in "${CLUSTER_ZONES[@]}"; do
    cat <<EOF
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$zone
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {kubernetes.io/hostname: kwok-node-$zone, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok,
    topology.kubernetes.io/zone: zone-$zone}
status:
  allocatable: {cpu: "64", memory: 256Gi, pods: "250"}
  capacity: {cpu: "64", memory: 256Gi, pods: "250"}
---
EOF
  done | cluster_kubectl apply --server-side -f - >/dev/null
  for crd in "${CRDS[@]}"; do
    cluster_kubectl apply --server-side -f "$crd_dir/example/prometheus-operator-crd/monitoring.coreos.com_$crd.yaml" \
      >/dev/null
  done
  cluster_wait "kwok to make the nodes Ready" cluster_kubectl wait --for=condition=Ready --timeout=1s "${nodes[@]}"
  cluster_wait "the controller manager (the default ServiceAccount)" \
    cluster_kubectl get serviceaccount default --namespace default
  cluster_wait "the scheduler (/readyz)" curl --fail --silent --insecure "https://127.0.0.1:$scheduler_port/readyz"
  local established=()
  for crd in "${CRDS[@]}"; do established+=("crd/$crd.monitoring.coreos.com"); done
  cluster_wait "the CRDs to be established" cluster_kubectl wait --for=condition=Established --timeout=1s \
    "${established[@]}"
  provisioner_up || return
  if [ "$real_nodes" = true ]; then
    cluster_kubectl create clusterrolebinding kube-apiserver-kubelet-client --clusterrole=system:kubelet-api-admin \
      --user=kube-apiserver-kubelet-client >/dev/null || return
    nodes_up || return
    # Service names and ClusterIPs for the nodes' pods (cluster_services.sh): one CoreDNS and one kube-proxy on the
    # host serve the three nodes, whose pods share the bridge.
    services_up "$NODES_GATEWAY" "$NODES_BRIDGE" "$NODES_SUBNET" "${NODE_NAMES[0]}" || return
  fi
  # A process may exit after its own wait passed (seen: the controller manager, on a busy machine).
  cluster_all_running "the start failed and is undone" || return
  trap - EXIT
  touch "$CLUSTER_DIR/ready"
  echo "cluster: up in $((SECONDS - started)) s: Kubernetes $(kube_pinned k8s.io/kubernetes) at" \
    "https://127.0.0.1:$api_port; use it with: export \$(scripts/cluster env); \$PODPATTERNS_KUBE_BIN/kubectl get nodes" >&2
  cluster_env
}

# For scripts/test: when the selected tests may need the cluster, starts it once for every pytest worker, exports
# what `env` prints and stops it on exit (a cluster that was already up is left up). With tests/nodes selected, as
# root, with real nodes, and the machine is compared before and after them: the run fails on anything they leave
# (nodes_machine_state). Without Go the cluster tests skip, except under CI=true, where a failed start stops the run.
cluster_for_tests() {
  cluster_wanted "$@" || return 0
  if ! command -v go >/dev/null && [ "${CI:-}" != true ]; then
    echo "cluster: Go is not installed: the tests of tests/cluster will skip" >&2
    return 0
  fi
  local settings real_nodes=()
  if tests_wanted tests/nodes "$@" && [ "$(id -u)" = 0 ]; then real_nodes=(--real-nodes); fi
  if ! cluster_answers; then
    if [ ${#real_nodes[@]} -gt 0 ]; then
      nodes_reclaim_dead  # a killed run's leftovers are not this run's changes
      nodes_machine_state >"${TMPDIR:-/tmp}/pod-patterns-machine-before.$$"
      trap 'cluster_down; nodes_machine_unchanged "${TMPDIR:-/tmp}/pod-patterns-machine-before.$$"' EXIT
    else
      trap cluster_down EXIT
    fi
  fi
  settings=$(cluster_up "${real_nodes[@]}")
  export ${settings?}
}

# Whether pytest's arguments select tests that use the cluster (those of CLUSTER_TEST_PATHS).
CLUSTER_TEST_PATHS=(tests/cluster tests/engine tests/vault tests/nodes)
cluster_wanted() {
  tests_wanted "${CLUSTER_TEST_PATHS[*]}" "$@"
}
