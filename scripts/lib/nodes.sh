# Sourced by cluster.sh: real nodes beside kwok's fake ones. Three kubelets (built from the pinned Kubernetes module)
# on Debian's containerd and runc, each with its own containerd (root, state, socket), kubelet root, certificate,
# cgroup root and address on a bridge of our own (CNI bridge + host-local: pods reach each other and the host, no
# masquerade, no routes, no iptables rules). They carry the taint REAL_NODE_TAINT: only pods that tolerate it land
# there. `nodes_down` stops every container and restores what the nodes changed on the machine (sysctls the kubelet
# sets, mounts, cgroups, network namespaces, the bridge, directories it makes outside the cluster's).
source "$(dirname "${BASH_SOURCE[0]}")/gobuild.sh"
source "$(dirname "${BASH_SOURCE[0]}")/node_images.sh"
NODE_NAMES=(real-node-a real-node-b real-node-c)
NODES_BRIDGE=pp-nodes0
NODES_SUBNET=10.89.0.0/16
NODES_GATEWAY=10.89.0.1
# Node N (0-based) answers at 10.89.0.(11+N) and gives its pods 10.89.(N+1).2-254, all on the one /16 bridge.
REAL_NODE_TAINT=pod-patterns.dev/real-node=true:NoSchedule
PAUSE_IMAGE=localhost/pod-patterns/pause:catatonit  # node_images.py builds it
# What the kubelet sets machine-wide (pkg/kubelet/cm/container_manager_linux.go setupKernelTunables), and what the
# pods may (prod's privileged sysctl-init raises vm.max_map_count of its node: the machine): saved by up, restored by
# down.
NODE_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys
  kernel.keys.root_maxbytes vm.max_map_count)
NODES_DEVICE_PLUGINS_SOCKET=/var/lib/kubelet/device-plugins/kubelet.sock  # fixed in the kubelet, whatever its root
# Paths outside the cluster's directory the kubelet and containerd create when missing (device plugins and pod
# resources sockets, CNI results, shim sockets, network namespaces): removed by down when up found them missing.
NODES_MACHINE_PATHS=(/var/lib/kubelet /var/lib/cni /run/containerd /var/run/netns /run/netns /opt/containerd
  /var/log/containers /var/log/pods)
NODES_START_TIMEOUT=${PODPATTERNS_NODES_START_TIMEOUT:-120}
KUBELET_BUILD_REVISION=1

kubelet_bin_dir() {
  gobuild_bin_dir kubelet "$(gobuild_key "$KUBE_MODULE" "$KUBELET_BUILD_REVISION" go.mod go.sum)"
}

_kubelet_build() {
  gobuild_go "$1" "$2/kubelet" "$(kube_version_ldflags)" k8s.io/kubernetes/cmd/kubelet
}

ensure_kubelet() {
  gobuild_ensure nodes "$KUBE_MODULE" "$(kubelet_bin_dir)" "Check that the Go module proxy is reachable" _kubelet_build
}

nodes_fail() {
  echo "nodes: $*" >&2
  return 1
}

node_ip() { echo "10.89.0.$((11 + $1))"; }

nodes_dir() { echo "$CLUSTER_DIR/nodes"; }

# Records what up is about to change on the machine, for down.
_nodes_save_machine() {
  local dir=$1 name path
  for name in "${NODE_SYSCTLS[@]}"; do echo "$name=$(sysctl -n "$name")"; done >"$dir/sysctls.before"
  for path in "${NODES_MACHINE_PATHS[@]}"; do [ -e "$path" ] || echo "$path"; done >"$dir/paths.created"
  if command -v nft >/dev/null; then nft list tables; fi >"$dir/nft-tables.before"
}

# containerd keeps each pod's network namespace mounted at /run/netns/cni-<id>. The machine's root mount is private:
# every container's mount namespace would keep its own copy of those mounts, and a pod's sandbox could never be
# removed ("remove netns: unlinkat ...: device or resource busy", the pod Terminating for ever). Shared, as `ip netns`
# makes it, the directory's unmounts reach the copies.
_nodes_netns_dir() {
  local dir=$1
  mkdir -p /run/netns
  mountpoint -q /run/netns && return 0
  mount --bind /run/netns /run/netns && mount --make-shared /run/netns && touch "$dir/netns.mounted"
}

