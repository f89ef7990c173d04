"""The YAML example with the real engine, on the test control plane, through `pulumi up` with its preview.

The orders Deployment gets the TLS ambassador and the log tail through their podContribution outputs and
PodTemplateMerge (during the preview the certificate, and so the merged template, are not known yet); the
Namespace's name, passed nested in `target`, reaches the state as a dependency of what orders-tls creates; a
renewed certificate changes the pod template's hash; and the dev stack's ElasticsearchApp, written in YAML,
deploys the pod that the Python program's dev render has. In namespaces of the test's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from podpatterns.render import Recording, kubernetes_objects

from ..conftest import PROJECT_DIR
from ..lib.kube import ROLLOUT_TIMEOUT, Kube, delete_namespaces, unique_suffix
from ..lib.pulumi_engine import Engine, Project, copy_project
from ..lib.yaml_program import YAML_NAMESPACE, in_namespace
from .live import differences

HASH = "pod-patterns.io/tls-sha256"


@pytest.fixture(scope="module")
def example(engine: Engine, kube: Kube, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, str]]:
    """The example up (preview included) in namespaces named with a suffix; destroyed afterwards."""
    suffix = unique_suffix()
    project = copy_project(engine, PROJECT_DIR / "examples" / "yaml", tmp_path_factory.mktemp("yaml") / "example")
    settings_file = project.directory / "Pulumi.yaml"
    program = yaml.safe_load(settings_file.read_text())
    program["packages"] = {"podpatterns": str(PROJECT_DIR / "components")}
    program["resources"]["shop"]["properties"]["metadata"]["name"] += suffix
    program["resources"]["elasticsearch"]["properties"]["namespace"] += suffix
    settings_file.write_text(yaml.safe_dump(program, sort_keys=False))
    project.stack_init("dev")
    try:
        project.run("up", "--stack", "dev", "--yes")
        yield project, suffix
    finally:
        project.run("destroy", "--stack", "dev", "--yes", check=False)
        delete_namespaces(kube, [f"shop-yaml{suffix}", f"{YAML_NAMESPACE}{suffix}"])


def test_the_orders_pods_have_the_ambassador_and_the_log_tail(example: tuple[Project, str], kube: Kube) -> None:
    project, suffix = example
    namespace = ["--namespace", f"shop-yaml{suffix}"]
    kube.run("rollout", "status", "deployment/orders", *namespace, f"--timeout={ROLLOUT_TIMEOUT}")
    template = kube.json("get", "deployment", "orders", *namespace)["spec"]["template"]
    assert [c["name"] for c in template["spec"]["containers"]] == ["orders", "tls-ambassador"]
    assert [(c["name"], c.get("restartPolicy")) for c in template["spec"]["initContainers"]] == [
        ("tail-access-log", "Always")
    ]
    assert template["metadata"]["annotations"][HASH] == project.outputs("dev")["ordersTemplateHash"]
    (pod,) = kube.json("get", "pods", "--selector", "app=orders", *namespace)["items"]
    assert "tls-ambassador" in [c["name"] for c in pod["spec"]["containers"]]
    service = kube.json("get", "service", "orders", *namespace)
    assert [(p["name"], p["port"]) for p in service["spec"]["ports"]] == [("https", 8443)]


def test_the_namespace_passed_nested_is_a_dependency_in_the_state(example: tuple[Project, str]) -> None:
    project, suffix = example
    resources = project.export("dev")["deployment"]["resources"]
    (namespace,) = [r["urn"] for r in resources if r["urn"].endswith("::shop")]
    secret = next(r for r in resources if r["urn"].endswith("::orders-tls-secret"))
    assert secret["outputs"]["metadata"]["namespace"] == f"shop-yaml{suffix}"
    assert namespace in secret["dependencies"]


def test_a_renewal_changes_the_template_hash_and_rolls_the_pods(example: tuple[Project, str], kube: Kube) -> None:
    """The renewal window is reached by moving the recorded end of validity into the past (as test_certificates)."""
    project, suffix = example
    before = project.outputs("dev")["ordersTemplateHash"]
    project.expire_certificates("dev", "orders-tls-server-cert")
    project.run("up", "--stack", "dev", "--yes", "--refresh")

    after = project.outputs("dev")["ordersTemplateHash"]
    assert after != before
    namespace = ["--namespace", f"shop-yaml{suffix}"]
    kube.run("rollout", "status", "deployment/orders", *namespace, f"--timeout={ROLLOUT_TIMEOUT}")
    live = kube.json("get", "deployment", "orders", *namespace)
    assert live["spec"]["template"]["metadata"]["annotations"][HASH] == after
    assert live["metadata"]["generation"] >= 2


def test_the_dev_stack_in_yaml_deploys_the_python_renders_pod(
    example: tuple[Project, str], kube: Kube, recordings: dict[str, Recording]
) -> None:
    _, suffix = example
    (rendered,) = [m for m in kubernetes_objects(recordings["dev"]) if m["kind"] == "Deployment"]
    rendered = in_namespace(rendered, rendered["metadata"]["namespace"], f"{YAML_NAMESPACE}{suffix}")
    live = kube.json("get", "deployment", rendered["metadata"]["name"], "--namespace", f"{YAML_NAMESPACE}{suffix}")
    expected, deployed = _without_hash(rendered["spec"]["template"]), _without_hash(live["spec"]["template"])
    assert differences(expected, deployed) == []


def _without_hash(template: dict[str, Any]) -> dict[str, Any]:
    """The template without the certificate hash: each deploy issues its own certificate."""
    annotations = {k: v for k, v in template["metadata"].get("annotations", {}).items() if k != HASH}
    return {**template, "metadata": {**template["metadata"], "annotations": annotations}}
