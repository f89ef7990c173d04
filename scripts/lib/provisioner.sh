# Sourced by cluster.sh: the cluster's dynamic volume provisioner, rancher's local-path-provisioner built from its
# published module (toolchain/provisioner) and run beside the control plane. It serves the StorageClasses the stacks
# name (STORAGE_CLASSES, the first the default) with WaitForFirstConsumer binding: a claim binds once its pod is
# placed, to a directory on that pod's node that a helper pod (busybox, in PROVISIONER_NAMESPACE) makes, and that
# another removes when the claim goes (reclaim policy Delete). On a real node the directory is
# $CLUSTER_DIR/nodes/<node>/volumes/<volume>; on kwok's fake nodes nothing runs, so their helper pods are finished by a
# kwok stage (provisioner_kwok_stage) and no directory is made.
PROVISIONER_MODULE=toolchain/provisioner
PROVISIONER_BUILD_REVISION=1
PROVISIONER_NAMESPACE=local-path-storage
PROVISIONER_NAME=rancher.io/local-path
STORAGE_CLASSES=(standard fast-ssd)
HELPER_IMAGE=docker.io/library/busybox:1.36.1  # node_images.py builds it

provisioner_bin_dir() {
  gobuild_bin_dir local-path-provisioner "$(gobuild_key "$PROVISIONER_MODULE" "$PROVISIONER_BUILD_REVISION")"
}

_provisioner_build() {
  local version
  version=$(gobuild_pinned "$1" github.com/rancher/local-path-provisioner)
  gobuild_go "$1" "$2/local-path-provisioner" "-X main.VERSION=$version" github.com/rancher/local-path-provisioner
}

ensure_provisioner() {
  gobuild_ensure cluster "$PROVISIONER_MODULE" "$(provisioner_bin_dir)" "Check that the Go module proxy is reachable" \
    _provisioner_build
}

# kwok's pod-complete stage finishes the pods of Jobs; the same stage, selecting the provisioner's namespace instead,
# finishes its helper pods on the fake nodes. Derived from the pinned kwok's file: provisioner_kwok_stage KWOK_DIR
provisioner_kwok_stage() {
  local stage
  stage=$(sed -e 's/^  name: pod-complete$/  name: local-path-helper-complete/' \
    -e "s/'\.metadata\.ownerReferences\.\[\]\.kind'/'.metadata.namespace'/" -e "s/^      - 'Job'$/      - '$PROVISIONER_NAMESPACE'/" \
    "$1/kustomize/stage/pod/fast/pod-complete.yaml")
  case $stage in
    *"name: local-path-helper-complete"*"'.metadata.namespace'"*"- '$PROVISIONER_NAMESPACE'"*) echo "$stage" ;;
    *) cluster_fail "kwok's pod-complete stage no longer has the form provisioner_kwok_stage rewrites: update it" ;;
  esac
}

# The namespace, ServiceAccount and scripts of the helper pods, and the StorageClasses.
_provisioner_objects() {
  cat <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $PROVISIONER_NAMESPACE
  # The helper pods mount the node's volume directory (hostPath), which only the privileged level allows.
  labels: {pod-security.kubernetes.io/enforce: privileged}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: local-path-provisioner, namespace: $PROVISIONER_NAMESPACE}
automountServiceAccountToken: false
---
apiVersion: v1
kind: ConfigMap
metadata: {name: local-path-config, namespace: $PROVISIONER_NAMESPACE}
data:
  # Run by the helper pods with VOL_DIR set; any user of the pod may write (the volume's pod sets its own uid).
  setup: |
    set -eu
    mkdir -m 0777 -p "\$VOL_DIR"
  teardown: |
    set -eu
    rm -rf "\$VOL_DIR"
EOF
  local class default=true
  for class in "${STORAGE_CLASSES[@]}"; do
    cat <<EOF
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: $class
  annotations: {storageclass.kubernetes.io/is-default-class: "$default"}
provisioner: $PROVISIONER_NAME
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Delete
EOF
    default=false
  done
}

# The provisioner's configuration: each real node's volume directory, and a notional one for kwok's nodes.
_provisioner_config() {
  local name entries=("{\"node\": \"DEFAULT_PATH_FOR_NON_LISTED_NODES\", \"paths\": [\"$CLUSTER_DIR/fake-node-volumes\"]}")
  for name in "${NODE_NAMES[@]}"; do
    entries+=("{\"node\": \"$name\", \"paths\": [\"$(nodes_dir)/$name/volumes\"]}")
  done
  local IFS=,
  echo "{\"nodePathMap\": [${entries[*]}]}"
}

# Starts the provisioner (the API server must answer); waits until it has loaded its configuration and started.
provisioner_up() {
  local dir=$CLUSTER_DIR/provisioner
  mkdir -p "$dir"
  _provisioner_objects | cluster_kubectl apply --server-side -f - >/dev/null || return
  _provisioner_config >"$dir/config.json"
  cat >"$dir/helper-pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata: {name: helper-pod}
spec:
  containers:
  - {name: helper, image: $HELPER_IMAGE, imagePullPolicy: IfNotPresent}
EOF
  cluster_start_program local-path-provisioner "$(provisioner_bin_dir)/local-path-provisioner" --debug start \
    --kubeconfig="$CLUSTER_DIR/kubeconfig" --config="$dir/config.json" --helper-pod-file="$dir/helper-pod.yaml" --helper-image="$HELPER_IMAGE" \
    --namespace="$PROVISIONER_NAMESPACE" --configmap-name=local-path-config \
    --service-account-name=local-path-provisioner --provisioner-name="$PROVISIONER_NAME"
  cluster_wait "the volume provisioner to start" grep -q "Provisioner started" "$CLUSTER_DIR/logs/local-path-provisioner.log"
}