_nodes_bridge() {
  if ip link show "$NODES_BRIDGE" >/dev/null 2>&1; then
    nodes_fail "the bridge $NODES_BRIDGE exists already: another cluster with real nodes runs on this machine" \
      "(scripts/cluster down there), or remove it: ip link delete $NODES_BRIDGE" || return
  fi
  ip link add "$NODES_BRIDGE" type bridge &&
    ip addr add "$NODES_GATEWAY/16" dev "$NODES_BRIDGE" &&
    for index in "${!NODE_NAMES[@]}"; do ip addr add "$(node_ip "$index")/32" dev "$NODES_BRIDGE" || return; done &&
    ip link set "$NODES_BRIDGE" up
}

# cgroup v1: the node's cgroup root in every controller (cpuset's needs its CPUs and memory nodes given).
_nodes_cgroup_root() {
  local root=$1 controller
  for controller in /sys/fs/cgroup/*/; do
    [ "$controller" = /sys/fs/cgroup/unified/ ] && continue
    mkdir -p "$controller$root"
  done
  cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset/$root/cpuset.cpus"
  cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset/$root/cpuset.mems"
}

_node_containerd_config() {
  local node_dir=$1 index=$2
  cat <<EOF
version = 2
root = "$node_dir/containerd/root"
state = "$node_dir/containerd/state"
[grpc]
  address = "$node_dir/containerd.sock"
[ttrpc]
  address = "$node_dir/containerd.sock.ttrpc"
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$node_dir/containerd/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$PAUSE_IMAGE"
    # Root here lacks CAP_SYS_RESOURCE: without this every sandbox fails ("can't get final child's PID from pipe").
    restrict_oom_score_adj = true
    enable_selinux = false
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$node_dir/cni"
EOF
}

_node_cni_config() {
  local node_dir=$1 index=$2 third=$(($2 + 1))
  cat <<EOF
{
  "cniVersion": "0.4.0",
  "name": "pod-patterns",
  "plugins": [
    {
      "type": "bridge", "bridge": "$NODES_BRIDGE", "isGateway": false, "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$node_dir/cni-ipam",
        "ranges": [[{"subnet": "$NODES_SUBNET", "rangeStart": "10.89.$third.2", "rangeEnd": "10.89.$third.254",
          "gateway": "$NODES_GATEWAY"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "loopback"}
  ]
}
EOF
}

_node_kubelet_config() {
  local node_dir=$1 index=$2 name=$3 ip
  ip=$(node_ip "$index")
  cat <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $ip
port: 10250
healthzBindAddress: $ip
healthzPort: 10248
readOnlyPort: 0
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $CLUSTER_DIR/pki/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $node_dir/pki/serving.crt
tlsPrivateKeyFile: $node_dir/pki/serving.key
containerRuntimeEndpoint: unix://$node_dir/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: /pod-patterns-$name
failCgroupV1: false
failSwapOn: false
clusterDomain: cluster.local
clusterDNS: [${NODES_CLUSTER_DNS:-$NODES_GATEWAY}]
resolvConf: $node_dir/resolv.conf
# Each kubelet its own: one kubelet removes the log directories of the pods it does not run (the others' pods).
podLogsDir: $node_dir/pod-logs
registerWithTaints:
- {key: ${REAL_NODE_TAINT%%=*}, value: "$(echo "$REAL_NODE_TAINT" | cut -d= -f2 | cut -d: -f1)", effect: ${REAL_NODE_TAINT##*:}}
# The machine is shared: never evict for its disk or memory, never collect the imported images.
evictionHard: {memory.available: "0%", nodefs.available: "0%", imagefs.available: "0%", nodefs.inodesFree: "0%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
shutdownGracePeriod: 0s
EOF
}

# A client certificate for the kubelet (the Node authorizer's identity) and a serving one for its address.
_node_pki() {
  local node_dir=$1 index=$2 name=$3
  mkdir -p "$node_dir/pki"
  (
    cd "$CLUSTER_DIR/pki" || exit
    leaf "$node_dir/pki/client" "/O=system:nodes/CN=system:node:$name" clientAuth
    leaf "$node_dir/pki/serving" "/CN=$name" serverAuth "subjectAltName=IP:$(node_ip "$index"),DNS:$name"
  ) 2>>"$CLUSTER_DIR/logs/pki.log" || nodes_fail "the certificates of $name failed: $CLUSTER_DIR/logs/pki.log"
}

node_ctr() {
  local name=$1
  shift
  ctr --address "$(nodes_dir)/$name/containerd.sock" --namespace k8s.io "$@"
}

# nodes_import NODE ARCHIVE: an image into the node's containerd, unpacked for its snapshotter.
nodes_import() {
  node_ctr "$1" images import "$2" >/dev/null || nodes_fail "importing $2 into $1 failed"
}

nodes_up() {
  local kubelet dir index name node_dir images image
  for program in containerd runc ctr catatonit; do
    command -v "$program" >/dev/null || nodes_fail "$program is not installed: apt-get install containerd runc catatonit" ||
      return
  done
  [ -x /usr/lib/cni/bridge ] || nodes_fail "the CNI plugins are missing: apt-get install containernetworking-plugins" ||
    return
  ensure_kubelet || return
  images=$(ensure_node_images) || return
  kubelet=$(kubelet_bin_dir)/kubelet
  dir=$(nodes_dir)
  mkdir -p "$dir"
  _nodes_save_machine "$dir"
  echo "$images" >"$dir/images.dir"  # for the test that checks the rendered pods against the images (images.json)
  _nodes_netns_dir "$dir" || return
  _nodes_bridge || return
  for index in "${!NODE_NAMES[@]}"; do
    name=${NODE_NAMES[index]}
    node_dir=$dir/$name
    mkdir -p "$node_dir"/{containerd,cni,cni-ipam,kubelet}
    _node_containerd_config "$node_dir" "$index" >"$node_dir/containerd.toml"
    _node_cni_config "$node_dir" "$index" >"$node_dir/cni/10-pod-patterns.conflist"
    printf 'nameserver %s\nsearch cluster.local\n' "${NODES_CLUSTER_DNS:-$NODES_GATEWAY}" >"$node_dir/resolv.conf"
    _node_pki "$node_dir" "$index" "$name" || return
    client_kubeconfig "$(cluster_server)" "system:node:$name" "$node_dir/pki/client" >"$node_dir/kubeconfig"
    _node_kubelet_config "$node_dir" "$index" "$name" >"$node_dir/kubelet.yaml"
    _nodes_cgroup_root "pod-patterns-$name"
    CLUSTER_PROCESSES+=("containerd-$name" "kubelet-$name")
    setsid containerd --config "$node_dir/containerd.toml" </dev/null >"$CLUSTER_DIR/logs/containerd-$name.log" 2>&1 &
    echo $! >"$CLUSTER_DIR/pids/containerd-$name"
  done
  for name in "${NODE_NAMES[@]}"; do
    cluster_wait "containerd of $name" node_ctr "$name" version || return
  done
  # The images into every node at once (about 10 s a node on its own).
  local importing=()
  for name in "${NODE_NAMES[@]}"; do
    (for image in "$images"/*.tar; do nodes_import "$name" "$image" || exit; done) &
    importing+=($!)
  done
  for pid in "${importing[@]}"; do wait "$pid" || return; done
  # One after the other: every kubelet empties the device plugins' directory, which is not below its root
  # (/var/lib/kubelet/device-plugins), then listens there; started together, one found another's new socket in its
  # way and exited ("bind: address already in use"), seen on a fresh machine.
  for index in "${!NODE_NAMES[@]}"; do
    name=${NODE_NAMES[index]}
    node_dir=$dir/$name
    setsid "$kubelet" --config="$node_dir/kubelet.yaml" --kubeconfig="$node_dir/kubeconfig" \
      --hostname-override="$name" --node-ip="$(node_ip "$index")" --root-dir="$node_dir/kubelet" \
      --cert-dir="$node_dir/pki" \
      --node-labels="type=real,topology.kubernetes.io/zone=zone-${name##*-}" \
      </dev/null >"$CLUSTER_DIR/logs/kubelet-$name.log" 2>&1 &
    echo $! >"$CLUSTER_DIR/pids/kubelet-$name"
    cluster_wait "the kubelet of $name to listen for device plugins" _nodes_device_plugins_listener $!
  done
  local nodes=("${NODE_NAMES[@]/#/node/}")
  cluster_wait "the real nodes to be Ready" cluster_kubectl wait --for=condition=Ready --timeout=1s "${nodes[@]}"
}

# Whether process PID listens on the kubelet's device plugin socket (`ss`: the path stays a listener's name after
# the next kubelet has removed the file).
_nodes_device_plugins_listener() {
  ss --unix --listening --processes | grep -F "$NODES_DEVICE_PLUGINS_SOCKET " | grep -q "pid=$1,"
}

# Every process in the node's cgroups (the containers), then the shims of its containerd (whichever cluster's).
_node_containers_kill() {
  local name=$1 controller
  for controller in /sys/fs/cgroup/*/pod-patterns-"$name"; do
    [ -d "$controller" ] || continue
    find "$controller" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  done
  pgrep -f "containerd-shim-runc-v2 .*-address .*/nodes/$name/containerd.sock" | xargs -r kill -9 2>/dev/null || true
}

