# Sourced by scripts/vault (after kube.sh, cluster.sh and vault.sh): start, describe and stop the test Vault server.
source "$(dirname "${BASH_SOURCE[0]}")/pids.sh"
VAULT_DIR=${PODPATTERNS_VAULT_DIR:-/tmp/pod-patterns-vault-$(pwd -P | sha256sum | cut -c1-12)}
VAULT_START_TIMEOUT=${PODPATTERNS_VAULT_START_TIMEOUT:-60}  # seconds; a warm start takes a few
# The name the stacks address Vault by (https://vault.vault.svc:8200): its certificate carries it, and the harness
# points it at this server.
VAULT_SERVICE_NAME=vault.vault.svc

vault_fail() {
  echo "vault: $*" >&2
  return 1
}

# PID of the server if it is still alive and still ours.
vault_pid() {
  owned_pid "$VAULT_DIR/pid" "$VAULT_DIR"
}

# The vault CLI against the server, as root (the token `operator init` returned). HOME is the server's directory:
# what the program writes under HOME goes with it, and `down` must leave no file.
vault_cli() {
  HOME=$VAULT_DIR VAULT_ADDR=$(<"$VAULT_DIR/address") VAULT_CACERT="$VAULT_DIR/pki/ca.crt" \
    VAULT_TOKEN=$(cat "$VAULT_DIR/root-token" 2>/dev/null) "$VAULT_BIN/vault" "$@"
}

# Whether a server that started in VAULT_DIR still answers, unsealed.
vault_answers() {
  [ -f "$VAULT_DIR/ready" ] && VAULT_BIN=$(vault_bin_dir) vault_cli status >/dev/null 2>&1
}

vault_env() {
  [ -f "$VAULT_DIR/ready" ] || vault_fail "no Vault server is up in $VAULT_DIR: run scripts/vault up" || return
  echo "VAULT_ADDR=$(<"$VAULT_DIR/address")"
  echo "VAULT_CACERT=$VAULT_DIR/pki/ca.crt"
  echo "VAULT_TOKEN=$(<"$VAULT_DIR/root-token")"
  echo "PODPATTERNS_VAULT_BIN=$(vault_bin_dir)"
}

# Stops the server with TERM, then KILL after 5 s, and the plugin it started (its process group: setsid); removes
# the directory.
vault_down() {
  local pid
  if pid=$(vault_pid); then
    stop_pid "$pid"
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -rf "$VAULT_DIR"
}

# Vault's CA (the stacks' vault-ca) and its server certificate, for the stacks' name and loopback.
vault_pki() {
  mkdir -p "$VAULT_DIR/pki"
  (
    cd "$VAULT_DIR/pki"
    openssl ecparam -name prime256v1 -genkey -noout -out ca.key
    openssl req -x509 -new -key ca.key -subj /CN=vault-ca -days 7 -out ca.crt \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    leaf server /CN=vault serverAuth "subjectAltName=DNS:$VAULT_SERVICE_NAME,DNS:localhost,IP:127.0.0.1"
  ) 2>"$VAULT_DIR/logs/pki.log" || vault_fail "generating the certificates with openssl failed: $VAULT_DIR/logs/pki.log"
}

# The server's configuration: not dev mode (whose root token and listener are fixed and plain HTTP), but in-memory
# storage, TLS on loopback (and on the real nodes' bridge when the cluster has them: vault_in_cluster), no mlock (a
# test server holds no secret worth keeping out of swap).
vault_config() {
  local port=$1 address
  {
    echo 'storage "inmem" {}'
    for address in 127.0.0.1 ${2:-}; do
      cat <<EOF
listener "tcp" {
  address       = "$address:$port"
  tls_cert_file = "$VAULT_DIR/pki/server.crt"
  tls_key_file  = "$VAULT_DIR/pki/server.key"
}
EOF
    done
    cat <<EOF
api_addr         = "https://127.0.0.1:$port"
disable_mlock    = true
ui               = false
plugin_directory = "$VAULT_BIN"
EOF
  } >"$VAULT_DIR/server.hcl"
}

