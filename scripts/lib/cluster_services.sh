# Sourced by cluster.sh: what a cluster gives its pods beyond the kubelet, for the real nodes (nodes.sh): cluster DNS
# (CoreDNS from toolchain/coredns: our main with only the plugins used) and ClusterIP routing (kube-proxy from the
# control plane's module toolchain/kube, as the kubelet: Go's build cache shares their packages; in nftables mode).
# Both run on the host.
#
#   services_up LISTEN_IP LINK POD_CIDR NODE_NAME
#       CoreDNS on LISTEN_IP:53 (the kubelets' clusterDNS) serving cluster.local from the API server; kube-proxy
#       routing the Services' ClusterIPs to their endpoints in POD_CIDR, as NODE_NAME's (for traffic policies).
#       Forwarding is switched on for LINK alone and the ClusterIPs are routed to it (both go with the link). Fails
#       when kube-proxy's table exists already (another cluster's kube-proxy).
#   services_down
#       Stops both by their PIDs, deletes kube-proxy's nft tables (ip and ip6 kube-proxy: all its rules), puts the
#       link's forwarding and routes back.
#
# Identities: CoreDNS a client certificate for the user pod-patterns:coredns, bound to a ClusterRole of its own that
# reads Services, EndpointSlices and Namespaces; kube-proxy one for system:kube-proxy, which the API server's
# bootstrap policy binds to system:node-proxier. Health, readiness and metrics listen on loopback only.
source "$(dirname "${BASH_SOURCE[0]}")/gobuild.sh"
COREDNS_MODULE=toolchain/coredns
COREDNS_BUILD_REVISION=1
KUBE_PROXY_BUILD_REVISION=1
CLUSTER_DOMAIN=cluster.local
# The nft tables kube-proxy's nftables mode keeps all its rules in (pkg/proxy/nftables: kubeProxyTable), each a
# family and a name: nft takes them as two words, unquoted below.
KUBE_PROXY_TABLES=("ip kube-proxy" "ip6 kube-proxy")

coredns_bin_dir() { gobuild_bin_dir coredns "$(gobuild_key "$COREDNS_MODULE" "$COREDNS_BUILD_REVISION")"; }
kube_proxy_bin_dir() {
  gobuild_bin_dir kube-proxy "$(gobuild_key "$KUBE_MODULE" "$KUBE_PROXY_BUILD_REVISION" go.mod go.sum)"
}

_coredns_build() {
  gobuild_go "$1" "$2/coredns" "" .
}

_kube_proxy_build() {
  gobuild_go "$1" "$2/kube-proxy" "$(kube_version_ldflags)" k8s.io/kubernetes/cmd/kube-proxy
}

ensure_cluster_services() {
  local hint="Check that the Go module proxy is reachable"
  gobuild_ensure services "$COREDNS_MODULE" "$(coredns_bin_dir)" "$hint" _coredns_build &&
    gobuild_ensure services "$KUBE_MODULE" "$(kube_proxy_bin_dir)" "$hint" _kube_proxy_build
}

services_fail() {
  echo "services: $*" >&2
  return 1
}

services_dir() { echo "$CLUSTER_DIR/services"; }

# CoreDNS reads what the kubernetes plugin serves, nothing more.
_services_rbac() {
  cluster_kubectl apply --server-side -f - >/dev/null <<RBAC
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "pod-patterns:coredns"}
rules:
- {apiGroups: [""], resources: [services, namespaces], verbs: [list, watch]}
- {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "pod-patterns:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "pod-patterns:coredns"}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: "pod-patterns:coredns"}]
RBAC
}

# Only the zones it serves: any other name is refused at once (no upstream here). Pods' own A records are off: the
# stacks name Services and a headless Service's pods, never a pod by its address.
_services_corefile() {
  local listen=$1 health=$2 ready=$3 dir=$4
  cat <<COREFILE
$CLUSTER_DOMAIN:53 in-addr.arpa:53 ip6.arpa:53 {
  bind $listen
  errors
  health 127.0.0.1:$health
  ready 127.0.0.1:$ready
  kubernetes $CLUSTER_DOMAIN in-addr.arpa ip6.arpa {
    kubeconfig $dir/coredns.kubeconfig pod-patterns
    pods disabled
  }
  cache 30
}
COREFILE
}

# The settings that keep kube-proxy to its own tables: no conntrack sysctls (0 leaves each as the machine has it),
# NodePorts only on the listen address, health and metrics on loopback. masqueradeAll: the pods share one bridge with
# no br_netfilter, so a reply from an endpoint must go back through the host to be un-NATed.
_services_kube_proxy_config() {
  local listen=$1 pod_cidr=$2 node=$3 health=$4 metrics=$5 dir=$6
  cat <<CONFIG
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clientConnection: {kubeconfig: $dir/kube-proxy.kubeconfig}
hostnameOverride: $node
bindAddress: $listen
clusterCIDR: $pod_cidr
detectLocalMode: ClusterCIDR
nodePortAddresses: [$listen/32]
healthzBindAddress: 127.0.0.1:$health
metricsBindAddress: 127.0.0.1:$metrics
oomScoreAdj: 0
nftables: {masqueradeAll: true}
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
CONFIG
}

