"""What VaultSecretsInit adds to a pod, and the objects it owns, from plain settings (pure functions).

The agent runs as the image's vault user; the pod's fsGroup owns the in-memory volume (the kubelet
sets its setgid bit), so the files the agent writes belong to that group and mode 0440 lets the
application read them while other users of the pod cannot.
"""

from __future__ import annotations

import hashlib
import json

from ..kube import IMAGE_PULL_POLICY, common_labels, metadata, resources, restricted_security_context
from ..pod.model import Manifest, PodContribution
from ..pod.target import WorkloadTarget
from .agent_config import CA_DIR, CA_FILE, CONFIG_DIR, INIT_CONFIG, RENEW_CONFIG, TOKEN_DIR, TOKEN_FILE, config_files
from .settings import VaultSettings

INIT_CONTAINER = "vault-agent-init"
SIDECAR = "vault-agent"
SECRETS_VOLUME = "vault-secrets"
TOKEN_VOLUME = "vault-token"
CONFIG_VOLUME = "vault-agent-config"
HOME_VOLUME = "vault-home"
CA_VOLUME = "vault-ca"
HOME = "/home/vault"
"""The agent's only writable place besides the secrets volume (the root filesystem is read-only)."""
AGENT_GROUP = 1000
"""The image's vault group."""
CONFIG_HASH_ANNOTATION = "pod-patterns.io/vault-agent-config-sha256"


def service_account_name(target: WorkloadTarget) -> str:
    return f"{target.name}-vault"


def config_map_name(target: WorkloadTarget) -> str:
    return f"{target.name}-vault-agent"


def vault_manifests(settings: VaultSettings, target: WorkloadTarget) -> dict[str, Manifest]:
    """The objects VaultSecretsInit owns, by role: the pod's ServiceAccount and the agent's ConfigMap."""
    labels = common_labels(target.name, "secrets")
    return {
        "service-account": {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": metadata(service_account_name(target), target.namespace, labels),
            # Only the agent gets a token, through its own projected, audience-bound volume.
            "automountServiceAccountToken": False,
        },
        "agent-config": {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": metadata(config_map_name(target), target.namespace, labels),
            "data": config_files(settings),
        },
    }


def vault_contribution(settings: VaultSettings, target: WorkloadTarget, source: str) -> PodContribution:
    """The agent as an init container (and, with renew, as a native sidecar) and the volumes it shares."""
    reader_mount = {"name": SECRETS_VOLUME, "mountPath": settings.mount_path, "readOnly": True}
    config_hash = hashlib.sha256(json.dumps(config_files(settings), sort_keys=True).encode()).hexdigest()
    return PodContribution(
        source=source,
        init_containers=[_agent_container(settings, INIT_CONTAINER, INIT_CONFIG)],
        native_sidecars=[_agent_container(settings, SIDECAR, RENEW_CONFIG)] if settings.renew else [],
        volumes=_volumes(settings, target),
        app_volume_mounts=[reader_mount],
        container_volume_mounts={name: [reader_mount] for name in settings.mount_into},
        # Init containers only read their configuration when the pod starts: a change must roll the pods.
        pod_annotations={CONFIG_HASH_ANNOTATION: config_hash},
        service_account_name=service_account_name(target),
    )


def _agent_container(settings: VaultSettings, name: str, config_file: str) -> Manifest:
    mounts: list[Manifest] = [
        {"name": SECRETS_VOLUME, "mountPath": settings.mount_path},
        {"name": TOKEN_VOLUME, "mountPath": TOKEN_DIR, "readOnly": True},
        {"name": CONFIG_VOLUME, "mountPath": CONFIG_DIR, "readOnly": True},
        {"name": HOME_VOLUME, "mountPath": HOME},
    ]
    if settings.ca_config_map:
        mounts.append({"name": CA_VOLUME, "mountPath": CA_DIR, "readOnly": True})
    return {
        "name": name,
        "image": settings.image,
        "imagePullPolicy": IMAGE_PULL_POLICY,
        # `vault agent` directly: the image's entrypoint would try to chown and setcap as root.
        "command": ["vault", "agent", f"-config={CONFIG_DIR}/{config_file}"],
        "env": [{"name": "HOME", "value": HOME}],
        "resources": resources("50m", "500m", "64Mi", "128Mi"),
        "securityContext": restricted_security_context(settings.run_as_user, group=AGENT_GROUP),
        # The agent's last words become the container's termination message (kubectl describe pod).
        "terminationMessagePolicy": "FallbackToLogsOnError",
        "volumeMounts": mounts,
    }


def _volumes(settings: VaultSettings, target: WorkloadTarget) -> list[Manifest]:
    token = {
        "audience": settings.audience,
        "expirationSeconds": settings.token_expiration_seconds,
        "path": TOKEN_FILE,
    }
    volumes: list[Manifest] = [
        {"name": SECRETS_VOLUME, "emptyDir": {"medium": "Memory", "sizeLimit": settings.size_limit}},
        {"name": TOKEN_VOLUME, "projected": {"sources": [{"serviceAccountToken": token}]}},
        {"name": CONFIG_VOLUME, "configMap": {"name": config_map_name(target)}},
        {"name": HOME_VOLUME, "emptyDir": {"medium": "Memory", "sizeLimit": "1Mi"}},
    ]
    if settings.ca_config_map:
        items = [{"key": settings.ca_key, "path": CA_FILE}]
        volumes.append({"name": CA_VOLUME, "configMap": {"name": settings.ca_config_map, "items": items}})
    return volumes