# Vault where the stacks look for it, for the pods of the real nodes: https://vault.vault.svc:8200, a Service without
# a selector whose one endpoint is this server's listener on the nodes' bridge (kube-proxy routes the ClusterIP there),
# as a cluster reaches a Vault that runs outside it.
vault_in_cluster() {
  cluster_kubectl apply --server-side --field-manager=scripts-vault -f - >/dev/null <<EOF || vault_fail "making the Service vault.vault failed"
apiVersion: v1
kind: Namespace
metadata: {name: vault}
---
apiVersion: v1
kind: Service
metadata: {name: vault, namespace: vault}
spec:
  ports: [{name: https, port: 8200, targetPort: $1, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: vault-host
  namespace: vault
  labels: {kubernetes.io/service-name: vault, endpointslice.kubernetes.io/managed-by: scripts-vault}
addressType: IPv4
endpoints: [{addresses: ["$NODES_GATEWAY"], conditions: {ready: true}}]
ports: [{name: https, port: $1, protocol: TCP}]
EOF
}

# Waits until a command succeeds; fails with the server's log when it died or the time ran out.
vault_wait() {
  local what=$1 deadline=$((SECONDS + VAULT_START_TIMEOUT))
  shift
  until "$@" >/dev/null 2>&1; do
    vault_pid >/dev/null || { tail -n 15 "$VAULT_DIR/logs/vault.log" >&2; vault_fail "the server exited while waiting for $what (its log is above)" || return; }
    if [ $SECONDS -ge $deadline ]; then
      tail -n 15 "$VAULT_DIR/logs/vault.log" >&2
      vault_fail "timed out after ${VAULT_START_TIMEOUT}s waiting for $what (PODPATTERNS_VAULT_START_TIMEOUT sets the limit)" || return
    fi
    sleep 0.2
  done
}

# A field of what `vault operator init` printed (the first item of a list).
vault_init_field() {
  python3 -c 'import json, sys; value = json.load(open(sys.argv[1]))[sys.argv[2]]
print(value[0] if isinstance(value, list) else value)' "$VAULT_DIR/init.json" "$1"
}

# `vault status` exits 2 for a sealed server that answers, 0 once unsealed.
vault_sealed_answers() {
  local code=0
  vault_cli status >/dev/null 2>&1 || code=$?
  [ "$code" -eq 0 ] || [ "$code" -eq 2 ]
}

# `kubectl create ARGS`, where an object left by an earlier server on the same cluster is as good as a new one.
vault_kube_create() {
  local output
  output=$(cluster_kubectl create "$@" 2>&1) || grep -q "already exists" <<<"$output" ||
    vault_fail "kubectl create $* failed: $output"
}

# Kubernetes auth exactly as the README tells users to set it up: a reviewer ServiceAccount allowed to call the
# TokenReview API (system:auth-delegator), whose token Vault presents to the API server it points at.
vault_kubernetes_auth() {
  local server ca reviewer
  vault_kube_create serviceaccount vault-reviewer -n default
  vault_kube_create clusterrolebinding vault-reviewer --clusterrole=system:auth-delegator \
    --serviceaccount=default:vault-reviewer
  server=$(cluster_kubectl config view --raw --minify --flatten -o jsonpath='{.clusters[0].cluster.server}')
  ca=$(cluster_kubectl config view --raw --minify --flatten \
    -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d)
  reviewer=$(cluster_kubectl create token vault-reviewer -n default --duration=24h)
  # The minimal build lacks the method built in (vault.sh): its external plugin takes the built-in name.
  vault_cli plugin register -sha256="$(sha256sum "$VAULT_BIN/vault-plugin-auth-kubernetes" | cut -d' ' -f1)" \
    -command=vault-plugin-auth-kubernetes auth kubernetes >/dev/null
  vault_cli auth enable kubernetes >/dev/null
  vault_cli write auth/kubernetes/config kubernetes_host="$server" kubernetes_ca_cert="$ca" \
    token_reviewer_jwt="$reviewer" >/dev/null
}

vault_up() {
  local started=$SECONDS port
  already_up vault "$VAULT_DIR" vault_answers vault_env && return
  vault_down
  cluster_answers || vault_fail "the test cluster is not up in $CLUSTER_DIR: run scripts/cluster up first" || return
  KUBE_BIN=$(kube_bin_dir)
  ensure_vault_binary
  VAULT_BIN=$(vault_bin_dir)
  command -v openssl >/dev/null || vault_fail "openssl is not installed: apt-get install openssl" || return
  mkdir -p "$VAULT_DIR/logs"
  trap vault_down EXIT  # a failed or interrupted start leaves nothing running
  port=$(cluster_ports ${PODPATTERNS_VAULT_PORT:+"$PODPATTERNS_VAULT_PORT"} | cut -d' ' -f1)
  echo "https://127.0.0.1:$port" >"$VAULT_DIR/address"
  vault_pki
  local gateway=
  [ -d "$(nodes_dir)" ] && gateway=$NODES_GATEWAY
  vault_config "$port" $gateway
  HOME=$VAULT_DIR setsid "$VAULT_BIN/vault" server -config="$VAULT_DIR/server.hcl" </dev/null \
    >"$VAULT_DIR/logs/vault.log" 2>&1 &
  echo $! >"$VAULT_DIR/pid"
  vault_wait "the server to answer (vault status)" vault_sealed_answers
  (umask 077 && vault_cli operator init -key-shares=1 -key-threshold=1 -format=json >"$VAULT_DIR/init.json")
  (umask 077 && vault_init_field root_token >"$VAULT_DIR/root-token")
  vault_cli operator unseal "$(vault_init_field unseal_keys_b64)" >/dev/null
  vault_wait "the server to be unsealed" vault_cli status
  vault_cli secrets enable -path=secret kv-v2 >/dev/null
  vault_kubernetes_auth
  if [ -n "$gateway" ] && [ "${PODPATTERNS_VAULT_SERVICE:-true}" = true ]; then vault_in_cluster "$port" || return; fi
  local roles
  roles=$(PYTHONPATH=. .venv/bin/python scripts/lib/vault_stack_roles.py) || vault_fail "reading the stacks' Vault settings failed" || return
  (vault() { vault_cli "$@"; } && eval "$roles") >/dev/null
  trap - EXIT
  touch "$VAULT_DIR/ready"
  echo "vault: up in $((SECONDS - started)) s: Vault $(vault_cli version | cut -d' ' -f2) at" \
    "$(<"$VAULT_DIR/address"); use it with: export \$(scripts/vault env); \$PODPATTERNS_VAULT_BIN/vault status" >&2
  vault_env
}

# For scripts/test: when the selected tests may need Vault, starts it once for every pytest worker (after the
# cluster), exports what `env` prints and stops it on exit (a server that was already up is left up). Without Go the
# Vault tests skip, except under CI=true, where a failed start stops the run.
vault_for_tests() {
  tests_wanted "${VAULT_TEST_PATHS[*]}" "$@" || return 0
  if ! command -v go >/dev/null && [ "${CI:-}" != true ]; then
    echo "vault: Go is not installed: the tests of ${VAULT_TEST_PATHS[*]} will skip" >&2
    return 0
  fi
  local previous
  previous=$(trap -p EXIT | sed "s/^trap -- '\(.*\)' EXIT$/\1/")
  vault_answers || trap "vault_down${previous:+; $previous}" EXIT  # before the cluster's, when it stops that too
  local settings
  settings=$(vault_up)
  export ${settings?}
}
VAULT_TEST_PATHS=(tests/vault tests/nodes)  # tests/nodes: the stacks that fetch their secrets on the real nodes
