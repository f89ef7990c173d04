"""Offline render: a Pulumi program's Kubernetes objects as YAML, without CLI, engine or cluster."""

from .manifests import file_name, kubernetes_objects, to_yaml, write_manifests
from .offline import Recording, run_offline, run_with_mocks

__all__ = [
    "Recording",
    "file_name",
    "kubernetes_objects",
    "run_offline",
    "run_with_mocks",
    "to_yaml",
    "write_manifests",
]
