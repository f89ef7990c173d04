"""examples/typescript and examples/go with the real engine and our Node.js and Go language hosts, on the test cluster.

Each is copied, `pulumi install` generates the component package's SDK from the checkout's package, links it and
installs the program's dependencies (npm; go mod tidy), then `pulumi up` runs the program (ts-node; go build). What
it creates is compared with the offline render of the same program in Python (tests/engine/programs/webapp), in a
namespace of the test's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import yaml

from ..conftest import PROJECT_DIR
from ..lib.kube import ROLLOUT_TIMEOUT, Kube, delete_namespaces, unique_suffix
from ..lib.prerequisites import require_program
from ..lib.pulumi_engine import Engine, Project, copy_project
from ..lib.yaml_program import in_namespace
from .live import deployed_objects, differences, key

pytestmark = pytest.mark.tools  # npm and Go, besides the engine and the cluster

HASH = "pod-patterns.io/tls-sha256"
TWIN = PROJECT_DIR / "tests" / "engine" / "programs" / "webapp"


@dataclass(frozen=True)
class Language:
    example: str
    program: str
    """The file holding the program."""
    entries: tuple[str, ...]
    """What a clone has of the example (never a local node_modules or sdks)."""
    app_container_marker: str
    """A line of the program's app container, after which a conflicting port is written."""
    conflicting_port: str


LANGUAGES = {
    "typescript": Language(
        "typescript", "index.ts",
        ("Pulumi.yaml", "package.json", "package-lock.json", "tsconfig.json", "index.ts", "nginx.conf"),
        'image: "docker.io/nginxinc/nginx-unprivileged:1.27.3-alpine",',
        "ports: [{ containerPort: 9113 }],",
    ),
    "go": Language(
        "go", "main.go", ("Pulumi.yaml", "go.mod", "go.sum", "main.go", "nginx.conf"),
        '"image": str("docker.io/nginxinc/nginx-unprivileged:1.27.3-alpine"),',
        '"ports": pulumi.Array{pulumi.Map{"containerPort": pulumi.Int(9113)}},',
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Deployed:
    language: Language
    project: Project
    namespace: str


@pytest.fixture(scope="module", params=sorted(LANGUAGES))
def deployed(
    request: pytest.FixtureRequest, engine: Engine, kube: Kube, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployed]:
    """The example installed and up in a namespace of the test's own; destroyed afterwards."""
    language = LANGUAGES[request.param]
    if language.example == "typescript":
        require_program("npm", "nodejs")
    else:
        require_program("go", "golang-go")
    project = copy_project(
        engine, PROJECT_DIR / "examples" / language.example,
        tmp_path_factory.mktemp(language.example) / "example", language.entries,
    )  # fmt: skip
    settings_file = project.directory / "Pulumi.yaml"
    settings = yaml.safe_load(settings_file.read_text())
    settings["packages"] = {"podpatterns": str(PROJECT_DIR / "components")}
    settings_file.write_text(yaml.safe_dump(settings, sort_keys=False))
    namespace = f"shop-{language.example}{unique_suffix()}"
    project.run("install")
    project.stack_init("dev")
    project.run("config", "set", "namespace", namespace, "--stack", "dev")
    try:
        project.run("up", "--stack", "dev", "--yes")
        yield Deployed(language, project, namespace)
    finally:
        project.run("destroy", "--stack", "dev", "--yes", check=False)
        delete_namespaces(kube, [namespace])


def test_up_creates_what_the_python_program_renders(deployed: Deployed, kube: Kube) -> None:
    expected = [in_namespace(m, "shop", deployed.namespace) for m in deployed_objects(TWIN, "dev")]
    assert sorted(key(m)[0] for m in expected) == [
        "ConfigMap", "ConfigMap", "Deployment", "Namespace", "Secret", "Service"
    ]  # fmt: skip
    for manifest in expected:
        kind, namespace, name = key(manifest)
        live = kube.json("get", kind, name, *(["--namespace", namespace] if namespace else []))
        assert differences(manifest, live) == [], (kind, name)
    template = kube.json("get", "deployment", "web", "--namespace", deployed.namespace)["spec"]["template"]
    assert [c["name"] for c in template["spec"]["containers"]] == ["web", "tls-ambassador", "metrics-exporter"]
    assert template["metadata"]["annotations"][HASH] == deployed.project.outputs("dev")["templateHash"]


def test_a_preview_right_after_up_has_no_changes(deployed: Deployed) -> None:
    done = deployed.project.run("preview", "--stack", "dev", "--expect-no-changes", check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_conflict_fails_up_with_merge_pods_message(deployed: Deployed) -> None:
    """The program's own container takes the exporter's port; the deployed objects stay as they were."""
    language, project = deployed.language, deployed.project
    program = project.directory / language.program
    original = program.read_text()
    assert language.app_container_marker in original
    program.write_text(
        original.replace(language.app_container_marker, f"{language.app_container_marker}\n{language.conflicting_port}")
    )
    try:
        done = project.run("up", "--stack", "dev", "--yes", check=False)
    finally:
        program.write_text(original)
    assert done.returncode != 0
    assert (
        "port 9113/TCP is claimed by container 'web' (from the pod template given to PodTemplateMerge 'web-pod') "
        "and by container 'metrics-exporter' (from PrometheusAdapter 'web-metrics')"
    ) in done.stdout + done.stderr
    assert project.run("preview", "--stack", "dev", "--expect-no-changes", check=False).returncode == 0


def test_a_renewal_changes_the_template_hash_and_rolls_the_pods(deployed: Deployed, kube: Kube) -> None:
    """The renewal window is reached by moving the recorded end of validity into the past (as test_certificates)."""
    project = deployed.project
    before = project.outputs("dev")["templateHash"]
    project.expire_certificates("dev", "web-tls-server-cert")
    project.run("up", "--stack", "dev", "--yes", "--refresh")

    after = project.outputs("dev")["templateHash"]
    assert after != before
    namespace = ["--namespace", deployed.namespace]
    kube.run("rollout", "status", "deployment/web", *namespace, f"--timeout={ROLLOUT_TIMEOUT}")
    live = kube.json("get", "deployment", "web", *namespace)
    assert live["spec"]["template"]["metadata"]["annotations"][HASH] == after
    assert live["metadata"]["generation"] >= 2


def test_destroy_leaves_nothing(deployed: Deployed, kube: Kube) -> None:
    """Last: the stack emptied, its namespace deleted with everything in it."""
    project = deployed.project
    project.run("destroy", "--stack", "dev", "--yes")
    assert project.export("dev")["deployment"].get("resources", []) == []
    namespaces = kube.json("get", "namespaces")["items"]
    left = [n["status"].get("phase") for n in namespaces if n["metadata"]["name"] == deployed.namespace]
    assert left in ([], ["Terminating"])
