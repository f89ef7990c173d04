"""The keystore init container: Elasticsearch's secure settings, added from the files Vault's agent wrote."""

from __future__ import annotations

from ..kube import IMAGE_PULL_POLICY, resources, restricted_security_context
from ..pod.model import Manifest, PodContribution
from ..templating import read_template
from ..vault.contribution import SECRETS_VOLUME
from .config import CONFIG_DIR, USER_ID
from .pod import CONFIG_VOLUME, TMP_VOLUME, image
from .settings import AppSettings

CONTAINER = "keystore-init"


def keystore_command(entries: tuple[tuple[str, str], ...], secrets_dir: str) -> list[str]:
    """`sh -c <templates/keystore-init.sh> keystore-init setting=file ...`."""
    return ["sh", "-c", read_template("keystore-init.sh"), CONTAINER, *(f"{s}={secrets_dir}/{f}" for s, f in entries)]


def keystore_contribution(name: str, settings: AppSettings) -> PodContribution | None:
    """An init container after Vault's agent: it writes `elasticsearch.keystore` into the config emptyDir, where
    Elasticsearch reads it at startup; None when no secure setting is configured. `name`: the component's.

    The keystore is made anew at every start from what Vault holds then: a pod never keeps one from an earlier
    start, and a rotated S3 key or password takes effect at the next rolling restart.
    """
    entries = settings.keystore_entries
    if not entries:
        return None
    mount_path = settings.vault.mount_path
    container: Manifest = {
        "name": CONTAINER,
        "image": image(settings.elasticsearch),
        "imagePullPolicy": IMAGE_PULL_POLICY,
        "command": keystore_command(entries, mount_path),
        # elasticsearch-keystore is a Java tool: a small heap (CLI_JAVA_OPTS: Elasticsearch 8's CLI tools do not
        # read ES_JAVA_OPTS), room for the JVM, and a writable /tmp (the pod's tmp emptyDir).
        "env": [{"name": "CLI_JAVA_OPTS", "value": "-Xms32m -Xmx64m"}],
        "resources": resources("100m", "1", "256Mi", "256Mi"),
        "securityContext": restricted_security_context(USER_ID, group=0),
        "volumeMounts": [
            {"name": CONFIG_VOLUME, "mountPath": CONFIG_DIR},
            {"name": TMP_VOLUME, "mountPath": "/tmp"},
            {"name": SECRETS_VOLUME, "mountPath": mount_path, "readOnly": True},
        ],
    }
    return PodContribution(
        source=f"ElasticsearchApp '{settings.elasticsearch.name}' (keystore)", init_containers=[container]
    )
