"""Scanner findings accepted on purpose, as checkov skip annotations on the objects themselves.

checkov reads `checkov.io/skip<N>: <check id>=<reason>` from an object's own metadata annotations (for a
Deployment or StatefulSet: the workload's metadata, not its pod template's) and reports the check as
skipped with the reason. Each accepted finding is declared here once, with its one-line reason; the
README's "Security" section lists them, and a test keeps that list equal to what is rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SKIP_ANNOTATION_PREFIX = "checkov.io/skip"


@dataclass(frozen=True)
class AcceptedFinding:
    """A scanner check that an object fails on purpose, and why."""

    check: str
    """The checkov check id, such as CKV_K8S_8."""
    reason: str
    """One line; no '=' (checkov splits the annotation's value on it)."""

    def __post_init__(self) -> None:
        if not self.reason or "=" in self.reason or "\n" in self.reason:
            raise ValueError(f"{self.check}: the reason must be one non-empty line without '='")


def skip_annotations(findings: Sequence[AcceptedFinding]) -> dict[str, str]:
    """`checkov.io/skip1`, `checkov.io/skip2`, ... in the order given."""
    return {f"{SKIP_ANNOTATION_PREFIX}{i}": f"{f.check}={f.reason}" for i, f in enumerate(findings, start=1)}


def pinned_by_digest(image: str) -> bool:
    return "@sha256:" in image


TAG_PINNED_IMAGE = AcceptedFinding(
    "CKV_K8S_43",
    "images are pinned to release tags, the project's convention (readable in diffs); digests are accepted by "
    "every image setting but Elasticsearch's version",
)
PULL_IF_NOT_PRESENT = AcceptedFinding(
    "CKV_K8S_15",
    "imagePullPolicy IfNotPresent: every image is pinned to a release tag or digest, so a node's cached copy is "
    "the image, and a registry outage cannot block restarts",
)
EXPORTER_CREDENTIALS_ENV = AcceptedFinding(
    "CKV_K8S_35",
    "the Elasticsearch exporter takes credentials only from ES_USERNAME/ES_PASSWORD (in its URI they would leak "
    "into metric labels); the env comes from a Secret, never a literal",
)
NO_LIVENESS_PROBE = AcceptedFinding(
    "CKV_K8S_8",
    "Elasticsearch has no liveness probe on purpose: a node in a long GC or merge must not be killed; "
    "its readiness probe takes it out of the Service",
)
IMAGE_USERS = AcceptedFinding(
    "CKV_K8S_40",
    "containers run as their images' own non-root users (elasticsearch 1000 owns its files, nginx 101, "
    "vault 100); Pod Security restricted forbids root",
)
PRIVILEGED_SYSCTL_INIT = (
    AcceptedFinding(
        "CKV_K8S_16",
        "sysctl-init (sysctl.mode init) must be privileged to raise the node's vm.max_map_count; it exits "
        "in milliseconds",
    ),
    AcceptedFinding(
        "CKV_K8S_20",
        "sysctl-init is privileged, and the API server refuses allowPrivilegeEscalation false beside privileged",
    ),
    AcceptedFinding(
        "CKV_K8S_37",
        "sysctl-init is privileged: the runtime grants it every capability whatever it drops; every other "
        "container drops ALL",
    ),
    AcceptedFinding(
        "CKV_K8S_28",
        "sysctl-init is privileged: NET_RAW cannot be dropped from it; every other container drops ALL",
    ),
)