# The kubelet, the node's containers, then its containerd.
_node_stop() {
  local name=$1 pid controller
  if pid=$(cluster_pid "kubelet-$name"); then stop_pid "$pid"; fi
  _node_containers_kill "$name"
  if pid=$(cluster_pid "containerd-$name"); then stop_pid "$pid"; fi
}

# Removes the node's cgroups, deepest first (a cgroup v1 directory goes with rmdir once empty).
_node_cgroups_remove() {
  local controller
  for controller in /sys/fs/cgroup/*/pod-patterns-"$1"; do
    if [ -d "$controller" ]; then find "$controller" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
}

# The kubelet's chains, then the nft tables iptables-nft made for them where the machine had none.
_nodes_iptables_remove() {
  local dir=$1 family table
  _nodes_kubelet_chains_remove
  command -v nft >/dev/null && [ -f "$dir/nft-tables.before" ] || return 0  # killed before up recorded them
  nft list tables | while read -r _ family table; do
    grep -qxF "table $family $table" "$dir/nft-tables.before" && continue
    [ -z "$(nft list table "$family" "$table" | grep -E '^\s+(ip|ct|counter|jump|meta|tcp|udp)')" ] &&
      nft delete table "$family" "$table"
  done || true
}

# The kubelet's iptables chains: KUBE-FIREWALL, which drops martian packets to 127.0.0.0/8, and the canaries by which
# kube-proxy notices a flush.
_nodes_kubelet_chains_remove() {
  local command table
  for command in iptables ip6tables; do
    command -v "$command" >/dev/null || continue
    while "$command" -D INPUT -j KUBE-FIREWALL 2>/dev/null; do :; done
    while "$command" -D OUTPUT -j KUBE-FIREWALL 2>/dev/null; do :; done
    "$command" -F KUBE-FIREWALL 2>/dev/null || true
    "$command" -X KUBE-FIREWALL 2>/dev/null || true
    for table in mangle nat filter; do "$command" -t "$table" -X KUBE-KUBELET-CANARY 2>/dev/null || true; done
    "$command" -t mangle -X KUBE-IPTABLES-HINT 2>/dev/null || true
  done
}

nodes_down() {
  local dir name target path
  dir=$(nodes_dir)
  [ -d "$dir" ] || return 0
  for name in "${NODE_NAMES[@]}"; do _node_stop "$name"; done
  # Mounts under the nodes' directories (volumes, snapshots, sandbox shm), deepest first; network namespaces.
  findmnt -rn -o TARGET | awk -v prefix="$dir/" 'index($0, prefix) == 1' | sort -r | while read -r target; do
    umount -l "$target" 2>/dev/null || true
  done
  # The pods' network namespaces (containerd names them cni-<uuid>), only in a directory up found missing.
  for path in /var/run/netns/cni-* /run/netns/cni-*; do
    if [ -e "$path" ] && grep -qxF "${path%/*}" "$dir/paths.created" 2>/dev/null; then umount "$path" 2>/dev/null || true; fi
  done
  if [ -f "$dir/netns.mounted" ]; then umount /run/netns 2>/dev/null || true; fi
  for name in "${NODE_NAMES[@]}"; do _node_cgroups_remove "$name"; done
  ip link delete "$NODES_BRIDGE" 2>/dev/null || true
  _nodes_iptables_remove "$dir"
  if [ -f "$dir/sysctls.before" ]; then
    while IFS== read -r name value; do sysctl -qw "$name=$value" || true; done <"$dir/sysctls.before"
  fi
  if [ -f "$dir/paths.created" ]; then
    while read -r path; do
      if findmnt -rn -o TARGET | grep -q "^$path/"; then continue; fi  # still in use: never remove a mounted tree
      rm -rf "$path"
    done <"$dir/paths.created"
  fi
}

# The cluster directories with real nodes where none of the cluster's processes runs: left by a run killed before its
# down (SIGKILL, the end of a machine's time), with everything its nodes changed on the machine still there.
_nodes_dead_clusters() {
  local cluster file
  for cluster in /tmp/pod-patterns-cluster-* "$CLUSTER_DIR"; do
    [ -d "$cluster/nodes" ] || continue
    for file in "$cluster"/pids/*; do
      [ -f "$file" ] && owned_pid "$file" "$cluster" >/dev/null && continue 2
    done
    echo "$cluster"
  done | sort -u
}

# While no kubelet or containerd of real nodes runs on the machine: takes down what dead clusters left, each as its own
# down would (containers, mounts, cgroups, the bridge, sysctls, kube-proxy's tables), then what is left without a
# directory (/tmp emptied since): the nodes' cgroups and containers, the bridge, the kubelet's chains, kube-proxy's
# tables. With a live cluster nothing is touched: up then refuses, naming it. Before up and before scripts/test's
# record of the machine.
nodes_reclaim_dead() {
  local cluster name table
  pgrep -f -- '/nodes/real-node-[a-z]/(kubelet\.yaml|containerd\.toml)' >/dev/null && return 0
  for cluster in $(_nodes_dead_clusters); do
    echo "nodes: $cluster is left by a cluster that no longer runs: taking it down" >&2
    (
      CLUSTER_DIR=$cluster
      cluster_down
    )
  done
  for name in "${NODE_NAMES[@]}"; do
    [ -d "/sys/fs/cgroup/memory/pod-patterns-$name" ] || continue
    echo "nodes: the cgroups of $name are left by a cluster that no longer runs: removing them" >&2
    _node_containers_kill "$name"
    _node_cgroups_remove "$name"
  done
  if ip link show "$NODES_BRIDGE" >/dev/null 2>&1; then
    echo "nodes: the bridge $NODES_BRIDGE is left by a cluster that no longer runs: removing it" >&2
    ip link delete "$NODES_BRIDGE"
  fi
  _nodes_kubelet_chains_remove
  pgrep -x kube-proxy >/dev/null && return 0
  for table in "${KUBE_PROXY_TABLES[@]}"; do
    if nft list table $table >/dev/null 2>&1; then
      echo "nodes: kube-proxy's table '$table' is left by a cluster that no longer runs: removing it" >&2
      nft delete table $table
    fi
  done
}

# What the real nodes may change on the machine, one line each: links, routes, mounts, cgroups, the nodes' sysctls,
# the nft ruleset (kube-proxy's tables) and the paths of NODES_MACHINE_PATHS (process IDs and counters left out).
nodes_machine_state() {
  ip -o link 2>/dev/null | sed -E 's/^[0-9]+: //; s/ +link\/.*//'
  ip -o route 2>/dev/null
  findmnt -rn -o TARGET
  find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d
  for name in "${NODE_SYSCTLS[@]}"; do echo "$name=$(sysctl -n "$name")"; done
  if command -v nft >/dev/null; then nft list ruleset | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'; fi
  for path in "${NODES_MACHINE_PATHS[@]}"; do [ -e "$path" ] && echo "exists: $path"; done
  true
}

# nodes_machine_unchanged BEFORE: fails, showing the difference, when the machine is not as BEFORE (a file of
# nodes_machine_state) says; removes BEFORE. For scripts/test's exit, after the cluster is down.
nodes_machine_unchanged() {
  local before=$1 difference
  difference=$(diff <(LC_ALL=C sort "$before") <(nodes_machine_state | LC_ALL=C sort)) || true
  rm -f "$before"
  [ -z "$difference" ] && return 0
  echo "$difference" >&2
  nodes_fail "the real nodes left the machine changed (< before up, > after down: above)"
  exit 1
}
