"""The example programs, `pulumi up` and `pulumi destroy` with the real engine: the Python one on the library, the
YAML one through the component package (components/PulumiPlugin.yaml) hosted by the Python language host."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ..conftest import PROJECT_DIR
from ..lib.cluster_targets import EXAMPLES, target_objects, with_namespaces
from ..lib.kube import ROLLOUT_TIMEOUT, Kube, delete_namespaces, namespaces, workloads
from ..lib.pulumi_engine import Engine, copy_project
from .live import key, kubernetes_urn_keys, rendered_keys


def _pointing_at_the_checkout(project: Path) -> None:
    """The YAML program names the component package by a path relative to the example: make it absolute."""
    settings_file = project / "Pulumi.yaml"
    settings = yaml.safe_load(settings_file.read_text())
    if "packages" in settings:
        settings["packages"] = {name: str(PROJECT_DIR / "components") for name in settings["packages"]}
        settings_file.write_text(yaml.safe_dump(settings, sort_keys=False))


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_goes_up_rolls_out_and_is_destroyed(example: str, engine: Engine, kube: Kube, tmp_path: Path) -> None:
    expected = target_objects(example, {})
    # What a user has before running the example: the namespaces it uses (the cluster's provisioner makes the volumes).
    prepared = [m for m in with_namespaces(expected) if m["kind"] == "Namespace" and m not in expected]
    project = copy_project(engine, PROJECT_DIR / "examples" / example, tmp_path / example)
    _pointing_at_the_checkout(project.directory)
    try:
        if prepared:  # the YAML example declares every namespace it uses
            kube.apply(prepared)
        project.stack_init("dev")
        project.run("up", "--stack", "dev", "--yes", "--skip-preview")
        assert kubernetes_urn_keys(project.export("dev")) == rendered_keys(expected)
        for workload in workloads(expected):
            kind, namespace, name = key(workload)
            kube.run(
                "rollout", "status", f"{kind.lower()}/{name}", "--namespace", namespace, f"--timeout={ROLLOUT_TIMEOUT}"
            )

        project.run("destroy", "--stack", "dev", "--yes")
        for kind, namespace, name in rendered_keys(expected):
            where = ["--namespace", namespace] if namespace else []
            assert kube.run("get", kind, name, *where, "--ignore-not-found", "--output", "name").stdout == ""
    finally:
        project.run("destroy", "--stack", "dev", "--yes", check=False)
        delete_namespaces(kube, namespaces(prepared))