# Starts a program detached as cluster_start does, with PATH holding only the programs it may run.
_services_start() {
  local name=$1 program=$2
  shift 2
  setsid env PATH="$(services_dir)/path" "$program" "$@" </dev/null >"$CLUSTER_DIR/logs/$name.log" 2>&1 &
  echo $! >"$CLUSTER_DIR/pids/$name"
  CLUSTER_PROCESSES+=("$name")
}

services_up() {
  local listen=$1 link=$2 pod_cidr=$3 node=$4 dir table dns_health dns_ready proxy_health proxy_metrics
  command -v nft >/dev/null || services_fail "nft is not installed: apt-get install nftables" || return
  for table in "${KUBE_PROXY_TABLES[@]}"; do
    if nft list table $table >/dev/null 2>&1; then
      services_fail "the nft table '$table' exists already: another cluster's kube-proxy runs on this machine" \
        "(scripts/cluster down there), or remove it: nft delete table $table" || return
    fi
  done
  ensure_cluster_services || return
  dir=$(services_dir)
  mkdir -p "$dir/path"
  # kube-proxy runs nft alone: without iptables and modprobe in its PATH, its start-up clean-up of the iptables and
  # ipvs modes' leftovers (machine-wide chains, the ip_vs module) finds nothing to run.
  ln -s "$(command -v nft)" "$dir/path/nft"
  (
    cd "$CLUSTER_DIR/pki" || exit
    leaf "$dir/coredns" /CN=pod-patterns:coredns clientAuth
    leaf "$dir/kube-proxy" /CN=system:kube-proxy clientAuth
  ) 2>>"$CLUSTER_DIR/logs/pki.log" || services_fail "the certificates failed: $CLUSTER_DIR/logs/pki.log" || return
  client_kubeconfig "$(cluster_server)" pod-patterns:coredns "$dir/coredns" >"$dir/coredns.kubeconfig"
  client_kubeconfig "$(cluster_server)" system:kube-proxy "$dir/kube-proxy" >"$dir/kube-proxy.kubeconfig"
  _services_rbac || return
  read -r dns_health dns_ready proxy_health proxy_metrics _ <<<"$(cluster_ports)"
  _services_corefile "$listen" "$dns_health" "$dns_ready" "$dir" >"$dir/Corefile"
  _services_kube_proxy_config "$listen" "$pod_cidr" "$node" "$proxy_health" "$proxy_metrics" "$dir" \
    >"$dir/kube-proxy.yaml"
  # Pods reach a ClusterIP through the host: forwarding on their link only. The ClusterIPs are routed to that link,
  # so that a packet to one that kube-proxy has not (or no longer) translated never leaves the machine.
  echo "$link $(sysctl -n "net.ipv4.conf.$link.forwarding")" >"$dir/link.before"
  sysctl -qw "net.ipv4.conf.$link.forwarding=1"
  ip route add "$CLUSTER_SERVICE_CIDR" dev "$link" ||
    services_fail "routing $CLUSTER_SERVICE_CIDR to $link failed: another route to it exists (ip route)" || return
  _services_start coredns "$(coredns_bin_dir)/coredns" -conf "$dir/Corefile" -pidfile ""
  _services_start kube-proxy "$(kube_proxy_bin_dir)/kube-proxy" --config="$dir/kube-proxy.yaml"
  cluster_wait "CoreDNS (/ready)" curl --fail --silent "http://127.0.0.1:$dns_ready/ready" || return
  cluster_wait "kube-proxy (/healthz)" curl --fail --silent "http://127.0.0.1:$proxy_health/healthz" || return
  printf 'dns_health=%s\ndns_ready=%s\nproxy_health=%s\nproxy_metrics=%s\n' "$dns_health" "$dns_ready" \
    "$proxy_health" "$proxy_metrics" >"$dir/ports"
}

# Stops both, then deletes kube-proxy's tables (it leaves them on exit) and puts the link's forwarding and routes
# back (when the link is gone, they went with it).
services_down() {
  local dir name pid table link before
  dir=$(services_dir)
  [ -d "$dir" ] || return 0
  for name in kube-proxy coredns; do
    if pid=$(cluster_pid "$name"); then stop_pid "$pid"; fi
  done
  for table in "${KUBE_PROXY_TABLES[@]}"; do
    if nft list table $table >/dev/null 2>&1; then nft delete table $table; fi
  done
  if [ -f "$dir/link.before" ]; then
    read -r link before <"$dir/link.before"
    if ip link show "$link" >/dev/null 2>&1; then
      sysctl -qw "net.ipv4.conf.$link.forwarding=$before"
      ip route delete "$CLUSTER_SERVICE_CIDR" dev "$link" 2>/dev/null || true
    fi
  fi
  rm -rf "$dir"
}
